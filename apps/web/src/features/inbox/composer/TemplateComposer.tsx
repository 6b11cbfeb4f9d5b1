import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowLeft, IconRefresh, IconSearch, IconSend } from '@tabler/icons-react';
import { type FormEvent, type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../lib/api';
import { describeError } from '../../../lib/notify';
import { useSyncTemplates } from '../../channels/api';
import type { ConversationDto } from '../api';
import { type TemplateDto, useApprovedTemplates, useSendComposed } from './api';
import { HeaderFileField } from './HeaderFileField';
import { TemplatePreview } from './TemplatePreview';
import {
  buttonValueProblem,
  examplesOf,
  type FieldId,
  fieldOfIssue,
  headerFileProblem,
  headerMediaKindOf,
  isStale,
  MAX_BODY_VALUE,
  MAX_COUPON_CODE,
  MAX_HEADER_VALUE,
  MAX_URL_VALUE,
  matchesSearch,
  mediaHeaderOf,
  partsOf,
  problemsOf,
  type TemplateValues,
  templateRequestOf,
  unsupportedReason,
  urlPrefixOf,
  type ValueProblem,
  valueProblem,
} from './template-model';
import { useHeaderFile } from './use-header-file';

type Props = {
  workspaceId: string;
  conversation: ConversationDto;
  /** After a template was accepted (202). */
  onSent: () => void;
  /** Focus the search field when shown (the modal, or when the window just closed). */
  autoFocus?: boolean;
  /** A template was picked (the form is shown) or the list is back. */
  onPickChange?: (picked: boolean) => void;
};

const emptyValues = (): TemplateValues => ({ body: {}, header: {}, buttons: {} });

type Part = 'header' | 'body' | 'buttons';
type Field = {
  id: FieldId;
  part: Part;
  key: string;
  max: number;
  problem: (value: string) => ValueProblem | null;
  /** Buttons: the label and, for a URL button, the start of its link. */
  button?: { type: 'url' | 'copy_code'; text: string; prefix: string | null };
};

/** "5 minutes ago" in the UI language. */
function relativeTime(iso: string, language: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(Math.round(seconds), 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}

/**
 * Picks an approved template of the conversation's number, fills its variables with a live preview and
 * sends it. Used in place of the free-text composer when the 24-hour window is closed, and in a dialog
 * from the open composer (templates may be sent at any time).
 */
export function TemplateComposer({ workspaceId, conversation, onSent, autoFocus, onPickChange }: Props) {
  const templates = useApprovedTemplates(workspaceId, conversation.channelId);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [returnTo, setReturnTo] = useState<string | null>(null);
  const selected = templates.data?.find((tpl) => tpl.id === selectedId) ?? null;

  // Another conversation (maybe another number) starts at the list.
  useEffect(() => {
    setSelectedId(null);
  }, [conversation.id]);

  const picked = !!selected;
  useEffect(() => onPickChange?.(picked), [onPickChange, picked]);

  return (
    <Stack gap="xs" className="composer-templates" data-testid="template-composer">
      {selected ? (
        <TemplateForm
          key={selected.id}
          workspaceId={workspaceId}
          conversation={conversation}
          template={selected}
          onBack={() => {
            setReturnTo(selectedId);
            setSelectedId(null);
          }}
          onSent={() => {
            setReturnTo(null);
            setSelectedId(null);
            onSent();
          }}
        />
      ) : (
        <TemplateList
          workspaceId={workspaceId}
          channelId={conversation.channelId}
          templates={templates.data}
          loading={templates.isPending}
          error={templates.isError ? templates.error : null}
          onRetry={() => void templates.refetch()}
          onPick={setSelectedId}
          autoFocus={autoFocus}
          lastPickedId={returnTo}
        />
      )}
    </Stack>
  );
}

/** The list's title with "Sync templates" (prominent when the list is empty or stale) and its status. */
function ListHeader({
  workspaceId,
  channelId,
  prominent,
  syncedAt,
}: {
  workspaceId: string;
  channelId: string;
  prominent: boolean;
  syncedAt: string | null;
}) {
  const { t, i18n } = useTranslation('inbox');
  const sync = useSyncTemplates(workspaceId, channelId);
  const status = sync.isPending
    ? t('composer.templates.syncing')
    : sync.isError
      ? t('composer.templates.syncFailed', { reason: describeError(sync.error) })
      : sync.isSuccess
        ? t('composer.templates.synced', { count: sync.data.synced })
        : syncedAt
          ? t('composer.templates.syncedAt', { when: relativeTime(syncedAt, i18n.language) })
          : '';
  return (
    <Stack gap={0}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text fw={600} size="sm" id="template-list-title">
          {t('composer.templates.choose')}
        </Text>
        <Button
          size="compact-xs"
          variant={prominent ? 'light' : 'subtle'}
          leftSection={<IconRefresh size={14} aria-hidden />}
          loading={sync.isPending}
          onClick={() => sync.mutate()}
          data-testid="template-sync"
          style={{ flexShrink: 0 }}
        >
          {t('composer.templates.sync')}
        </Button>
      </Group>
      <Text
        size="xs"
        c={sync.isError ? 'red' : 'dimmed'}
        role="status"
        aria-live="polite"
        data-testid="template-sync-status"
      >
        {status}
      </Text>
    </Stack>
  );
}

function TemplateList({
  workspaceId,
  channelId,
  templates,
  loading,
  error,
  onRetry,
  onPick,
  autoFocus,
  lastPickedId,
}: {
  workspaceId: string;
  channelId: string;
  templates: TemplateDto[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  onPick: (id: string) => void;
  autoFocus?: boolean;
  lastPickedId: string | null;
}) {
  const { t } = useTranslation('inbox');
  const [query, setQuery] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const shown = useMemo(
    () => (templates ?? []).filter((tpl) => matchesSearch(tpl, query)),
    [templates, query],
  );
  const stale = templates ? isStale(templates) : false;
  const newestSync = templates?.length
    ? templates.reduce((a, b) => (a.syncedAt > b.syncedAt ? a : b)).syncedAt
    : null;

  // Focus the search once it is there (the list may still be loading when this is shown).
  const focused = useRef(false);
  const ready = (templates?.length ?? 0) > 0;
  useEffect(() => {
    if (!autoFocus || !ready || focused.current) return;
    focused.current = true;
    searchRef.current?.focus({ preventScroll: true });
  }, [autoFocus, ready]);

  const options = () => [...(listRef.current?.querySelectorAll<HTMLElement>('[data-template-option]') ?? [])];
  const onListKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const all = options();
    const index = all.indexOf(document.activeElement as HTMLElement);
    event.preventDefault();
    if (event.key === 'ArrowUp' && index <= 0) {
      searchRef.current?.focus();
      return;
    }
    all[Math.min(all.length - 1, event.key === 'ArrowDown' ? index + 1 : index - 1)]?.focus();
  };

  // Back from a template: the focus returns to its row.
  useEffect(() => {
    if (!lastPickedId) return;
    listRef.current?.querySelector<HTMLElement>(`[data-template-id="${CSS.escape(lastPickedId)}"]`)?.focus();
  }, [lastPickedId]);

  return (
    <>
      <ListHeader workspaceId={workspaceId} channelId={channelId} prominent={stale} syncedAt={newestSync} />
      {error ? (
        <Alert color="red" variant="light" title={t('composer.templates.loadFailed')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{describeError(error)}</Text>
            <Button size="compact-sm" variant="default" onClick={onRetry}>
              {t('composer.templates.retry')}
            </Button>
          </Stack>
        </Alert>
      ) : loading ? (
        <Center py="md">
          <Loader size="sm" aria-label={t('composer.templates.loading')} />
        </Center>
      ) : (templates ?? []).length === 0 ? (
        <Stack gap={4} py="xs" data-testid="template-empty">
          <Text size="sm">{t('composer.templates.empty')}</Text>
          <Text size="xs" c="dimmed">
            {t('composer.templates.emptyHint')}
          </Text>
        </Stack>
      ) : (
        <>
          <TextInput
            ref={searchRef}
            size="sm"
            leftSection={<IconSearch size={16} aria-hidden />}
            placeholder={t('composer.templates.searchPlaceholder')}
            aria-label={t('composer.templates.search')}
            value={query}
            onChange={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown') {
                event.preventDefault();
                options()[0]?.focus();
              }
            }}
            data-testid="template-search"
          />
          {shown.length === 0 ? (
            <Text size="sm" c="dimmed" py="xs" role="status">
              {t('composer.templates.noMatch', { query })}
            </Text>
          ) : (
            <ul
              ref={listRef}
              className="composer-template-list"
              aria-labelledby="template-list-title"
              onKeyDown={onListKeyDown}
            >
              {shown.map((tpl) => (
                <li key={tpl.id}>
                  <TemplateOption template={tpl} onPick={onPick} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

function CategoryBadge({ category }: { category: string }) {
  const { t } = useTranslation('inbox');
  const color = category === 'MARKETING' ? 'grape' : category === 'AUTHENTICATION' ? 'orange' : 'blue';
  return (
    <Badge size="xs" variant="light" color={color}>
      {t(`composer.templates.category.${category}` as 'composer.templates.category.UTILITY', {
        defaultValue: category.toLowerCase(),
      })}
    </Badge>
  );
}

function TemplateOption({ template, onPick }: { template: TemplateDto; onPick: (id: string) => void }) {
  const { t } = useTranslation('inbox');
  const reason = unsupportedReason(template);
  const body = partsOf(template).body;
  const reasonId = `template-reason-${template.id}`;
  const format = mediaHeaderOf(template);
  return (
    <UnstyledButton
      className="composer-template-option"
      onClick={() => !reason && onPick(template.id)}
      aria-disabled={reason ? true : undefined}
      aria-describedby={reason ? reasonId : undefined}
      data-template-option
      data-template-id={template.id}
      data-template-name={template.name}
      data-testid="template-option"
    >
      <Group gap={6} wrap="wrap" mb={2}>
        <Text size="sm" fw={600} className="inbox-break">
          <bdi>{template.name}</bdi>
        </Text>
        <Badge size="xs" variant="outline" color="gray" tt="none">
          {template.language}
        </Badge>
        <CategoryBadge category={template.category} />
      </Group>
      <Text size="xs" c="dimmed" lineClamp={2} className="inbox-break">
        {body}
      </Text>
      {reason && format && (
        <Text size="xs" c="orange.8" id={reasonId} mt={2} className="composer-template-reason">
          {t('composer.templates.mediaHeader', {
            format: t(`composer.templates.format.${format}` as 'composer.templates.format.IMAGE', {
              defaultValue: format.toLowerCase(),
            }),
          })}
        </Text>
      )}
    </UnstyledButton>
  );
}

function TemplateForm({
  workspaceId,
  conversation,
  template,
  onBack,
  onSent,
}: {
  workspaceId: string;
  conversation: ConversationDto;
  template: TemplateDto;
  onBack: () => void;
  onSent: () => void;
}) {
  const { t } = useTranslation('inbox');
  const send = useSendComposed(workspaceId, conversation.id);
  const headerKind = headerMediaKindOf(template);
  const headerFile = useHeaderFile(workspaceId, headerKind);
  const [values, setValues] = useState<TemplateValues>(emptyValues);
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Map<FieldId | 'template' | 'form', string>>(new Map());
  const examples = useMemo(() => examplesOf(template), [template]);
  const firstFieldRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const positional = template.parameterFormat !== 'NAMED';

  // The first field (the header file's button, or the first value) gets the focus, else Send.
  useEffect(() => {
    (
      formRef.current?.querySelector<HTMLElement>('[data-field="headerMedia"]') ??
      firstFieldRef.current ??
      formRef.current?.querySelector<HTMLElement>('button[type="submit"]')
    )?.focus();
  }, []);

  const fields: Field[] = [
    ...template.headerParameters.map((key) => ({
      id: `header.${key}` as FieldId,
      part: 'header' as const,
      key,
      max: MAX_HEADER_VALUE,
      problem: (value: string) => valueProblem(value, MAX_HEADER_VALUE),
    })),
    ...template.bodyParameters.map((key) => ({
      id: `body.${key}` as FieldId,
      part: 'body' as const,
      key,
      max: MAX_BODY_VALUE,
      problem: (value: string) => valueProblem(value, MAX_BODY_VALUE),
    })),
    ...template.buttonParameters.map((b) => ({
      id: `button.${b.index}` as FieldId,
      part: 'buttons' as const,
      key: String(b.index),
      max: b.type === 'url' ? MAX_URL_VALUE : MAX_COUPON_CODE,
      problem: (value: string) => buttonValueProblem(value, b.type),
      button: {
        type: b.type,
        text: b.text,
        prefix: b.type === 'url' ? urlPrefixOf(template, b.index) : null,
      },
    })),
  ];

  const labelOf = (f: Field) => {
    if (f.button) {
      const text = f.button.text || t('composer.templates.buttonNumber', { number: Number(f.key) + 1 });
      return t('composer.templates.button', { text });
    }
    return f.part === 'header'
      ? positional
        ? t('composer.templates.headerVariable', { name: f.key })
        : t('composer.templates.headerNamed', { name: f.key })
      : positional
        ? t('composer.templates.variable', { name: f.key })
        : f.key;
  };

  const problemText = (f: Field, value: string): string | null => {
    const problem = f.problem(value);
    if (!problem || (problem === 'required' && !attempted)) return null;
    return t(`composer.templates.problem.${problem}`, { max: f.max });
  };

  const fileProblem = headerFileProblem(template, headerFile.state);
  const headerFileError =
    serverErrors.get('headerMedia') ??
    (fileProblem && headerKind && attempted
      ? t(
          `composer.templates.headerFile.problem.${fileProblem === 'required' ? `required.${headerKind}` : fileProblem}`,
        )
      : null);

  const setValue = (part: Part, key: string, value: string) => {
    setValues((v) => ({ ...v, [part]: { ...v[part], [key]: value } }));
    setServerErrors((errors) => {
      if (!errors.size) return errors;
      const next = new Map(errors);
      next.delete(`${part === 'buttons' ? 'button' : part}.${key}` as FieldId);
      next.delete('form');
      return next;
    });
  };

  const clearFileError = () =>
    setServerErrors((errors) => {
      if (!errors.has('headerMedia')) return errors;
      const next = new Map(errors);
      next.delete('headerMedia');
      return next;
    });

  const focusField = (id: FieldId) =>
    formRef.current?.querySelector<HTMLElement>(`[data-field="${CSS.escape(id)}"]`)?.focus();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (send.isPending) return;
    setAttempted(true);
    if (fileProblem) {
      focusField('headerMedia');
      return;
    }
    const problems = problemsOf(template, values);
    const first = fields.find((f) => problems.has(f.id));
    if (first) {
      focusField(first.id);
      return;
    }
    setServerErrors(new Map());
    send.mutate(
      { template: templateRequestOf(template, values, headerFile.current?.mediaId ?? null) },
      {
        onSuccess: () => onSent(),
        onError: (error) => {
          const next = new Map<FieldId | 'template' | 'form', string>();
          if (isApiError(error, 'validation_failed') && error.issues.length) {
            for (const issue of error.issues) {
              const at = fieldOfIssue(template, issue.path);
              if (!next.has(at)) next.set(at, issue.message);
            }
          } else if (headerKind && isApiError(error, 'media_not_ready')) {
            // The file was sent already (or is gone): it has to be uploaded again.
            next.set('headerMedia', t('composer.templates.headerFile.notReady'));
          } else {
            next.set('form', describeError(error));
          }
          setServerErrors(next);
          if (next.has('headerMedia')) focusField('headerMedia');
          else {
            const firstField = fields.find((f) => next.has(f.id));
            if (firstField) focusField(firstField.id);
          }
        },
      },
    );
  };

  const formError = serverErrors.get('form') ?? serverErrors.get('template');

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="template-form-title">
      <Stack gap="xs">
        <Group gap={6} wrap="nowrap">
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={onBack}
            aria-label={t('composer.templates.back')}
            data-testid="template-back"
          >
            <IconArrowLeft size={18} aria-hidden />
          </ActionIcon>
          <Group gap={6} wrap="wrap" miw={0}>
            <Text fw={600} size="sm" id="template-form-title" className="inbox-break">
              <bdi>{template.name}</bdi>
            </Text>
            <Badge size="xs" variant="outline" color="gray" tt="none">
              {template.language}
            </Badge>
            <CategoryBadge category={template.category} />
          </Group>
        </Group>
        <div className="composer-template-grid">
          <Stack gap="xs">
            {headerKind && (
              <HeaderFileField
                kind={headerKind}
                header={headerFile}
                error={headerFileError}
                onChange={clearFileError}
              />
            )}
            {fields.length === 0 && !headerKind && (
              <Text size="sm" c="dimmed">
                {t('composer.templates.noVariables')}
              </Text>
            )}
            {fields.map((f, i) => {
              const value = values[f.part][f.key] ?? '';
              const example = examples[f.part][f.key];
              const prefix = f.button?.prefix;
              // A button says what its value is (the end of a link, a code to copy) before the example.
              const exampleText =
                [
                  f.button?.type === 'url' ? t('composer.templates.buttonUrlHint') : null,
                  f.button?.type === 'copy_code'
                    ? t('composer.templates.buttonCodeHint', { max: MAX_COUPON_CODE })
                    : null,
                  example ? t('composer.templates.example', { value: example }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ') || null;
              return (
                <TextInput
                  key={f.id}
                  ref={i === 0 ? firstFieldRef : undefined}
                  size="sm"
                  label={labelOf(f)}
                  description={
                    prefix ? (
                      <>
                        {exampleText}
                        <span className="visually-hidden">
                          {' '}
                          {t('composer.templates.urlPrefix', { prefix })}
                        </span>
                      </>
                    ) : (
                      (exampleText ?? undefined)
                    )
                  }
                  inputContainer={
                    prefix
                      ? (input) => (
                          <div className="composer-url-field">
                            <span className="composer-url-prefix" aria-hidden="true" title={prefix}>
                              <bdi>{prefix}</bdi>
                            </span>
                            <div className="composer-url-input">{input}</div>
                          </div>
                        )
                      : undefined
                  }
                  value={value}
                  onChange={(event) => setValue(f.part, f.key, event.currentTarget.value)}
                  error={serverErrors.get(f.id) ?? problemText(f, value)}
                  required
                  maxLength={f.max + 50}
                  autoComplete="off"
                  spellCheck={f.button ? false : undefined}
                  dir={f.button ? 'ltr' : undefined}
                  data-field={f.id}
                  data-testid={f.button ? 'template-button-value' : 'template-variable'}
                />
              );
            })}
          </Stack>
          <Stack gap={4}>
            <Text size="xs" c="dimmed" fw={600} id="template-preview-title">
              {t('composer.templates.preview')}
            </Text>
            <section aria-labelledby="template-preview-title">
              <TemplatePreview template={template} values={values} headerFile={headerFile.current} />
            </section>
          </Stack>
        </div>
        {formError && (
          <Text size="sm" c="red" role="alert" data-testid="template-error">
            {formError}
          </Text>
        )}
        <Group justify="flex-end" gap="xs" className="composer-template-actions">
          <Button variant="default" size="sm" onClick={onBack}>
            {t('composer.templates.cancel')}
          </Button>
          <Button
            type="submit"
            size="sm"
            leftSection={<IconSend size={16} aria-hidden />}
            loading={send.isPending}
            data-testid="template-send"
          >
            {t('composer.templates.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
