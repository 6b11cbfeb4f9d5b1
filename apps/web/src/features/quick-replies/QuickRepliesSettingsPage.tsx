import {
  Alert,
  Badge,
  Button,
  Card,
  CloseButton,
  FileButton,
  Group,
  Menu,
  Modal,
  Paper,
  SegmentedControl,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import {
  firstNameOf,
  QUICK_REPLY_VARIABLES,
  type QuickReplyScope,
  type QuickReplyVariable,
  renderQuickReplyText,
  unknownQuickReplyVariables,
} from '@parley/contracts';
import { IconAlertTriangle, IconBolt, IconBraces, IconPaperclip, IconPlus } from '@tabler/icons-react';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { isApiError } from '../../lib/api';
import { fieldErrors } from '../../lib/forms';
import { describeError, notifySuccess } from '../../lib/notify';
import { uploadMedia } from '../inbox/composer/api';
import {
  ACCEPTED_FILES,
  checkFile,
  formatFileSize,
  mimeOf,
  sizesForProblem,
} from '../inbox/composer/attachments';
import '../inbox/i18n';
import { useWorkspace } from '../shell/workspace-context';
import { type QuickReplyDto, useDeleteQuickReply, useQuickReplies, useSaveQuickReply } from './api';
import './i18n';
import './quick-replies.css';

type Editing = { reply: QuickReplyDto | null; scope: QuickReplyScope } | null;

const variableKey = (variable: QuickReplyVariable) => `variables.${variable.replace('.', '_')}`;

/** `/w/:id/settings/quick-replies`: shared and personal quick replies, created and changed here. */
export function QuickRepliesSettingsPage() {
  const { t } = useTranslation('quickReplies');
  const { t: tc } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const list = useQuickReplies(workspaceId);
  const remove = useDeleteQuickReply(workspaceId);
  const [tab, setTab] = useState<QuickReplyScope>('shared');
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<QuickReplyDto | null>(null);
  const mayWrite = (scope: QuickReplyScope) => scope === 'personal' || isManager;
  const shown = (list.data ?? []).filter((reply) => reply.scope === tab);
  const count = (scope: QuickReplyScope) => (list.data ?? []).filter((r) => r.scope === scope).length;

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          mayWrite(tab) && (
            <Button
              leftSection={<IconPlus size={18} aria-hidden />}
              onClick={() => setEditing({ reply: null, scope: tab })}
              data-testid="quick-reply-create"
            >
              {t('create')}
            </Button>
          )
        }
      />
      <Tabs value={tab} onChange={(value) => value && setTab(value as QuickReplyScope)} mb="md">
        <Tabs.List aria-label={t('tabs.label')}>
          {(['shared', 'personal'] as const).map((scope) => (
            <Tabs.Tab key={scope} value={scope} data-testid={`quick-reply-tab-${scope}`}>
              {t(`tabs.${scope}`)}
              {list.data && (
                <Badge size="xs" variant="light" color="gray" ml={6}>
                  {count(scope)}
                </Badge>
              )}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Stack gap="sm">
          <Skeleton h={72} />
          <Skeleton h={72} />
        </Stack>
      ) : shown.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <Stack align="center" gap="xs" ta="center">
            <IconBolt size={36} stroke={1.5} aria-hidden />
            <Text size="sm" c="dimmed" maw={460}>
              {tab === 'personal'
                ? t('emptyPersonal')
                : isManager
                  ? t('emptyShared')
                  : t('emptySharedReadOnly')}
            </Text>
          </Stack>
        </Card>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {!mayWrite(tab) && (
            <Text size="sm" c="dimmed">
              {t('sharedReadOnly')}
            </Text>
          )}
          {shown.map((reply) => (
            <Card
              key={reply.id}
              component="li"
              withBorder
              radius="md"
              padding="md"
              aria-labelledby={`quick-reply-${reply.id}`}
              data-testid="quick-reply-row"
            >
              <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
                <Stack gap={4} miw={0}>
                  <Group gap="xs" wrap="nowrap">
                    <Text fw={700} size="sm" style={{ flexShrink: 0 }}>
                      /{reply.shortcut}
                    </Text>
                    <Text fw={600} size="sm" truncate="end" id={`quick-reply-${reply.id}`}>
                      {reply.title}
                    </Text>
                    {reply.media && (
                      <Badge
                        size="sm"
                        variant="light"
                        color="gray"
                        leftSection={<IconPaperclip size={12} aria-hidden />}
                      >
                        {reply.media.filename ?? reply.media.kind}
                      </Badge>
                    )}
                  </Group>
                  <Text size="sm" c="dimmed" lineClamp={2} className="quick-reply-preview" dir="auto">
                    {reply.text}
                  </Text>
                </Stack>
                {mayWrite(reply.scope) && (
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setEditing({ reply, scope: reply.scope })}
                      aria-label={t('editFor', { shortcut: reply.shortcut })}
                    >
                      {tc('common.edit')}
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => setDeleting(reply)}
                      aria-label={t('deleteFor', { shortcut: reply.shortcut })}
                    >
                      {tc('common.delete')}
                    </Button>
                  </Group>
                )}
              </Group>
            </Card>
          ))}
        </Stack>
      )}

      {editing && (
        <QuickReplyModal
          key={editing.reply?.id ?? `new-${editing.scope}`}
          editing={editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => setTab(saved.scope)}
        />
      )}
      <ConfirmModal
        opened={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('deleteTitle', { shortcut: deleting?.shortcut ?? '' })}
        confirmLabel={tc('common.delete')}
        danger
        loading={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(t('deleted', { shortcut: deleting.shortcut }));
              setDeleting(null);
            },
          })
        }
      >
        {t('deleteText')}
      </ConfirmModal>
    </>
  );
}

type Attached = NonNullable<QuickReplyDto['media']>;

function QuickReplyModal({
  editing,
  onClose,
  onSaved,
}: {
  editing: NonNullable<Editing>;
  onClose: () => void;
  onSaved: (saved: QuickReplyDto) => void;
}) {
  const { t, i18n } = useTranslation('quickReplies');
  const { t: tc } = useTranslation();
  const { t: ti } = useTranslation('inbox');
  const { workspaceId, isManager, me, membership } = useWorkspace();
  const save = useSaveQuickReply(workspaceId);
  const reply = editing.reply;
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const [title, setTitle] = useState(reply?.title ?? '');
  const [text, setText] = useState(reply?.text ?? '');
  const [scope, setScope] = useState<QuickReplyScope>(reply?.scope ?? editing.scope);
  const [media, setMedia] = useState<Attached | null>(reply?.media ?? null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const errors = fieldErrors(save.error);
  const shortcutError = isApiError(save.error, 'quick_reply_shortcut_taken')
    ? t('shortcutTaken')
    : errors.shortcut;
  const unknown = unknownQuickReplyVariables(text);
  const agentName = me.user.name;
  const preview = renderQuickReplyText(text, {
    'contact.name': t('sample.contactName'),
    'contact.first_name': firstNameOf(t('sample.contactName')),
    'contact.phone': t('sample.contactPhone'),
    'agent.name': agentName,
    'agent.first_name': firstNameOf(agentName),
    'workspace.name': membership.workspaceName,
  });

  const close = () => {
    save.reset();
    onClose();
  };

  const insertVariable = (variable: QuickReplyVariable) => {
    const token = `{{${variable}}}`;
    const el = textRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? start;
    const next = text.slice(0, start) + token + text.slice(end);
    if (next.length > 4096) return;
    setText(next);
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const attach = async (file: File | null) => {
    if (!file) return;
    setUploadError(null);
    const problem = checkFile(file);
    if (problem) {
      // The composer's own explanations (namespace `inbox`).
      const reason =
        problem.problem === 'size'
          ? ti(`composer.attach.problem.size.${problem.kind}`, {
              ...sizesForProblem(problem.maxBytes, problem.sizeBytes, i18n.language),
            })
          : problem.problem === 'type'
            ? problem.extension
              ? ti('composer.attach.problem.type', { ext: problem.extension })
              : ti('composer.attach.problem.typeUnknown')
            : ti('composer.attach.problem.empty');
      setUploadError(`${ti('composer.attach.refused', { name: file.name })} ${reason}`);
      return;
    }
    setUploading(true);
    try {
      const uploaded = await uploadMedia(workspaceId, file, mimeOf(file), {});
      setMedia({
        id: uploaded.id,
        kind: uploaded.kind,
        filename: uploaded.filename,
        mimeType: uploaded.mimeType,
        size: uploaded.sizeBytes,
      });
    } catch (error) {
      setUploadError(describeError(error));
    } finally {
      setUploading(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const mediaId = media?.id ?? null;
    const fields = {
      shortcut,
      title,
      text,
      scope,
      ...(reply ? (mediaId !== (reply.media?.id ?? null) ? { mediaId } : {}) : mediaId ? { mediaId } : {}),
    };
    save.mutate(
      { id: reply?.id ?? null, fields },
      {
        onSuccess: (saved) => {
          notifySuccess(
            reply ? t('saved', { shortcut: saved.shortcut }) : t('created', { shortcut: saved.shortcut }),
          );
          onSaved(saved);
          close();
        },
      },
    );
  };

  return (
    <Modal opened onClose={close} title={reply ? t('editTitle') : t('createTitle')} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('fields.shortcut')}
            description={t('fields.shortcutHint', { shortcut: shortcut || 'hallo' })}
            leftSection={<Text c="dimmed">/</Text>}
            value={shortcut}
            onChange={(event) =>
              setShortcut(event.currentTarget.value.replace(/^\//, '').replace(/\s/g, '-'))
            }
            error={shortcutError}
            maxLength={32}
            required
            data-autofocus
            data-testid="quick-reply-shortcut"
          />
          <TextInput
            label={t('fields.title')}
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={errors.title}
            maxLength={120}
            required
            data-testid="quick-reply-title"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="quick-reply-scope-label">
              {t('fields.scope')}
            </Text>
            <SegmentedControl
              aria-labelledby="quick-reply-scope-label"
              value={scope}
              onChange={(value) => setScope(value as QuickReplyScope)}
              data={[
                { value: 'personal', label: t('fields.personal') },
                { value: 'shared', label: t('fields.shared'), disabled: !isManager },
              ]}
            />
            {!isManager && (
              <Text size="xs" c="dimmed">
                {t('fields.sharedNeedsManager')}
              </Text>
            )}
          </Stack>
          <Stack gap={4}>
            <Group justify="space-between" align="flex-end">
              <Text size="sm" fw={500} component="label" htmlFor="quick-reply-text">
                {t('fields.text')}
              </Text>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    leftSection={<IconBraces size={14} aria-hidden />}
                    data-testid="quick-reply-variables"
                  >
                    {t('insertVariable')}
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {QUICK_REPLY_VARIABLES.map((variable) => (
                    <Menu.Item key={variable} onClick={() => insertVariable(variable)}>
                      <Text size="sm">{t(variableKey(variable))}</Text>
                      <Text size="xs" c="dimmed" ff="monospace">{`{{${variable}}}`}</Text>
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
            </Group>
            <Textarea
              id="quick-reply-text"
              ref={textRef}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              error={errors.text}
              maxLength={4096}
              autosize
              minRows={3}
              maxRows={10}
              required
              data-testid="quick-reply-text"
            />
            {unknown.length > 0 && (
              <Alert
                color="yellow"
                variant="light"
                p="xs"
                icon={<IconAlertTriangle size={16} aria-hidden />}
                data-testid="quick-reply-unknown-variables"
              >
                <Text size="xs">
                  {t('unknownVariables', {
                    count: unknown.length,
                    names: unknown.map((name) => `{{${name}}}`).join(', '),
                  })}
                </Text>
              </Alert>
            )}
          </Stack>
          <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-default-hover)">
            <Text size="xs" fw={600}>
              {t('preview')}
            </Text>
            <Text size="xs" c="dimmed" mb={4}>
              {t('previewHint')}
            </Text>
            {/* Plain text: rendered as a text node, never as HTML. */}
            <Text size="sm" className="quick-reply-preview" dir="auto" data-testid="quick-reply-preview">
              {preview}
            </Text>
          </Paper>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('attachment')}
            </Text>
            <Group gap="xs">
              {media ? (
                <Badge
                  size="lg"
                  variant="light"
                  color="gray"
                  leftSection={<IconPaperclip size={14} aria-hidden />}
                  rightSection={
                    <CloseButton
                      size="xs"
                      aria-label={t('removeAttachment')}
                      onClick={() => setMedia(null)}
                    />
                  }
                >
                  {media.filename ?? media.kind}
                  {media.size !== null && ` · ${formatFileSize(media.size, i18n.language)}`}
                </Badge>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('noAttachment')}
                </Text>
              )}
              <FileButton onChange={(file) => void attach(file)} accept={ACCEPTED_FILES}>
                {(props) => (
                  <Button
                    {...props}
                    size="xs"
                    variant="default"
                    loading={uploading}
                    leftSection={<IconPaperclip size={14} aria-hidden />}
                  >
                    {media ? t('replaceAttachment') : t('attach')}
                  </Button>
                )}
              </FileButton>
            </Group>
            {(uploadError || errors.mediaId) && (
              <Text size="xs" c="red" role="alert">
                {uploadError ?? errors.mediaId}
              </Text>
            )}
          </Stack>
          <FormError
            error={isApiError(save.error, 'quick_reply_shortcut_taken') ? null : save.error}
            fields={['shortcut', 'title', 'text', 'scope', 'mediaId']}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {tc('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={uploading}
              data-testid="quick-reply-save"
            >
              {tc('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
