import { Badge, Button, Group, NativeSelect, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconShieldCheck, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { AgentRoutingSection } from '../routing/AgentRoutingSection';
import { useWorkspace } from '../shell/workspace-context';
import {
  type MemberDto,
  type Role,
  useChangeRole,
  useDeactivateMember,
  useEndMemberSessions,
  useInvites,
  useMembers,
  useReactivateMember,
  useRevokeInvite,
} from './api';
import { InviteModal } from './InviteModal';

type PendingAction = { kind: 'deactivate' | 'reactivate' | 'endSessions'; member: MemberDto };

/** `/w/:id/settings/people`: members (managed by owners/admins, read-only for agents) and invites. */
export function PeopleSettingsPage() {
  const { t } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const members = useMembers(workspaceId);
  const [inviteOpened, inviteModal] = useDisclosure(false);

  return (
    <>
      <PageHeader
        title={t('people.title')}
        description={isManager ? t('people.description') : t('people.descriptionReadOnly')}
        actions={
          isManager && (
            <Button
              leftSection={<IconUserPlus size={18} aria-hidden />}
              onClick={inviteModal.open}
              data-testid="invite-open"
            >
              {t('invites.open')}
            </Button>
          )
        }
      />
      <Stack gap="lg">
        {members.isError ? (
          <ErrorState error={members.error} onRetry={() => void members.refetch()} />
        ) : (
          <MembersTable members={members.data?.members} />
        )}
        <AgentRoutingSection />
        {isManager && <PendingInvites />}
      </Stack>
      {isManager && <InviteModal opened={inviteOpened} onClose={inviteModal.close} />}
    </>
  );
}

function MembersTable({ members }: { members: MemberDto[] | undefined }) {
  const { t } = useTranslation();
  const { workspaceId, isManager, isOwner, me } = useWorkspace();
  const changeRole = useChangeRole(workspaceId);
  const deactivate = useDeactivateMember(workspaceId);
  const reactivate = useReactivateMember(workspaceId);
  const endSessions = useEndMemberSessions(workspaceId);
  const [pending, setPending] = useState<PendingAction | null>(null);

  const sorted = [...(members ?? [])].sort(
    (a, b) =>
      Number(a.status === 'deactivated') - Number(b.status === 'deactivated') || a.name.localeCompare(b.name),
  );
  const roleOptions = (isOwner ? ['owner', 'admin', 'agent'] : ['admin', 'agent']).map((value) => ({
    value,
    label: t(`roles.${value}`),
  }));

  const confirm = () => {
    if (!pending) return;
    const { kind, member } = pending;
    const mutation = kind === 'deactivate' ? deactivate : kind === 'reactivate' ? reactivate : endSessions;
    mutation.mutate(member.userId, {
      onSuccess: () => {
        setPending(null);
        notifySuccess(t(`people.done.${kind}`, { name: member.name }));
      },
    });
  };

  return (
    <SectionCard
      title={t('people.members', {
        count: members?.filter((member) => member.status === 'active').length ?? 0,
      })}
      headingId="members-heading"
    >
      {!members ? (
        <Stack gap="xs">
          <Skeleton h={44} />
          <Skeleton h={44} />
          <Skeleton h={44} />
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={isManager ? 700 : 480}>
          <Table verticalSpacing="sm" highlightOnHover aria-labelledby="members-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.name')}</Table.Th>
                <Table.Th>{t('fields.role')}</Table.Th>
                <Table.Th>{t('people.lastActive')}</Table.Th>
                {isManager && (
                  <Table.Th>
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((member) => {
                const isSelf = member.userId === me.user.id;
                const protectedOwner = member.role === 'owner' && !isOwner;
                const canManage = isManager && !isSelf && !protectedOwner;
                return (
                  <Table.Tr
                    key={member.userId}
                    data-testid={`member-row-${member.email}`}
                    data-status={member.status}
                  >
                    <Table.Td>
                      <Stack gap={2}>
                        <Group gap={6} wrap="nowrap">
                          <Text size="sm" fw={600} c={member.status === 'deactivated' ? 'dimmed' : undefined}>
                            {member.name}
                          </Text>
                          {member.twoFactorEnabled && (
                            <Tooltip label={t('people.twoFactorOn')}>
                              <IconShieldCheck
                                size={16}
                                color="var(--mantine-color-teal-6)"
                                aria-label={t('people.twoFactorOn')}
                                role="img"
                                style={{ flexShrink: 0 }}
                              />
                            </Tooltip>
                          )}
                          {isSelf && (
                            <Badge size="xs" variant="outline" color="gray" style={{ flexShrink: 0 }}>
                              {t('people.you')}
                            </Badge>
                          )}
                          {member.status === 'deactivated' && (
                            <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
                              {t('people.statuses.deactivated')}
                            </Badge>
                          )}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {member.email}
                        </Text>
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      {isManager && !protectedOwner && member.status === 'active' ? (
                        <NativeSelect
                          size="xs"
                          aria-label={t('people.roleOf', { name: member.name })}
                          value={member.role}
                          data={
                            roleOptions.some((option) => option.value === member.role)
                              ? roleOptions
                              : [...roleOptions, { value: member.role, label: t(`roles.${member.role}`) }]
                          }
                          disabled={changeRole.isPending}
                          onChange={(event) => {
                            const role = event.currentTarget.value as Role;
                            changeRole.mutate(
                              { userId: member.userId, role },
                              {
                                onSuccess: () =>
                                  notifySuccess(
                                    t('people.roleChanged', { name: member.name, role: t(`roles.${role}`) }),
                                  ),
                              },
                            );
                          }}
                          w={120}
                        />
                      ) : (
                        <Badge variant="light" color={member.role === 'agent' ? 'gray' : 'teal'}>
                          {t(`roles.${member.role}`)}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text
                        size="sm"
                        title={formatDateTime(member.lastSeenAt)}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {member.lastSeenAt ? formatRelative(member.lastSeenAt) : t('people.never')}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {t('people.joined', { date: formatDate(member.joinedAt) })}
                      </Text>
                    </Table.Td>
                    {isManager && (
                      <Table.Td>
                        {canManage && (
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            {member.status === 'active' && (
                              <Button
                                size="xs"
                                variant="subtle"
                                color="gray"
                                data-testid="member-end-sessions"
                                onClick={() => setPending({ kind: 'endSessions', member })}
                              >
                                {t('people.endSessions')}
                              </Button>
                            )}
                            {member.status === 'active' ? (
                              <Button
                                size="xs"
                                variant="subtle"
                                color="red"
                                data-testid="member-deactivate"
                                onClick={() => setPending({ kind: 'deactivate', member })}
                              >
                                {t('people.deactivate')}
                              </Button>
                            ) : (
                              <Button
                                size="xs"
                                variant="subtle"
                                data-testid="member-reactivate"
                                onClick={() => setPending({ kind: 'reactivate', member })}
                              >
                                {t('people.reactivate')}
                              </Button>
                            )}
                          </Group>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={!!pending}
        onClose={() => setPending(null)}
        onConfirm={confirm}
        title={pending ? t(`people.confirm.${pending.kind}Title`, { name: pending.member.name }) : ''}
        confirmLabel={pending ? t(`people.confirm.${pending.kind}Action`) : ''}
        danger={pending?.kind !== 'reactivate'}
        loading={deactivate.isPending || reactivate.isPending || endSessions.isPending}
      >
        {pending ? t(`people.confirm.${pending.kind}Text`, { name: pending.member.name }) : ''}
      </ConfirmModal>
    </SectionCard>
  );
}

function PendingInvites() {
  const { t } = useTranslation();
  const { workspaceId } = useWorkspace();
  const invites = useInvites(workspaceId, true);
  const revoke = useRevokeInvite(workspaceId);
  const list = invites.data?.invites ?? [];

  return (
    <SectionCard
      title={t('invites.pending')}
      description={t('invites.pendingHint')}
      headingId="invites-heading"
    >
      {invites.isPending ? (
        <Skeleton h={44} />
      ) : list.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('invites.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" aria-labelledby="invites-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('invites.for')}</Table.Th>
                <Table.Th>{t('fields.role')}</Table.Th>
                <Table.Th>{t('invites.invitedBy')}</Table.Th>
                <Table.Th>{t('invites.expires')}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">{t('common.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((invite) => (
                <Table.Tr key={invite.id} data-testid="invite-row">
                  <Table.Td>
                    <Text size="sm">{invite.email ?? t('invites.anyone')}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray">
                      {t(`roles.${invite.role}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{invite.invitedBy}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={formatDateTime(invite.expiresAt)}>
                      {formatRelative(invite.expiresAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      loading={revoke.isPending && revoke.variables === invite.id}
                      onClick={() =>
                        revoke.mutate(invite.id, { onSuccess: () => notifySuccess(t('invites.revoked')) })
                      }
                    >
                      {t('invites.revoke')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </SectionCard>
  );
}
