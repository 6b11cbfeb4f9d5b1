import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Image,
  List,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCheck, IconCopy, IconDownload, IconShieldCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { PasswordField } from '../../components/PasswordField';
import { SectionCard } from '../../components/SectionCard';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import {
  type TotpSetup,
  useDisableTwoFactor,
  useEnableTwoFactor,
  useRegenerateRecoveryCodes,
  useStartTwoFactorSetup,
} from './api';

/** Two-factor sign-in: turn on (QR + confirm code → recovery codes), turn off, new recovery codes. */
export function TwoFactorSection() {
  const { t } = useTranslation();
  const { me } = useWorkspace();
  const enabled = me.user.twoFactorEnabled;
  const start = useStartTwoFactorSetup();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [passwordAction, setPasswordAction] = useState<'disable' | 'regenerate' | null>(null);

  return (
    <SectionCard
      title={t('twoFactor.title')}
      description={t('twoFactor.description')}
      headingId="two-factor-heading"
    >
      <Group gap="sm">
        <Text size="sm" fw={500}>
          {t('twoFactor.status')}
        </Text>
        {enabled ? (
          <Badge color="teal" variant="light" leftSection={<IconShieldCheck size={14} aria-hidden />}>
            {t('twoFactor.on')}
          </Badge>
        ) : (
          <Badge color="gray" variant="light">
            {t('twoFactor.off')}
          </Badge>
        )}
      </Group>

      {setup ? (
        <EnableForm
          setup={setup}
          onCancel={() => setSetup(null)}
          onEnabled={(codes) => {
            setSetup(null);
            setRecoveryCodes(codes);
          }}
        />
      ) : enabled ? (
        <Group gap="sm">
          <Button variant="default" onClick={() => setPasswordAction('regenerate')}>
            {t('twoFactor.regenerate')}
          </Button>
          <Button variant="subtle" color="red" onClick={() => setPasswordAction('disable')}>
            {t('twoFactor.disable')}
          </Button>
        </Group>
      ) : (
        <Group>
          <Button loading={start.isPending} onClick={() => start.mutate(undefined, { onSuccess: setSetup })}>
            {t('twoFactor.enable')}
          </Button>
        </Group>
      )}

      <PasswordModal
        action={passwordAction}
        onClose={() => setPasswordAction(null)}
        onRecoveryCodes={(codes) => {
          setPasswordAction(null);
          setRecoveryCodes(codes);
        }}
      />
      <RecoveryCodesModal codes={recoveryCodes} onClose={() => setRecoveryCodes(null)} />
    </SectionCard>
  );
}

function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function EnableForm({
  setup,
  onCancel,
  onEnabled,
}: {
  setup: TotpSetup;
  onCancel: () => void;
  onEnabled: (codes: string[]) => void;
}) {
  const { t } = useTranslation();
  const enable = useEnableTwoFactor();
  const [code, setCode] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    enable.mutate(code, { onSuccess: (result) => onEnabled(result.recoveryCodes) });
  };

  return (
    <Stack gap="md">
      <List type="ordered" spacing="xs" size="sm">
        <List.Item>{t('twoFactor.step1')}</List.Item>
        <List.Item>{t('twoFactor.step2')}</List.Item>
        <List.Item>{t('twoFactor.step3')}</List.Item>
      </List>
      <Group align="flex-start" gap="lg">
        <Box
          bg="white"
          p="sm"
          w={212}
          style={{ borderRadius: 'var(--mantine-radius-md)' }}
          className="qr-box"
        >
          <Image src={svgDataUrl(setup.qrSvg)} alt={t('twoFactor.qrAlt')} w={192} h={192} fit="contain" />
        </Box>
        <Stack gap="xs" style={{ flex: '1 1 15rem' }} miw={0}>
          <Text size="sm" fw={500} id="totp-secret-label">
            {t('twoFactor.manualEntry')}
          </Text>
          <Code block aria-labelledby="totp-secret-label" className="secret-code" fz="sm">
            {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
          </Code>
          <Group gap="xs">
            <CopyButton value={setup.secret}>
              {({ copied, copy }) => (
                <Button
                  size="compact-sm"
                  variant="subtle"
                  onClick={copy}
                  leftSection={
                    copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />
                  }
                >
                  {copied ? t('common.copied') : t('twoFactor.copyKey')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            {t('twoFactor.manualHint')}
          </Text>
        </Stack>
      </Group>
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={320}>
          <TextInput
            label={t('twoFactor.codeLabel')}
            description={t('twoFactor.codeHint')}
            value={code}
            onChange={(event) => setCode(event.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            classNames={{ input: 'code-input' }}
            error={fieldErrors(enable.error).code}
            required
          />
          <FormError error={enable.error} fields={['code']} />
          <Group gap="sm">
            <Button type="submit" loading={enable.isPending} disabled={code.length !== 6}>
              {t('twoFactor.confirm')}
            </Button>
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function PasswordModal({
  action,
  onClose,
  onRecoveryCodes,
}: {
  action: 'disable' | 'regenerate' | null;
  onClose: () => void;
  onRecoveryCodes: (codes: string[]) => void;
}) {
  const { t } = useTranslation();
  const disable = useDisableTwoFactor();
  const regenerate = useRegenerateRecoveryCodes();
  const [password, setPassword] = useState('');
  const mutation = action === 'disable' ? disable : regenerate;

  const close = () => {
    setPassword('');
    disable.reset();
    regenerate.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (action === 'disable') {
      disable.mutate(password, {
        onSuccess: () => {
          notifySuccess(t('twoFactor.disabled'));
          close();
        },
      });
    } else {
      regenerate.mutate(password, {
        onSuccess: (result) => {
          setPassword('');
          regenerate.reset();
          onRecoveryCodes(result.recoveryCodes);
        },
      });
    }
  };

  return (
    <Modal
      opened={action !== null}
      onClose={close}
      title={action === 'disable' ? t('twoFactor.disableTitle') : t('twoFactor.regenerateTitle')}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">
            {action === 'disable' ? t('twoFactor.disableText') : t('twoFactor.regenerateText')}
          </Text>
          <PasswordField
            label={t('fields.password')}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrors(mutation.error).password}
            autoComplete="current-password"
            required
            data-autofocus
          />
          <FormError error={mutation.error} fields={['password']} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              color={action === 'disable' ? 'red' : undefined}
              loading={mutation.isPending}
            >
              {action === 'disable' ? t('twoFactor.disable') : t('twoFactor.regenerateSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RecoveryCodesModal({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const text = (codes ?? []).join('\n');

  const download = () => {
    const blob = new Blob([`${t('twoFactor.fileHeader')}\n\n${text}\n`], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'parley-recovery-codes.txt';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const close = () => {
    if (!saved) return;
    setSaved(false);
    onClose();
  };

  return (
    <Modal
      opened={codes !== null}
      onClose={close}
      title={t('twoFactor.codesTitle')}
      centered
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
    >
      <Stack gap="md">
        <Alert color="orange" variant="light">
          {t('twoFactor.codesText')}
        </Alert>
        <SimpleGrid
          cols={2}
          spacing="xs"
          component="ul"
          className="recovery-codes"
          aria-label={t('twoFactor.codesTitle')}
        >
          {(codes ?? []).map((code) => (
            <Code key={code} component="li" fz="sm" ta="center" py={6}>
              {code}
            </Code>
          ))}
        </SimpleGrid>
        <Group gap="sm">
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button
                variant="default"
                onClick={copy}
                leftSection={
                  copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />
                }
              >
                {copied ? t('common.copied') : t('twoFactor.copyAll')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={download} leftSection={<IconDownload size={16} aria-hidden />}>
            {t('twoFactor.download')}
          </Button>
        </Group>
        <Checkbox
          label={t('twoFactor.codesSaved')}
          checked={saved}
          onChange={(event) => setSaved(event.currentTarget.checked)}
        />
        <Group justify="flex-end">
          <Button onClick={close} disabled={!saved}>
            {t('common.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
