import { Button, Group, Skeleton, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { formatDate } from '../../lib/format';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { useUpdateWorkspace, useWorkspaceDetails } from './api';
import { CreateWorkspaceModal } from './CreateWorkspaceModal';

/**
 * `/w/:id/settings/workspace`: name, read receipts, required 2FA, another workspace. Owners and admins
 * change them; agents see them read-only.
 */
export function WorkspaceSettingsPage() {
  const { t } = useTranslation();
  const { workspaceId } = useWorkspace();
  const details = useWorkspaceDetails(workspaceId);
  const [createOpened, createModal] = useDisclosure(false);

  return (
    <>
      <PageHeader title={t('workspaceSettings.title')} description={t('workspaceSettings.description')} />
      <Stack gap="lg">
        {details.data ? (
          <>
            <NameForm name={details.data.name} createdAt={details.data.createdAt} />
            <ReadReceipts sendReadReceipts={details.data.sendReadReceipts} />
            <TwoFactorPolicy require2fa={details.data.require2fa} />
          </>
        ) : (
          <Skeleton h={180} radius="md" />
        )}
        <SectionCard
          title={t('workspaceSettings.anotherTitle')}
          description={t('workspaceSettings.anotherText')}
          headingId="workspace-another"
        >
          <Group>
            <Button variant="default" onClick={createModal.open}>
              {t('workspaces.create')}
            </Button>
          </Group>
        </SectionCard>
      </Stack>
      <CreateWorkspaceModal opened={createOpened} onClose={createModal.close} />
    </>
  );
}

function NameForm({ name: initialName, createdAt }: { name: string; createdAt: string }) {
  const { t } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const update = useUpdateWorkspace(workspaceId);
  const [name, setName] = useState(initialName);
  const errors = fieldErrors(update.error);
  useEffect(() => setName(initialName), [initialName]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name }, { onSuccess: () => notifySuccess(t('workspaceSettings.saved')) });
  };

  return (
    <SectionCard title={t('workspaceSettings.general')} headingId="workspace-general">
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={480}>
          <TextInput
            label={t('workspaces.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={errors.name}
            required
            readOnly={!isManager}
          />
          <Text size="xs" c="dimmed">
            {t('workspaceSettings.createdAt', { date: formatDate(createdAt) })}
          </Text>
          <FormError error={update.error} fields={['name']} />
          {isManager && (
            <Group>
              <Button type="submit" loading={update.isPending} disabled={name.trim() === initialName}>
                {t('common.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </SectionCard>
  );
}

/** Blue ticks for customers: saved as soon as the switch moves. */
function ReadReceipts({ sendReadReceipts }: { sendReadReceipts: boolean }) {
  const { t } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const update = useUpdateWorkspace(workspaceId);
  // While saving, the switch shows the new position.
  const checked = update.isPending
    ? (update.variables.sendReadReceipts ?? sendReadReceipts)
    : sendReadReceipts;

  const apply = (value: boolean) =>
    update.mutate(
      { sendReadReceipts: value },
      {
        onSuccess: () =>
          notifySuccess(
            value ? t('workspaceSettings.readReceiptsOn') : t('workspaceSettings.readReceiptsOff'),
          ),
      },
    );

  return (
    <SectionCard title={t('workspaceSettings.messagingTitle')} headingId="workspace-messaging">
      <Switch
        label={t('workspaceSettings.readReceipts')}
        description={
          <>
            {t('workspaceSettings.readReceiptsHint')}
            {!isManager && (
              <>
                {' '}
                {checked
                  ? t('workspaceSettings.readReceiptsStateOn')
                  : t('workspaceSettings.readReceiptsStateOff')}{' '}
                {t('workspaceSettings.managersOnly')}
              </>
            )}
          </>
        }
        checked={checked}
        disabled={!isManager}
        onChange={(event) => apply(event.currentTarget.checked)}
        size="md"
        data-testid="read-receipts-switch"
      />
      <FormError error={update.error} fields={[]} />
    </SectionCard>
  );
}

function TwoFactorPolicy({ require2fa }: { require2fa: boolean }) {
  const { t } = useTranslation();
  const { workspaceId, isOwner } = useWorkspace();
  const update = useUpdateWorkspace(workspaceId);
  const [confirmOpened, confirmModal] = useDisclosure(false);

  const apply = (value: boolean) =>
    update.mutate(
      { require2fa: value },
      {
        onSuccess: () => {
          confirmModal.close();
          notifySuccess(value ? t('workspaceSettings.require2faOn') : t('workspaceSettings.require2faOff'));
        },
      },
    );

  return (
    <SectionCard title={t('workspaceSettings.securityTitle')} headingId="workspace-security">
      <Switch
        label={t('workspaceSettings.require2fa')}
        description={isOwner ? t('workspaceSettings.require2faHint') : t('workspaceSettings.ownerOnly')}
        checked={require2fa}
        disabled={!isOwner || update.isPending}
        onChange={(event) => (event.currentTarget.checked ? confirmModal.open() : apply(false))}
        size="md"
      />
      <FormError error={update.error} fields={[]} />
      <ConfirmModal
        opened={confirmOpened}
        onClose={confirmModal.close}
        onConfirm={() => apply(true)}
        title={t('workspaceSettings.require2faConfirmTitle')}
        confirmLabel={t('workspaceSettings.require2faConfirm')}
        loading={update.isPending}
      >
        {t('workspaceSettings.require2faConfirmText')}
      </ConfirmModal>
    </SectionCard>
  );
}
