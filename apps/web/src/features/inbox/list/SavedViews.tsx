import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  Menu,
  Modal,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconChevronDown, IconDeviceFloppy, IconPencil, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../lib/api';
import { notifySuccess } from '../../../lib/notify';
import { useWorkspace } from '../../shell/workspace-context';
import { type SavedViewDto, useDeleteView, useSavedViews, useSaveView } from './api';
import { filtersToView, type ListFilters, matchesView, SINCE_PRESETS, viewToFilters } from './model';

type Props = { workspaceId: string; filters: ListFilters; onApply: (filters: ListFilters) => void };

type Dialog =
  | { mode: 'create' }
  | { mode: 'rename'; view: SavedViewDto }
  | { mode: 'delete'; view: SavedViewDto }
  | null;

/** The saved views menu (apply, rename, delete) and "Save view" for the current filters. */
export function SavedViews({ workspaceId, filters, onApply }: Props) {
  const { t } = useTranslation('inboxList');
  const { isManager } = useWorkspace();
  const views = useSavedViews(workspaceId);
  const save = useSaveView(workspaceId);
  const remove = useDeleteView(workspaceId);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const list = views.data?.views ?? [];
  const active = list.find((v) => matchesView(filters, v.filters)) ?? null;
  const hasRelativeDate = !!filters.since && (SINCE_PRESETS as readonly string[]).includes(filters.since);
  const nameError = isApiError(save.error, 'validation_failed')
    ? (save.error.issues.find((i) => i.path === 'name' || i.path === '')?.message ?? save.error.message)
    : null;

  const openCreate = () => {
    save.reset();
    setName('');
    setShared(false);
    setDialog({ mode: 'create' });
  };
  const openRename = (view: SavedViewDto) => {
    save.reset();
    setName(view.name);
    setDialog({ mode: 'rename', view });
  };
  const close = () => setDialog(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dialog || dialog.mode === 'delete') return;
    const input =
      dialog.mode === 'create'
        ? { name, filters: filtersToView(filters), shared }
        : { id: dialog.view.id, name, filters: dialog.view.filters };
    save.mutate(input, {
      onSuccess: (view) => {
        notifySuccess(t('views.saved', { name: view.name }));
        close();
      },
    });
  };

  return (
    <>
      <Menu position="bottom-start" width={260} shadow="md">
        <Menu.Target>
          <Button
            size="compact-sm"
            variant={active ? 'light' : 'default'}
            rightSection={<IconChevronDown size={14} aria-hidden />}
            data-testid="views-menu"
            className="list-views-button"
          >
            <Text size="sm" truncate component="span" maw={120}>
              {active ? active.name : t('views.menu')}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown aria-label={t('views.label')}>
          <Menu.Label>{t('views.label')}</Menu.Label>
          {list.length === 0 && (
            <Text size="xs" c="dimmed" px="sm" pb="xs">
              {t('views.none')}
            </Text>
          )}
          {list.map((view) => (
            <Menu.Item
              key={view.id}
              onClick={() => onApply(viewToFilters(view.filters))}
              rightSection={
                <Group gap={4} wrap="nowrap">
                  {view.shared && (
                    <Badge size="xs" variant="light" color="gray">
                      {t('views.sharedBadge')}
                    </Badge>
                  )}
                  {view.id === active?.id && <IconCheck size={14} aria-hidden />}
                </Group>
              }
              aria-current={view.id === active?.id ? 'true' : undefined}
              data-testid="saved-view"
            >
              {view.name}
            </Menu.Item>
          ))}
          {active && (!active.shared || isManager) && (
            <>
              <Menu.Divider />
              <Menu.Item
                leftSection={<IconPencil size={14} aria-hidden />}
                onClick={() => openRename(active)}
                data-testid="view-rename"
              >
                {t('views.rename')} · {active.name}
              </Menu.Item>
              <Menu.Item
                color="red"
                leftSection={<IconTrash size={14} aria-hidden />}
                onClick={() => setDialog({ mode: 'delete', view: active })}
                data-testid="view-delete"
              >
                {t('views.delete')} · {active.name}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <Tooltip label={t('views.save')}>
        <ActionIcon
          variant="default"
          size={26}
          onClick={openCreate}
          aria-label={t('views.save')}
          disabled={!!active}
          data-testid="view-save"
        >
          <IconDeviceFloppy size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>

      <Modal
        opened={dialog?.mode === 'create' || dialog?.mode === 'rename'}
        onClose={close}
        title={dialog?.mode === 'rename' ? t('views.renameTitle') : t('views.saveTitle')}
        closeButtonProps={{ 'aria-label': t('views.cancel') }}
        size="sm"
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('views.name')}
              placeholder={t('views.namePlaceholder')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              maxLength={60}
              required
              data-autofocus
              error={nameError}
              data-testid="view-name"
            />
            {dialog?.mode === 'create' && isManager && (
              <Checkbox
                label={t('views.shared')}
                checked={shared}
                onChange={(event) => setShared(event.currentTarget.checked)}
              />
            )}
            {dialog?.mode === 'create' && hasRelativeDate && (
              <Text size="xs" c="dimmed">
                {t('views.dateNotSaved')}
              </Text>
            )}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
                {t('views.cancel')}
              </Button>
              <Button
                type="submit"
                loading={save.isPending}
                disabled={!name.trim()}
                data-testid="view-submit"
              >
                {t('views.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal
        opened={dialog?.mode === 'delete'}
        onClose={close}
        title={t('views.delete')}
        closeButtonProps={{ 'aria-label': t('views.cancel') }}
        size="sm"
      >
        <Stack gap="sm">
          <Text size="sm">
            {dialog?.mode === 'delete' ? t('views.deleteConfirm', { name: dialog.view.name }) : ''}
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={close}>
              {t('views.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              data-testid="view-delete-confirm"
              onClick={() => {
                if (dialog?.mode !== 'delete') return;
                remove.mutate(dialog.view.id, {
                  onSuccess: () => {
                    notifySuccess(t('views.deleted'));
                    close();
                  },
                });
              }}
            >
              {t('views.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
