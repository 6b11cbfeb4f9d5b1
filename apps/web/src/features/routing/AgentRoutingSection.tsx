import { Badge, Button, Group, Paper, Progress, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { SectionCard } from '../../components/SectionCard';
import { formatDate } from '../../lib/format';
import { useWorkspace } from '../shell/workspace-context';
import { type AgentRoutingDto, useAgentRouting } from './api';
import './i18n';
import { MemberRoutingModal } from './MemberRoutingModal';
import { isAbsent, loadPercent } from './model';
import { TakeoverModal } from './TakeoverModal';

const availabilityColor = { available: 'teal', away: 'yellow', offline: 'gray' } as const;

/** The last absent day of an `absentUntil` instant (the start of the day the person is back). */
const lastAbsentDay = (iso: string) => new Date(new Date(iso).getTime() - 1).toISOString();

/**
 * Settings → People: everyone's availability, load / capacity and absence, the queue's length, and
 * (owners and admins) capacity, absence and taking over an absent colleague's conversations.
 */
export function AgentRoutingSection() {
  const { t } = useTranslation('routing');
  const { workspaceId, isManager, me } = useWorkspace();
  const routing = useAgentRouting(workspaceId);
  const [editing, setEditing] = useState<AgentRoutingDto | null>(null);
  const [takingOver, setTakingOver] = useState<AgentRoutingDto | null>(null);
  const agents = routing.data?.agents ?? [];
  const queued = routing.data?.queued ?? 0;
  // Agents may take over only from a colleague who is absent or not available (the server checks).
  const mayTakeOver = (a: AgentRoutingDto) =>
    a.userId !== me.user.id && (isManager || isAbsent(a) || a.availability !== 'available');
  const refocus = (id: string) => setTimeout(() => document.getElementById(id)?.focus(), 0);

  return (
    <SectionCard title={t('agents.title')} description={t('agents.description')} headingId="routing-heading">
      {routing.isError ? (
        <ErrorState error={routing.error} onRetry={() => void routing.refetch()} />
      ) : !routing.data ? (
        <Stack gap="xs" aria-busy="true">
          <Skeleton h={40} />
          <Skeleton h={44} />
          <Skeleton h={44} />
        </Stack>
      ) : (
        <Stack gap="md">
          <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-default-hover)">
            <Group gap="sm" wrap="nowrap">
              <IconInbox size={22} stroke={1.6} aria-hidden style={{ flexShrink: 0 }} />
              <Stack gap={0}>
                <Group gap={8}>
                  <Text size="sm" fw={600} id="queue-length-label">
                    {t('agents.queue')}
                  </Text>
                  <Badge
                    variant={queued > 0 ? 'filled' : 'light'}
                    color={queued > 0 ? 'orange' : 'gray'}
                    aria-labelledby="queue-length-label"
                    data-testid="queue-length"
                    data-count={queued}
                  >
                    {queued}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed">
                  {t('agents.queueHint', { count: queued })}
                </Text>
              </Stack>
            </Group>
          </Paper>
          <Table.ScrollContainer minWidth={isManager ? 600 : 480}>
            <Table verticalSpacing="sm" aria-label={t('agents.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('agents.name')}</Table.Th>
                  <Table.Th>{t('agents.availability')}</Table.Th>
                  <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('agents.load')}</Table.Th>
                  <Table.Th>{t('agents.absence')}</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">{t('agents.edit')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {agents.map((agent) => {
                  const absent = isAbsent(agent);
                  const editId = `routing-${agent.userId}-edit`;
                  const takeoverId = `routing-${agent.userId}-takeover`;
                  return (
                    <Table.Tr key={agent.userId} data-testid="agent-routing-row" data-user-id={agent.userId}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {agent.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap" data-testid="agent-availability">
                          <span
                            aria-hidden
                            style={{
                              display: 'inline-block',
                              width: 8,
                              height: 8,
                              borderRadius: '50%',
                              flexShrink: 0,
                              background: `var(--mantine-color-${availabilityColor[agent.availability]}-${agent.availability === 'offline' ? '5' : 'filled'})`,
                            }}
                          />
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {t(`agents.statuses.${agent.availability}`)}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={4} w={100}>
                          <Text
                            size="sm"
                            aria-label={t('agents.loadAria', { load: agent.load, capacity: agent.capacity })}
                            data-testid="agent-load"
                          >
                            {t('agents.loadOf', { load: agent.load, capacity: agent.capacity })}
                          </Text>
                          <Progress
                            value={loadPercent(agent.load, agent.capacity)}
                            size="sm"
                            color={agent.load >= agent.capacity ? 'orange' : 'teal'}
                            aria-hidden
                          />
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        {absent && agent.absentUntil ? (
                          <Text size="sm" c="orange.8" fw={600} data-testid="agent-absent-until">
                            {t('agents.absentUntil', { date: formatDate(lastAbsentDay(agent.absentUntil)) })}
                          </Text>
                        ) : (
                          <Text size="sm" c="dimmed">
                            {t('agents.present')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} justify="flex-end">
                          {isManager && (
                            <Button
                              id={editId}
                              size="xs"
                              variant="default"
                              onClick={() => setEditing(agent)}
                              aria-label={t('agents.editFor', { name: agent.name })}
                              aria-haspopup="dialog"
                              data-testid="member-routing-button"
                            >
                              {t('agents.edit')}
                            </Button>
                          )}
                          {mayTakeOver(agent) && (
                            <Button
                              id={takeoverId}
                              size="xs"
                              variant="subtle"
                              onClick={() => setTakingOver(agent)}
                              aria-label={t('agents.takeoverFor', { name: agent.name })}
                              aria-haspopup="dialog"
                              data-testid="takeover-button"
                            >
                              {t('agents.takeover')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
      {editing && (
        <MemberRoutingModal
          key={editing.userId}
          agent={editing}
          onClose={() => {
            refocus(`routing-${editing.userId}-edit`);
            setEditing(null);
          }}
        />
      )}
      {takingOver && (
        <TakeoverModal
          key={takingOver.userId}
          from={takingOver}
          agents={agents}
          onClose={() => {
            refocus(`routing-${takingOver.userId}-takeover`);
            setTakingOver(null);
          }}
        />
      )}
    </SectionCard>
  );
}
