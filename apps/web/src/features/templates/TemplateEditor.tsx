import {
  ActionIcon,
  Button,
  Group,
  Menu,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { ChannelDto } from '@parley/contracts';
import { IconBraces, IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { SectionCard } from '../../components/SectionCard';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { TemplatePreview } from '../inbox/composer/TemplatePreview';
import '../inbox/composer/composer.css';
import '../inbox/i18n';
import { useWorkspace } from '../shell/workspace-context';
import { useCreateTemplate } from './api';
import { HeaderSampleField, useHeaderSample } from './HeaderSampleField';
import type { SampleFormat } from './header-sample';
import {
  BUTTON_TYPES,
  type ButtonType,
  CATEGORIES,
  type FormButton,
  HEADER_TYPES,
  type HeaderType,
  LANGUAGES,
  LIMITS,
  newButton,
  nextVariable,
  previewOf,
  type TemplateForm,
  toCreateRequest,
  variablesOf,
} from './template-form';
import { checkRequest, issuesByPath, issuesFromError } from './template-rules';

/** The preview's view of the chosen sample (TemplatePreview takes the composer's header file shape). */
function previewFileOf(current: { file: File; previewUrl: string | null }) {
  return {
    file: current.file,
    kind: 'image' as const,
    previewUrl: current.previewUrl,
    status: 'uploaded' as const,
    progress: 1,
    mediaId: null,
    error: null,
  };
}

const FIELDS = ['name', 'category', 'language', 'header', 'body', 'footer', 'buttons'] as const;
const idOf = (path: string) => `tpl-${path.replace(/\./g, '-')}`;

function languageLabel(code: string, uiLanguage: string): string {
  try {
    const name = new Intl.DisplayNames([uiLanguage], { type: 'language' }).of(code.replace('_', '-'));
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** The create form (also "copy into another language") with a live WhatsApp-like preview. */
export function TemplateEditor({
  channel,
  initial,
  onDone,
}: {
  channel: ChannelDto;
  initial: TemplateForm;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation('templates');
  const { workspaceId } = useWorkspace();
  const create = useCreateTemplate(workspaceId);
  // A copy starts without the original's sample: Meta lists it as a URL, not an upload handle.
  const [form, setForm] = useState(() => ({ ...initial, headerMediaHandle: '' }));
  const [tried, setTried] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const isCopy = initial.name !== '';

  const request = toCreateRequest(form);
  const clientIssues = tried ? checkRequest(request) : [];
  const serverIssues = issuesFromError(create.error);
  const issues = issuesByPath([...clientIssues, ...serverIssues]);
  const validation = fieldErrors(create.error);
  const errorAt = (path: string): string | undefined => {
    const rule = issues[path];
    if (rule) {
      const n = Number(path.match(/\.(\d+)$/)?.[1] ?? 0) + 1;
      return t(`rules.${rule}` as 'rules.name_format', { n, defaultValue: rule });
    }
    return validation[path];
  };

  const set = <K extends keyof TemplateForm>(key: K, value: TemplateForm[K]) => {
    if (create.error) create.reset();
    setForm((old) => ({ ...old, [key]: value }));
  };
  const setButton = (index: number, patch: Partial<FormButton>) =>
    set(
      'buttons',
      form.buttons.map((b, i) => (i === index ? { ...b, ...patch } : b)),
    );

  const sampleFormat: SampleFormat | null =
    form.headerType === 'IMAGE' || form.headerType === 'VIDEO' || form.headerType === 'DOCUMENT'
      ? form.headerType
      : null;
  const sample = useHeaderSample(workspaceId, channel.id, sampleFormat, (handle) =>
    setForm((old) => ({ ...old, headerMediaHandle: handle })),
  );
  const sampleUploading = sample.current?.status === 'uploading';

  const insertVariable = () => {
    const el = bodyRef.current;
    const variable = nextVariable(form.bodyText);
    const start = el?.selectionStart ?? form.bodyText.length;
    const end = el?.selectionEnd ?? start;
    const text = form.bodyText.slice(0, start) + variable + form.bodyText.slice(end);
    set('bodyText', text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + variable.length, start + variable.length);
    });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (sampleUploading) {
      document.getElementById(idOf('header.mediaHandle'))?.focus();
      return;
    }
    const found = checkRequest(request);
    if (found.length > 0) {
      document.getElementById(idOf(found[0]?.path ?? 'name'))?.focus();
      return;
    }
    create.mutate(
      { channelId: channel.id, draft: request },
      {
        onSuccess: (created) => {
          notifySuccess(t('form.submitted', { name: created.name }));
          onDone();
        },
        onError: (error) => {
          const first = issuesFromError(error)[0];
          if (first) document.getElementById(idOf(first.path))?.focus();
        },
      },
    );
  };

  const bodyVars = variablesOf(form.bodyText);
  const headerVars = variablesOf(form.headerText);
  const urlCount = form.buttons.filter((b) => b.type === 'URL').length;
  const phoneCount = form.buttons.filter((b) => b.type === 'PHONE_NUMBER').length;
  const canAdd = (type: ButtonType) =>
    form.buttons.length < LIMITS.buttons &&
    (type !== 'URL' || urlCount < LIMITS.urlButtons) &&
    (type !== 'PHONE_NUMBER' || phoneCount < LIMITS.phoneButtons);
  const preview = previewOf(form);
  const counter = (length: number, max: number) => t('form.counter', { length, max });

  return (
    <SectionCard
      title={isCopy ? t('form.copyTitle', { name: initial.name }) : t('form.title')}
      description={t('form.description')}
      headingId="template-form-heading"
    >
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <form
          onSubmit={submit}
          noValidate
          aria-labelledby="template-form-heading"
          data-testid="template-form"
        >
          <Stack gap="md">
            <TextInput
              id={idOf('name')}
              label={t('form.name')}
              description={t('form.nameHint')}
              required
              value={form.name}
              onChange={(e) => set('name', e.currentTarget.value.toLowerCase().replace(/[\s-]/g, '_'))}
              error={errorAt('name')}
              maxLength={LIMITS.name}
              autoComplete="off"
              data-autofocus
              data-testid="template-name"
            />
            <Select
              id={idOf('category')}
              label={t('form.category')}
              description={t(`categoryHint.${form.category}`)}
              data={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
              value={form.category}
              onChange={(v) => v && set('category', v as TemplateForm['category'])}
              allowDeselect={false}
              error={errorAt('category')}
              data-testid="template-category"
            />
            <Select
              id={idOf('language')}
              label={t('form.language')}
              description={isCopy ? t('form.languageCopyHint') : undefined}
              placeholder={t('form.languagePlaceholder')}
              required
              searchable
              data={LANGUAGES.map((code) => ({ value: code, label: languageLabel(code, i18n.language) }))}
              value={form.language}
              onChange={(v) => set('language', v)}
              error={errorAt('language')}
              data-testid="template-language"
            />

            <Select
              id={idOf('header')}
              label={t('form.header')}
              data={HEADER_TYPES.map((h) => ({ value: h, label: t(`headerType.${h}`) }))}
              value={form.headerType}
              onChange={(v) => v && set('headerType', v as HeaderType)}
              allowDeselect={false}
              data-testid="template-header-type"
            />
            {form.headerType === 'TEXT' && (
              <>
                <TextInput
                  id={idOf('header.text')}
                  label={t('form.headerText')}
                  description={`${t('form.headerTextHint')} ${counter(form.headerText.length, LIMITS.headerText)}`}
                  value={form.headerText}
                  onChange={(e) => set('headerText', e.currentTarget.value)}
                  error={errorAt('header.text')}
                  data-testid="template-header-text"
                />
                {headerVars.length > 0 && (
                  <TextInput
                    id={idOf('header.example')}
                    label={t('form.sampleFor', { variable: `{{${headerVars[0]}}}` })}
                    value={form.headerExample}
                    onChange={(e) => set('headerExample', e.currentTarget.value)}
                    error={errorAt('header.example')}
                    data-testid="template-header-example"
                  />
                )}
              </>
            )}
            {sampleFormat && (
              <HeaderSampleField
                id={idOf('header.mediaHandle')}
                format={sampleFormat}
                sample={sample}
                error={sampleUploading && tried ? t('sample.stillUploading') : errorAt('header.mediaHandle')}
              />
            )}

            <Stack gap={6}>
              <Textarea
                id={idOf('body.text')}
                ref={bodyRef}
                label={t('form.body')}
                description={`${t('form.bodyHint')} ${counter(form.bodyText.length, LIMITS.body)}`}
                required
                autosize
                minRows={4}
                value={form.bodyText}
                onChange={(e) => set('bodyText', e.currentTarget.value)}
                error={errorAt('body.text')}
                data-testid="template-body"
              />
              <Group>
                <Button
                  variant="light"
                  size="xs"
                  leftSection={<IconBraces size={14} aria-hidden />}
                  onClick={insertVariable}
                  data-testid="template-add-variable"
                >
                  {t('form.addVariable')}
                </Button>
              </Group>
              {bodyVars.map((name, i) => (
                <TextInput
                  key={`${name}-${i}`}
                  id={idOf(`body.examples.${i}`)}
                  label={t('form.sampleFor', { variable: `{{${i + 1}}}` })}
                  value={form.bodyExamples[i] ?? ''}
                  onChange={(e) => {
                    const examples = [...form.bodyExamples];
                    while (examples.length <= i) examples.push('');
                    examples[i] = e.currentTarget.value;
                    set('bodyExamples', examples);
                  }}
                  error={errorAt(`body.examples.${i}`)}
                  data-testid={`template-body-example-${i + 1}`}
                />
              ))}
            </Stack>

            <TextInput
              id={idOf('footer')}
              label={t('form.footer')}
              description={`${t('form.footerHint')} ${counter(form.footer.length, LIMITS.footer)}`}
              value={form.footer}
              onChange={(e) => set('footer', e.currentTarget.value)}
              error={errorAt('footer')}
              data-testid="template-footer"
            />

            <Stack gap="xs" component="fieldset" className="templates-fieldset">
              <Text component="legend" fw={500} size="sm">
                {t('form.buttons')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('form.buttonsHint', { count: form.buttons.length, max: LIMITS.buttons })}
              </Text>
              {form.buttons.map((b, i) => (
                <Paper key={b.key} withBorder p="sm" radius="md" data-testid="template-button-row">
                  <Stack gap="xs">
                    <Group justify="space-between" wrap="nowrap">
                      <Text size="sm" fw={500}>
                        {t(`buttonType.${b.type}`)}
                      </Text>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('form.removeButton', { n: i + 1 })}
                        onClick={() =>
                          set(
                            'buttons',
                            form.buttons.filter((_, j) => j !== i),
                          )
                        }
                      >
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    </Group>
                    {b.type !== 'COPY_CODE' && (
                      <TextInput
                        id={idOf(`buttons.${i}.text`)}
                        label={t('form.buttonText')}
                        description={counter(b.text.length, LIMITS.buttonText)}
                        value={b.text}
                        onChange={(e) => setButton(i, { text: e.currentTarget.value })}
                        error={errorAt(`buttons.${i}.text`)}
                        data-testid={`template-button-text-${i + 1}`}
                      />
                    )}
                    {b.type === 'URL' && (
                      <>
                        <TextInput
                          id={idOf(`buttons.${i}.url`)}
                          label={t('form.url')}
                          description={t('form.urlHint')}
                          placeholder="https://example.com/orders/{{1}}"
                          value={b.url}
                          onChange={(e) => setButton(i, { url: e.currentTarget.value })}
                          error={errorAt(`buttons.${i}.url`)}
                        />
                        {/\{\{\s*1\s*\}\}/.test(b.url) && (
                          <TextInput
                            id={idOf(`buttons.${i}.example`)}
                            label={t('form.sampleFor', { variable: '{{1}}' })}
                            value={b.example}
                            onChange={(e) => setButton(i, { example: e.currentTarget.value })}
                            error={errorAt(`buttons.${i}.example`)}
                          />
                        )}
                      </>
                    )}
                    {b.type === 'PHONE_NUMBER' && (
                      <TextInput
                        id={idOf(`buttons.${i}.phoneNumber`)}
                        label={t('form.phoneNumber')}
                        placeholder="+49 30 1234567"
                        type="tel"
                        value={b.phoneNumber}
                        onChange={(e) => setButton(i, { phoneNumber: e.currentTarget.value })}
                        error={errorAt(`buttons.${i}.phoneNumber`)}
                      />
                    )}
                    {b.type === 'COPY_CODE' && (
                      <TextInput
                        label={t('form.copyCodeSample')}
                        value={b.example}
                        onChange={(e) => setButton(i, { example: e.currentTarget.value })}
                      />
                    )}
                  </Stack>
                </Paper>
              ))}
              {errorAt('buttons') && (
                <Text size="xs" c="red" role="alert">
                  {errorAt('buttons')}
                </Text>
              )}
              <Group>
                <Menu position="bottom-start">
                  <Menu.Target>
                    <Button
                      id={idOf('buttons')}
                      variant="default"
                      size="xs"
                      leftSection={<IconPlus size={14} aria-hidden />}
                      disabled={form.buttons.length >= LIMITS.buttons}
                      data-testid="template-add-button"
                    >
                      {t('form.addButton')}
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {BUTTON_TYPES.map((type) => (
                      <Menu.Item
                        key={type}
                        disabled={!canAdd(type)}
                        onClick={() => set('buttons', [...form.buttons, newButton(type)])}
                      >
                        {t(`buttonType.${type}`)}
                      </Menu.Item>
                    ))}
                  </Menu.Dropdown>
                </Menu>
              </Group>
            </Stack>

            <FormError
              error={create.error}
              fields={FIELDS}
              messages={{
                template_rules_broken: t('errors.template_rules_broken'),
                template_exists: t('errors.template_exists'),
                template_refused: t('errors.template_refused', {
                  reason: String(
                    (create.error as { details?: { graphTitle?: string } } | null)?.details?.graphTitle ?? '',
                  ),
                }),
              }}
            />
            {tried && clientIssues.length > 0 && (
              <Text size="sm" c="red" role="alert" data-testid="template-form-issues">
                {t('form.fixFields', { count: clientIssues.length })}
              </Text>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onDone}>
                {t('form.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="template-submit">
                {t('form.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
        <Stack gap="xs" className="templates-preview">
          <Text fw={600} size="sm" id="template-preview-heading">
            {t('form.preview')}
          </Text>
          <section aria-labelledby="template-preview-heading">
            <TemplatePreview
              template={preview.template}
              values={preview.values}
              headerFile={sample.current ? previewFileOf(sample.current) : null}
            />
          </section>
          <Text size="xs" c="dimmed">
            {t('form.previewHint')}
          </Text>
        </Stack>
      </SimpleGrid>
    </SectionCard>
  );
}
