import {
  Alert,
  Anchor,
  Button,
  Code,
  Collapse,
  Group,
  List,
  Loader,
  Modal,
  SimpleGrid,
  Stack,
  Stepper,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconChevronDown,
  IconChevronRight,
  IconCircleCheck,
  IconExternalLink,
  IconLock,
} from '@tabler/icons-react';
import { type ChangeEvent, type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField';
import { FormError } from '../../components/FormError';
import { PasswordField } from '../../components/PasswordField';
import { ApiError } from '../../lib/api';
import { fieldErrors } from '../../lib/forms';
import { useWorkspace } from '../shell/workspace-context';
import { type CreateChannelInput, type CreatedChannel, useCreateChannel } from './api';

const FIELDS = [
  'name',
  'phoneNumberId',
  'wabaId',
  'accessToken',
  'appSecret',
  'graphBaseUrl',
  'graphApiVersion',
] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const ADVANCED: readonly Field[] = ['graphBaseUrl', 'graphApiVersion'];

const empty: Values = {
  name: '',
  phoneNumberId: '',
  wabaId: '',
  accessToken: '',
  appSecret: '',
  graphBaseUrl: '',
  graphApiVersion: '',
};

/**
 * The rules of `createChannelRequest` and `updateChannelRequest` in @parley/contracts for the fields
 * both forms have (values trimmed), checked before the round trip.
 */
export const channelFieldRules = {
  name: (value: string) => value.length >= 1 && value.length <= 80,
  accessToken: (value: string) => value.length >= 10 && value.length <= 1000,
  appSecret: (value: string) => value.length >= 8 && value.length <= 200,
};

/** The same rules as `createChannelRequest` in @parley/contracts, checked before the round trip. */
function validate(values: Values): Partial<Record<Field, true>> {
  const v = (field: Field) => values[field].trim();
  const bad: Partial<Record<Field, true>> = {};
  if (!channelFieldRules.name(v('name'))) bad.name = true;
  if (!/^\d{1,30}$/.test(v('phoneNumberId'))) bad.phoneNumberId = true;
  if (!/^\d{1,30}$/.test(v('wabaId'))) bad.wabaId = true;
  if (!channelFieldRules.accessToken(v('accessToken'))) bad.accessToken = true;
  if (!channelFieldRules.appSecret(v('appSecret'))) bad.appSecret = true;
  if (v('graphBaseUrl')) {
    try {
      const url = new URL(v('graphBaseUrl'));
      if (url.protocol !== 'https:' && url.protocol !== 'http:') bad.graphBaseUrl = true;
    } catch {
      bad.graphBaseUrl = true;
    }
  }
  if (v('graphApiVersion') && !/^v\d{1,3}\.0$/.test(v('graphApiVersion'))) bad.graphApiVersion = true;
  return bad;
}

function toRequest(values: Values): CreateChannelInput {
  const v = (field: Field) => values[field].trim();
  return {
    type: 'whatsapp',
    name: v('name'),
    phoneNumberId: v('phoneNumberId'),
    wabaId: v('wabaId'),
    accessToken: v('accessToken'),
    appSecret: v('appSecret'),
    ...(v('graphBaseUrl') ? { graphBaseUrl: v('graphBaseUrl') } : {}),
    ...(v('graphApiVersion') ? { graphApiVersion: v('graphApiVersion') } : {}),
  };
}

/** What WhatsApp said when it refused credentials (`details.graphTitle`), if anything. */
export function graphTitleOf(error: unknown): string | null {
  if (!(error instanceof ApiError) || !error.details || typeof error.details !== 'object') return null;
  const title = (error.details as { graphTitle?: unknown }).graphTitle;
  return typeof title === 'string' && title.trim() ? title.trim() : null;
}

/**
 * The guided "Connect WhatsApp number" dialog: what to prepare in Meta's dashboard, the credentials
 * form (checked against the Graph API by the server), then the webhook values to paste back into Meta.
 */
export function ConnectChannelModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { workspaceId } = useWorkspace();
  const create = useCreateChannel(workspaceId);
  const phone = useMediaQuery('(max-width: 36em)');
  const [step, setStep] = useState(0);
  const [values, setValues] = useState<Values>(empty);
  const [invalid, setInvalid] = useState<Partial<Record<Field, true>>>({});
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [created, setCreated] = useState<CreatedChannel | null>(null);

  const close = () => {
    if (create.isPending) return;
    setStep(0);
    setValues(empty);
    setInvalid({});
    setAdvancedOpen(false);
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const bad = validate(values);
    setInvalid(bad);
    if (Object.keys(bad).length > 0) {
      if (ADVANCED.some((field) => bad[field])) setAdvancedOpen(true);
      create.reset();
      focusFirstInvalid(bad);
      return;
    }
    create.mutate(toRequest(values), {
      onSuccess: (channel) => {
        setCreated(channel);
        setStep(2);
        setValues(empty);
      },
      onError: (error) => {
        const server = fieldErrors(error);
        if (ADVANCED.some((field) => server[field])) setAdvancedOpen(true);
        // The alert sits above the buttons; make sure it is on screen in a scrolled dialog.
        setTimeout(
          () => document.getElementById('channel-connect-error')?.scrollIntoView({ block: 'nearest' }),
          50,
        );
      },
    });
  };

  const titles = [t('channels.connect.step1'), t('channels.connect.step2'), t('channels.connect.step3')];

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('channels.connect.title')}
      centered
      size="xl"
      fullScreen={phone}
      closeOnClickOutside={step === 0}
      closeButtonProps={{ 'aria-label': t('channels.connect.close') }}
    >
      <Stack gap="lg">
        <Stepper
          // After the last step every step shows as done.
          active={step === 2 ? 3 : step}
          size="sm"
          iconSize={phone ? 28 : 32}
          allowNextStepsSelect={false}
          aria-label={t('channels.connect.progress')}
          styles={phone ? { stepBody: { display: 'none' }, separator: { marginInline: 6 } } : undefined}
        >
          {titles.map((title, index) => (
            <Stepper.Step
              key={title}
              label={title}
              aria-label={title}
              aria-current={index === step ? 'step' : undefined}
            />
          ))}
        </Stepper>
        {phone && (
          <Text size="sm" fw={600} aria-hidden>
            {t('channels.connect.stepOf', { step: step + 1, total: 3, title: titles[step] })}
          </Text>
        )}
        {step === 0 && <Instructions onNext={() => setStep(1)} onCancel={close} />}
        {step === 1 && (
          <CredentialsForm
            values={values}
            setValue={(field, value) => {
              setValues((previous) => ({ ...previous, [field]: value }));
              // An edited field is no longer marked until the next submit.
              setInvalid((previous) => ({ ...previous, [field]: undefined }));
            }}
            invalid={invalid}
            error={create.error}
            submitted={create.variables}
            pending={create.isPending}
            advancedOpen={advancedOpen}
            toggleAdvanced={() => setAdvancedOpen((open) => !open)}
            onSubmit={submit}
            onBack={() => {
              create.reset();
              setStep(0);
            }}
          />
        )}
        {step === 2 && created && <WebhookStep channel={created} onDone={close} />}
      </Stack>
    </Modal>
  );
}

function focusFirstInvalid(bad: Partial<Record<Field, true>>) {
  const first = FIELDS.find((field) => bad[field]);
  if (!first) return;
  // After the Collapse opened (advanced fields) and React re-rendered.
  setTimeout(() => document.getElementById(`channel-field-${first}`)?.focus(), 50);
}

function Instructions({ onNext, onCancel }: { onNext: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const components = { code: <Code />, strong: <strong /> };
  return (
    <Stack gap="md">
      <Text size="sm">{t('channels.guide.intro')}</Text>
      <List type="ordered" spacing="sm" size="sm" withPadding>
        <List.Item>
          <Trans i18nKey="channels.guide.app" components={components} />{' '}
          <Anchor
            href="https://developers.facebook.com/apps"
            target="_blank"
            rel="noopener noreferrer"
            size="sm"
            style={{ whiteSpace: 'nowrap' }}
          >
            developers.facebook.com
            <IconExternalLink size={14} aria-hidden style={{ marginInlineStart: 2, verticalAlign: -2 }} />
            <span className="visually-hidden">{t('channels.newTab')}</span>
          </Anchor>
        </List.Item>
        <List.Item>
          <Trans i18nKey="channels.guide.token" components={components} />
        </List.Item>
        <List.Item>
          <Trans i18nKey="channels.guide.ids" components={components} />
        </List.Item>
        <List.Item>
          <Trans i18nKey="channels.guide.https" components={components} />
        </List.Item>
      </List>
      <Alert variant="light" color="blue" icon={<IconLock size={18} aria-hidden />}>
        {t('channels.guide.check')}
      </Alert>
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button onClick={onNext} data-testid="channel-connect-next">
          {t('channels.connect.next')}
        </Button>
      </Group>
    </Stack>
  );
}

type FormProps = {
  values: Values;
  setValue: (field: Field, value: string) => void;
  invalid: Partial<Record<Field, true>>;
  error: unknown;
  /** The request of the last submit (for the server's field issues). */
  submitted: CreateChannelInput | undefined;
  pending: boolean;
  advancedOpen: boolean;
  toggleAdvanced: () => void;
  onSubmit: (event: FormEvent) => void;
  onBack: () => void;
};

function CredentialsForm(props: FormProps) {
  const {
    values,
    setValue,
    invalid,
    error,
    submitted,
    pending,
    advancedOpen,
    toggleAdvanced,
    onSubmit,
    onBack,
  } = props;
  const { t } = useTranslation();
  const advancedId = useId();
  const server = fieldErrors(error);
  // A field-specific, translated message whenever the browser or the server found a problem with it.
  // Server issues stay on a field only while it still holds the value that was sent.
  const errorOf = (field: Field) =>
    invalid[field] || (server[field] && (submitted?.[field] ?? '') === values[field].trim())
      ? t(`channels.validation.${field}`)
      : undefined;
  const input = (field: Field) => ({
    id: `channel-field-${field}`,
    value: values[field],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(field, event.currentTarget.value),
    error: errorOf(field),
    disabled: pending,
    autoComplete: 'off',
    spellCheck: false,
  });
  const graphTitle = graphTitleOf(error);
  // The "next" button that had the focus is gone: start at the first field.
  useEffect(() => {
    document.getElementById('channel-field-name')?.focus();
  }, []);

  return (
    <form onSubmit={onSubmit} noValidate aria-busy={pending}>
      <Stack gap="md">
        <TextInput
          {...input('name')}
          label={t('channels.fields.name')}
          description={t('channels.fields.nameHint')}
          required
          maxLength={80}
        />
        <TextInput
          {...input('phoneNumberId')}
          label={t('channels.fields.phoneNumberId')}
          description={t('channels.fields.phoneNumberIdHint')}
          inputMode="numeric"
          required
        />
        <TextInput
          {...input('wabaId')}
          label={t('channels.fields.wabaId')}
          description={t('channels.fields.wabaIdHint')}
          inputMode="numeric"
          required
        />
        <PasswordField
          {...input('accessToken')}
          autoComplete="new-password"
          label={t('channels.fields.accessToken')}
          description={t('channels.fields.accessTokenHint')}
          required
        />
        <PasswordField
          {...input('appSecret')}
          autoComplete="new-password"
          label={t('channels.fields.appSecret')}
          description={t('channels.fields.appSecretHint')}
          required
        />

        <div>
          <UnstyledButton
            onClick={toggleAdvanced}
            aria-expanded={advancedOpen}
            aria-controls={advancedId}
            data-testid="channel-advanced-toggle"
          >
            <Group gap={4} wrap="nowrap">
              {advancedOpen ? (
                <IconChevronDown size={16} aria-hidden />
              ) : (
                <IconChevronRight size={16} aria-hidden />
              )}
              <Text size="sm" fw={600}>
                {t('channels.fields.advanced')}
              </Text>
            </Group>
          </UnstyledButton>
          <Collapse expanded={advancedOpen} id={advancedId}>
            <Stack gap="md" pt="sm">
              <Text size="xs" c="dimmed">
                {t('channels.fields.advancedHint')}
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                <TextInput
                  {...input('graphBaseUrl')}
                  label={t('channels.fields.graphBaseUrl')}
                  placeholder="https://graph.facebook.com"
                  type="url"
                  inputMode="url"
                />
                <TextInput
                  {...input('graphApiVersion')}
                  label={t('channels.fields.graphApiVersion')}
                  placeholder="v24.0"
                />
              </SimpleGrid>
            </Stack>
          </Collapse>
        </div>

        <div aria-live="polite" aria-atomic="true">
          {pending && (
            <Group gap="xs" wrap="nowrap" data-testid="channel-connect-pending">
              <Loader size="xs" aria-hidden />
              <Text size="sm">{t('channels.connect.checking')}</Text>
            </Group>
          )}
        </div>
        <div id="channel-connect-error">
          <FormError
            error={pending ? null : error}
            fields={FIELDS}
            messages={{
              whatsapp_credentials_rejected: (
                <Stack gap={4} data-testid="channel-credentials-rejected">
                  <Text size="sm" fw={600}>
                    {t('channels.errors.rejected')}
                  </Text>
                  <Text size="sm">{t('channels.errors.rejectedHint')}</Text>
                  {graphTitle && (
                    <Text size="sm">
                      {t('channels.errors.whatsappSaid')} <q>{graphTitle}</q>
                    </Text>
                  )}
                </Stack>
              ),
              whatsapp_unreachable: t('channels.errors.unreachable'),
              channel_phone_taken: t('channels.errors.phoneTaken'),
            }}
          />
        </div>

        <Group justify="space-between" gap="sm">
          <Button variant="default" onClick={onBack} disabled={pending}>
            {t('channels.connect.back')}
          </Button>
          <Button type="submit" loading={pending} data-testid="channel-connect-submit">
            {t('channels.connect.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function WebhookStep({ channel, onDone }: { channel: CreatedChannel; onDone: () => void }) {
  const { t } = useTranslation();
  const components = { code: <Code />, strong: <strong /> };
  const doneRef = useRef<HTMLDivElement>(null);
  // The form is gone: move the focus to the outcome so screen readers announce it.
  useEffect(() => {
    doneRef.current?.focus();
  }, []);
  return (
    <Stack gap="md">
      <Alert
        ref={doneRef}
        tabIndex={-1}
        color="teal"
        variant="light"
        icon={<IconCircleCheck size={18} aria-hidden />}
        data-testid="channel-connected"
      >
        {channel.displayPhoneNumber
          ? t('channels.done.connectedNumber', { name: channel.name, number: channel.displayPhoneNumber })
          : t('channels.done.connected', { name: channel.name })}
      </Alert>
      <Text size="sm">{t('channels.done.intro')}</Text>
      <CopyField
        label={t('channels.fields.webhookUrl')}
        value={channel.webhookUrl}
        testId="channel-webhook-url"
      />
      <CopyField
        label={t('channels.fields.verifyToken')}
        value={channel.verifyToken}
        testId="channel-verify-token"
      />
      <List type="ordered" spacing="xs" size="sm" withPadding>
        <List.Item>
          <Trans i18nKey="channels.done.stepEdit" components={components} />
        </List.Item>
        <List.Item>
          <Trans i18nKey="channels.done.stepPaste" components={components} />
        </List.Item>
        <List.Item>
          <Trans i18nKey="channels.done.stepSubscribe" components={components} />
        </List.Item>
      </List>
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
        {t('channels.done.secretsWarning')}
      </Alert>
      <Group justify="flex-end">
        <Button onClick={onDone} data-testid="channel-connect-done">
          {t('common.done')}
        </Button>
      </Group>
    </Stack>
  );
}
