import {
  Avatar,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { type MemberDto, useMembers } from '../people/api';
import { initials } from '../shell/UserMenu';
import { useWorkspace } from '../shell/workspace-context';
import { type TeamDto, useDeleteTeam, useSaveTeam, useTeams } from './api';

type Editing = { team: TeamDto | null } | null;

/** `/w/:id/settings/teams`: teams group people for routing conversations later. */
export function TeamsSettingsPage() {
  const { t } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const teams = useTeams(workspaceId);
  const members = useMembers(workspaceId);
  const deleteTeam = useDeleteTeam(workspaceId);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<TeamDto | null>(null);
  const memberById = new Map((members.data?.members ?? []).map((member) => [member.userId, member]));

  return (
    <>
      <PageHeader
        title={t('teams.title')}
        description={t('teams.description')}
        actions={
          isManager && (
            <Button
              leftSection={<IconPlus size={18} aria-hidden />}
              onClick={() => setEditing({ team: null })}
            >
              {t('teams.create')}
            </Button>
          )
        }
      />
      {teams.isError ? (
        <ErrorState error={teams.error} onRetry={() => void teams.refetch()} />
      ) : teams.isPending ? (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Skeleton h={140} />
          <Skeleton h={140} />
        </SimpleGrid>
      ) : teams.data.teams.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <Stack align="center" gap="xs" ta="center">
            <IconUsersGroup size={36} stroke={1.5} aria-hidden />
            <Text fw={600}>{t('teams.emptyTitle')}</Text>
            <Text size="sm" c="dimmed" maw={420}>
              {isManager ? t('teams.emptyText') : t('teams.emptyTextReadOnly')}
            </Text>
          </Stack>
        </Card>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          {teams.data.teams.map((team) => (
            <Card
              key={team.id}
              withBorder
              radius="md"
              padding="lg"
              component="article"
              aria-labelledby={`team-${team.id}`}
              data-testid="team-card"
            >
              <Stack gap="sm" h="100%">
                <Stack gap={4}>
                  <Text fw={600} id={`team-${team.id}`} component="h2" fz="lg" m={0}>
                    {team.name}
                  </Text>
                  {team.description && (
                    <Text size="sm" c="dimmed">
                      {team.description}
                    </Text>
                  )}
                </Stack>
                <TeamMembers ids={team.memberIds} memberById={memberById} />
                {isManager && (
                  <Group gap="xs" mt="auto">
                    <Button size="xs" variant="default" onClick={() => setEditing({ team })}>
                      {t('common.edit')}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(team)}>
                      {t('common.delete')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}

      {isManager && editing && (
        <TeamModal
          key={editing.team?.id ?? 'new'}
          editing={editing}
          members={members.data?.members ?? []}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmModal
        opened={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('teams.deleteTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('common.delete')}
        danger
        loading={deleteTeam.isPending}
        onConfirm={() =>
          deleting &&
          deleteTeam.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(t('teams.deleted', { name: deleting.name }));
              setDeleting(null);
            },
          })
        }
      >
        {t('teams.deleteText')}
      </ConfirmModal>
    </>
  );
}

function TeamMembers({ ids, memberById }: { ids: string[]; memberById: Map<string, MemberDto> }) {
  const { t } = useTranslation();
  if (ids.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('teams.noMembers')}
      </Text>
    );
  }
  const shown = ids.slice(0, 6);
  return (
    <Group gap="xs">
      <Avatar.Group>
        {shown.map((id) => {
          const name = memberById.get(id)?.name ?? '?';
          return (
            <Tooltip key={id} label={name} withArrow>
              <Avatar radius="xl" size="sm" color="teal" alt={name}>
                {initials(name)}
              </Avatar>
            </Tooltip>
          );
        })}
        {ids.length > shown.length && (
          <Avatar radius="xl" size="sm">
            +{ids.length - shown.length}
          </Avatar>
        )}
      </Avatar.Group>
      <Text size="sm" c="dimmed">
        {t('teams.memberCount', { count: ids.length })}
      </Text>
    </Group>
  );
}

function TeamModal({
  editing,
  members,
  onClose,
}: {
  editing: Editing;
  members: MemberDto[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { workspaceId } = useWorkspace();
  const save = useSaveTeam(workspaceId);
  const team = editing?.team ?? null;
  const [name, setName] = useState(team?.name ?? '');
  const [description, setDescription] = useState(team?.description ?? '');
  const [memberIds, setMemberIds] = useState<string[]>(team?.memberIds ?? []);
  const errors = fieldErrors(save.error);

  const options = members
    .filter((member) => member.status === 'active' || memberIds.includes(member.userId))
    .map((member) => ({ value: member.userId, label: `${member.name} (${member.email})` }));

  const close = () => {
    save.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const original = [...(team?.memberIds ?? [])].sort().join(',');
    const changed = [...memberIds].sort().join(',') !== original;
    save.mutate(
      {
        teamId: team?.id ?? null,
        fields: { name, description },
        memberIds: changed || !team ? memberIds : null,
      },
      {
        onSuccess: (saved) => {
          notifySuccess(
            team ? t('teams.saved', { name: saved.name }) : t('teams.created', { name: saved.name }),
          );
          close();
        },
      },
    );
  };

  return (
    <Modal
      opened={!!editing}
      onClose={close}
      title={team ? t('teams.editTitle') : t('teams.createTitle')}
      centered
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('fields.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={errors.name}
            maxLength={80}
            required
            data-autofocus
          />
          <Textarea
            label={t('teams.descriptionLabel')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            error={errors.description}
            maxLength={500}
            autosize
            minRows={2}
          />
          <MultiSelect
            label={t('teams.members')}
            placeholder={memberIds.length ? undefined : t('teams.pickMembers')}
            data={options}
            value={memberIds}
            onChange={setMemberIds}
            error={errors.userIds}
            searchable
            clearable
            nothingFoundMessage={t('teams.nobodyFound')}
            comboboxProps={{ withinPortal: true }}
          />
          <FormError error={save.error} fields={['name', 'description', 'userIds']} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {team ? t('common.save') : t('teams.createSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
