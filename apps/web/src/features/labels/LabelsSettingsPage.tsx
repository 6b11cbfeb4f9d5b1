import {
  Badge,
  Button,
  Card,
  ColorInput,
  ColorSwatch,
  Group,
  Modal,
  Skeleton,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCheck, IconPlus, IconTag } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { isApiError } from '../../lib/api';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { type LabelDto, useDeleteLabel, useLabelList, useSaveLabel } from './api';
import './i18n';
import {
  isDuplicateLabelName,
  LABEL_PALETTE,
  labelChanges,
  nextLabelColor,
  normalizeLabelColor,
  sortLabels,
} from './model';

type Editing = { label: LabelDto | null } | null;

/** `/w/:id/settings/labels`: the workspace's labels (managed by owners and admins, read-only for agents). */
export function LabelsSettingsPage() {
  const { t, i18n } = useTranslation('labels');
  const { t: tc } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const list = useLabelList(workspaceId);
  const remove = useDeleteLabel(workspaceId);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<LabelDto | null>(null);
  const labels = sortLabels(list.data?.labels ?? [], i18n.language);

  return (
    <>
      <PageHeader
        title={t('title')}
        testId="labels-page"
        description={t('description')}
        actions={
          isManager && (
            <Button
              leftSection={<IconPlus size={18} aria-hidden />}
              onClick={() => setEditing({ label: null })}
              aria-haspopup="dialog"
              data-testid="label-new-button"
            >
              {t('create')}
            </Button>
          )
        }
      />
      {!isManager && (
        <Text size="sm" c="dimmed" mb="md" data-testid="labels-read-only">
          {t('readOnly')}
        </Text>
      )}
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Stack gap="sm" aria-busy="true">
          <Skeleton h={56} />
          <Skeleton h={56} />
        </Stack>
      ) : labels.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <Stack align="center" gap="xs" ta="center">
            <IconTag size={36} stroke={1.5} aria-hidden />
            <Text fw={600}>{t('empty')}</Text>
            <Text size="sm" c="dimmed">
              {isManager ? t('emptyManager') : t('emptyAgent')}
            </Text>
          </Stack>
        </Card>
      ) : (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            {t('count', { count: labels.length })}
          </Text>
          <Stack
            gap="xs"
            component="ul"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
            aria-label={t('listLabel')}
          >
            {labels.map((label) => (
              <Card
                key={label.id}
                component="li"
                withBorder
                radius="md"
                padding="sm"
                data-testid="label-row"
                data-label-id={label.id}
              >
                <Group justify="space-between" wrap="nowrap" gap="md">
                  <Group gap="sm" wrap="nowrap" miw={0}>
                    <ColorSwatch
                      color={label.color}
                      size={20}
                      aria-label={t('swatchOf', { color: label.color })}
                      role="img"
                      style={{ flexShrink: 0 }}
                    />
                    <Text fw={600} size="sm" truncate="end" data-testid="label-name">
                      {label.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace" visibleFrom="xs">
                      {label.color}
                    </Text>
                  </Group>
                  {isManager && (
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing({ label })}
                        aria-label={t('editFor', { name: label.name })}
                        aria-haspopup="dialog"
                        data-testid="label-edit"
                      >
                        {tc('common.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setDeleting(label)}
                        aria-label={t('deleteFor', { name: label.name })}
                        aria-haspopup="dialog"
                        data-testid="label-delete"
                      >
                        {tc('common.delete')}
                      </Button>
                    </Group>
                  )}
                </Group>
              </Card>
            ))}
          </Stack>
        </Stack>
      )}

      {isManager && editing && (
        <LabelModal
          key={editing.label?.id ?? 'new'}
          label={editing.label}
          labels={list.data?.labels ?? []}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmModal
        opened={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('deleteTitle', { name: deleting?.name ?? '' })}
        confirmLabel={tc('common.delete')}
        danger
        loading={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(t('deleted', { name: deleting.name }));
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

function LabelModal({
  label,
  labels,
  onClose,
}: {
  label: LabelDto | null;
  labels: LabelDto[];
  onClose: () => void;
}) {
  const { t } = useTranslation('labels');
  const { t: tc } = useTranslation();
  const { workspaceId } = useWorkspace();
  const save = useSaveLabel(workspaceId);
  const [name, setName] = useState(label?.name ?? '');
  const [color, setColor] = useState(label?.color ?? nextLabelColor(labels.map((l) => l.color)));
  const [touched, setTouched] = useState(false);
  const errors = fieldErrors(save.error);
  const normalized = normalizeLabelColor(color);
  const duplicate = isDuplicateLabelName(name, labels, label?.id ?? null);
  const nameError =
    isApiError(save.error, 'label_name_taken') || (touched && duplicate) ? t('nameTaken') : errors.name;
  const colorError = touched && !normalized ? t('colorInvalid') : errors.color;

  const close = () => {
    save.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!normalized || duplicate) return;
    const fields = labelChanges(label, { name, color: normalized });
    if (label && Object.keys(fields).length === 0) {
      close();
      return;
    }
    save.mutate(
      { id: label?.id ?? null, fields },
      {
        onSuccess: (saved) => {
          notifySuccess(label ? t('saved', { name: saved.name }) : t('created', { name: saved.name }));
          close();
        },
      },
    );
  };

  return (
    <Modal
      opened
      onClose={close}
      title={label ? t('editTitle') : t('createTitle')}
      centered
      data-testid="label-modal"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('fields.name')}
            description={t('fields.nameHint')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={nameError}
            maxLength={50}
            required
            data-autofocus
            data-testid="label-name-input"
          />
          <ColorInput
            label={t('fields.color')}
            description={t('fields.colorHint')}
            value={color}
            onChange={setColor}
            format="hex"
            swatches={[...LABEL_PALETTE]}
            swatchesPerRow={9}
            withEyeDropper={false}
            error={colorError}
            required
            data-testid="label-color-input"
          />
          <Group gap={6} role="group" aria-label={t('fields.palette')} mt={-8}>
            {LABEL_PALETTE.map((swatch) => (
              <ColorSwatch
                key={swatch}
                component="button"
                type="button"
                color={swatch}
                size={26}
                onClick={() => setColor(swatch)}
                aria-label={t('swatchOf', { color: swatch })}
                aria-pressed={normalized === swatch}
                data-testid="label-color-swatch"
                style={{ cursor: 'pointer', color: '#fff' }}
              >
                {normalized === swatch && <IconCheck size={14} aria-hidden />}
              </ColorSwatch>
            ))}
          </Group>
          <Group gap="xs" aria-live="polite">
            <Text size="sm" c="dimmed">
              {t('fields.preview')}
            </Text>
            <Badge
              variant="light"
              color={normalized ?? 'gray'}
              leftSection={<ColorSwatch color={normalized ?? '#868e96'} size={10} aria-hidden />}
            >
              {name.trim() || t('fields.name')}
            </Badge>
          </Group>
          <FormError
            error={isApiError(save.error, 'label_name_taken') ? null : save.error}
            fields={['name', 'color']}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {tc('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="label-save">
              {tc('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
