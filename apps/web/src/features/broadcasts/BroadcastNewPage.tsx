import { Anchor, Button, Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowLeft, IconCalendarTime, IconSend } from '@tabler/icons-react';
import {
  type Dispatch,
  type FormEvent,
  type SetStateAction,
  useCallback,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { type TemplateDto, useApprovedTemplates } from '../inbox/composer/api';
import { useWorkspace } from '../shell/workspace-context';
import { AudienceSection } from './AudienceSection';
import { type PreviewRequest, useAudiencePreview, useCreateBroadcast } from './api';
import {
  audienceOf,
  type BroadcastForm,
  emptyForm,
  isAudienceEmpty,
  missingVariables,
  requestOf,
  scheduleProblem,
  toLocalInput,
  type VariableChoice,
  variablesOf,
} from './model';
import { ReviewSection } from './ReviewSection';
import { TemplateSection } from './TemplateSection';
import { VariablesSection } from './VariablesSection';
import '../inbox/i18n';
import '../inbox/inbox.css';
import '../inbox/composer/composer.css';
import './i18n';

/** The browser's time zone (the workspace has none of its own). */
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** `/w/:workspaceId/broadcasts/new`: number and template, audience, variables, time, review, send. */
export function BroadcastNewPage() {
  const { workspaceId: ws } = useWorkspace();
  const [form, setForm] = useState<BroadcastForm>(emptyForm);
  const [loaded, setLoaded] = useState<{ channelId: string; templates: TemplateDto[] } | null>(null);
  // The form stays mounted while the number's templates load (no remount when a number is chosen).
  const templates = loaded && loaded.channelId === form.channelId ? loaded.templates : [];
  return (
    <>
      {form.channelId && <TemplatesOf ws={ws} channelId={form.channelId} onLoad={setLoaded} />}
      <NewBroadcastForm ws={ws} form={form} setForm={setForm} templates={templates} />
    </>
  );
}

/** Loads the approved templates of the number (asked only once a number is chosen). Renders nothing. */
function TemplatesOf({
  ws,
  channelId,
  onLoad,
}: {
  ws: string;
  channelId: string;
  onLoad: (loaded: { channelId: string; templates: TemplateDto[] }) => void;
}) {
  const { data } = useApprovedTemplates(ws, channelId);
  useEffect(() => {
    if (data) onLoad({ channelId, templates: data });
  }, [data, channelId, onLoad]);
  return null;
}

function NewBroadcastForm({
  ws,
  form,
  setForm,
  templates: templateList,
}: {
  ws: string;
  form: BroadcastForm;
  setForm: Dispatch<SetStateAction<BroadcastForm>>;
  templates: TemplateDto[];
}) {
  const { t } = useTranslation('broadcasts');
  const navigate = useNavigate();
  const [attempted, setAttempted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const create = useCreateBroadcast(ws);

  const patch = useCallback((p: Partial<BroadcastForm>) => setForm((f) => ({ ...f, ...p })), [setForm]);
  const onChannel = useCallback(
    (channelId: string | null) =>
      setForm((f) =>
        f.channelId === channelId
          ? f
          : { ...f, channelId, templateId: null, variables: {}, listContactIds: [] },
      ),
    [setForm],
  );
  const onTemplate = useCallback(
    (templateId: string | null) => setForm((f) => ({ ...f, templateId, variables: {} })),
    [setForm],
  );
  const onVariable = useCallback(
    (key: string, choice: VariableChoice) =>
      setForm((f) => ({ ...f, variables: { ...f.variables, [key]: choice } })),
    [setForm],
  );

  const template = templateList.find((x) => x.id === form.templateId) ?? null;

  // The live preview follows the form, 400 ms after the last change.
  const audience = audienceOf(form);
  const empty = isAudienceEmpty(audience);
  const previewKey =
    form.channelId && !empty
      ? JSON.stringify({
          channelId: form.channelId,
          ...(template ? { templateName: template.name, language: template.language } : {}),
          audience,
          ...(template ? { variables: variablesOf(form, template) } : {}),
        } satisfies PreviewRequest)
      : '';
  const [debouncedKey] = useDebouncedValue(previewKey, 400);
  const previewRequest = useMemo<PreviewRequest | null>(
    () => (debouncedKey ? (JSON.parse(debouncedKey) as PreviewRequest) : null),
    [debouncedKey],
  );
  const preview = useAudiencePreview(ws, previewRequest);
  const stale = previewKey !== debouncedKey || preview.isFetching;

  const errors = fieldErrors(create.error);
  const missing = template ? missingVariables(form, template) : [];
  const timeProblem = scheduleProblem(form);
  const eligible = preview.data && !empty ? preview.data.eligible : 0;
  const blockers = [
    !form.channelId && t('new.needNumber'),
    !template && t('new.needTemplate'),
    empty && t('new.needAudience'),
    missing.length > 0 && t('new.needVariables', { count: missing.length }),
    timeProblem && t(`schedule.problem.${timeProblem}`),
  ].filter((x): x is string => !!x);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (blockers.length > 0 || !template) return;
    setConfirming(true);
  };
  const send = () => {
    if (!template) return;
    create.mutate(requestOf(form, template), {
      onSuccess: (b) => {
        setConfirming(false);
        notifySuccess(b.state === 'scheduled' ? t('new.scheduled') : t('new.started'));
        navigate(`/w/${ws}/broadcasts/${b.id}`);
      },
      onError: () => setConfirming(false),
    });
  };
  const later = form.schedule === 'later';

  return (
    <>
      <Anchor component={Link} to={`/w/${ws}/broadcasts`} size="sm" mb="xs" display="inline-flex">
        <Group gap={4} component="span">
          <IconArrowLeft size={14} aria-hidden />
          {t('back')}
        </Group>
      </Anchor>
      <PageHeader title={t('new.title')} description={t('new.description')} testId="broadcast-new-page" />
      <form onSubmit={submit} noValidate aria-label={t('new.title')}>
        <Stack gap="lg" maw={1100}>
          <TemplateSection
            ws={ws}
            form={form}
            onChannel={onChannel}
            onTemplate={onTemplate}
            templates={templateList}
            template={template}
            error={attempted && !template ? t('new.needTemplate') : undefined}
          />
          <AudienceSection ws={ws} form={form} onChange={patch} />
          {template && (
            <VariablesSection
              ws={ws}
              form={form}
              template={template}
              onChange={onVariable}
              errors={errors}
              showMissing={attempted}
            />
          )}
          <SectionCard title={t('schedule.title')} headingId="bc-schedule">
            <Radio.Group
              value={form.schedule}
              onChange={(v) =>
                patch({
                  schedule: v as 'now' | 'later',
                  scheduledLocal:
                    v === 'later' && !form.scheduledLocal
                      ? toLocalInput(new Date(Date.now() + 60 * 60_000))
                      : form.scheduledLocal,
                })
              }
              label={t('schedule.when')}
            >
              <Stack gap="xs" mt={6}>
                <Radio value="now" label={t('schedule.now')} data-testid="schedule-now" />
                <Radio value="later" label={t('schedule.later')} data-testid="schedule-later" />
              </Stack>
            </Radio.Group>
            {later && (
              <TextInput
                type="datetime-local"
                label={t('schedule.at')}
                description={t('schedule.zone', { zone: timeZone })}
                value={form.scheduledLocal}
                min={toLocalInput(new Date())}
                onChange={(e) => patch({ scheduledLocal: e.currentTarget.value })}
                error={
                  (attempted && timeProblem ? t(`schedule.problem.${timeProblem}`) : undefined) ??
                  errors.scheduledAt
                }
                maw={320}
                required
                data-testid="schedule-at"
              />
            )}
          </SectionCard>
          <ReviewSection
            preview={empty ? undefined : preview.data}
            loading={!empty && stale}
            error={preview.error}
            empty={empty || !form.channelId}
            template={template}
          />
          <FormError
            error={create.error}
            fields={['variables']}
            messages={{
              template_not_approved: t('errors.template_not_approved'),
              template_variables_missing: t('errors.template_variables_missing'),
              template_unsupported: t('errors.template_unsupported'),
            }}
          />
          {attempted && blockers.length > 0 && (
            <Text size="sm" c="red.8" role="alert" data-testid="broadcast-blockers">
              {blockers.join(' · ')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button
              type="submit"
              size="md"
              leftSection={
                later ? <IconCalendarTime size={18} aria-hidden /> : <IconSend size={18} aria-hidden />
              }
              loading={create.isPending}
              data-testid="broadcast-submit"
            >
              {later ? t('new.schedule') : t('new.send')}
            </Button>
          </Group>
        </Stack>
      </form>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={send}
        loading={create.isPending}
        title={later ? t('confirm.scheduleTitle') : t('confirm.sendTitle')}
        confirmLabel={later ? t('new.schedule') : t('new.send')}
      >
        {later
          ? t('confirm.scheduleText', { count: eligible, template: template?.name ?? '' })
          : t('confirm.sendText', { count: eligible, template: template?.name ?? '' })}
      </ConfirmModal>
    </>
  );
}
