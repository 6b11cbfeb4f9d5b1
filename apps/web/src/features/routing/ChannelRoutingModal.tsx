import {
  Button,
  Checkbox,
  Group,
  Modal,
  NativeSelect,
  Radio,
  Skeleton,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { IconRoute } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { FormError } from '../../components/FormError';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { type TeamDto, useTeams } from '../teams/api';
import { type ChannelRoutingDto, useChannelRouting, useSaveChannelRouting } from './api';
import './i18n';
import {
  type AutoAssignMode,
  type ChannelRoutingForm,
  channelRoutingForm,
  channelRoutingRequestOf,
} from './model';

type Channel = { id: string; name: string };

/** The "Routing" button of a channel card; opens the channel's routing dialog (read-only for agents). */
export function ChannelRoutingButton({ channel }: { channel: Channel }) {
  const { t } = useTranslation('routing');
  const [opened, setOpened] = useState(false);
  const buttonId = `channel-${channel.id}-routing`;
  const close = () => {
    setOpened(false);
    setTimeout(() => document.getElementById(buttonId)?.focus(), 0);
  };
  return (
    <>
      <Button
        id={buttonId}
        size="xs"
        variant="default"
        leftSection={<IconRoute size={14} aria-hidden />}
        onClick={() => setOpened(true)}
        aria-label={t('channel.openFor', { name: channel.name })}
        aria-haspopup="dialog"
        data-testid="channel-routing-button"
      >
        {t('channel.open')}
      </Button>
      {opened && <ChannelRoutingModal channel={channel} onClose={close} />}
    </>
  );
}

export function ChannelRoutingModal({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const { t } = useTranslation('routing');
  const { workspaceId } = useWorkspace();
  const routing = useChannelRouting(workspaceId, channel.id);
  const teams = useTeams(workspaceId);

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('channel.title', { name: channel.name })}
      centered
      size="lg"
      data-testid="channel-routing-modal"
    >
      {routing.isError ? (
        <ErrorState error={routing.error} onRetry={() => void routing.refetch()} />
      ) : teams.isError ? (
        <ErrorState error={teams.error} onRetry={() => void teams.refetch()} />
      ) : !routing.data || !teams.data ? (
        <Stack gap="sm" aria-busy="true">
          <Skeleton h={60} />
          <Skeleton h={90} />
        </Stack>
      ) : (
        <RoutingForm channel={channel} routing={routing.data} teams={teams.data.teams} onClose={onClose} />
      )}
    </Modal>
  );
}

function RoutingForm({
  channel,
  routing,
  teams,
  onClose,
}: {
  channel: Channel;
  routing: ChannelRoutingDto;
  teams: TeamDto[];
  onClose: () => void;
}) {
  const { t } = useTranslation('routing');
  const { t: tc } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const save = useSaveChannelRouting(workspaceId, channel.id);
  const [form, setForm] = useState<ChannelRoutingForm>(() => channelRoutingForm(routing));
  const readOnly = !isManager;
  const update = (patch: Partial<ChannelRoutingForm>) => setForm((f) => ({ ...f, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (readOnly) return;
    save.mutate(
      channelRoutingRequestOf(
        form,
        teams.map((team) => team.id),
      ),
      {
        onSuccess: () => {
          notifySuccess(t('channel.saved', { name: channel.name }));
          onClose();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="lg">
        {readOnly && (
          <Text size="sm" c="dimmed">
            {t('channel.readOnly')}
          </Text>
        )}
        {teams.length === 0 ? (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('channel.teams')}
            </Text>
            <Text size="sm" c="dimmed">
              {t('channel.everyone')} {t('channel.noTeams')}
            </Text>
          </Stack>
        ) : (
          <Checkbox.Group
            label={t('channel.teams')}
            description={t('channel.teamsHint')}
            value={form.teamIds}
            onChange={(teamIds) => update({ teamIds })}
            readOnly={readOnly}
          >
            <Stack gap={6} mt="xs">
              {teams.map((team) => (
                <Checkbox
                  key={team.id}
                  value={team.id}
                  label={team.name}
                  disabled={readOnly}
                  data-testid="channel-routing-team"
                />
              ))}
              {form.teamIds.length === 0 && (
                <Text size="xs" c="dimmed">
                  {t('channel.everyone')}
                </Text>
              )}
            </Stack>
          </Checkbox.Group>
        )}
        {teams.length > 0 && (
          <NativeSelect
            label={t('channel.defaultTeam')}
            description={t('channel.defaultTeamHint')}
            value={form.defaultTeamId ?? ''}
            onChange={(event) => update({ defaultTeamId: event.currentTarget.value || null })}
            data={[
              { value: '', label: t('channel.noDefaultTeam') },
              ...teams.map((team) => ({ value: team.id, label: team.name })),
            ]}
            disabled={readOnly}
            data-testid="channel-routing-default-team"
          />
        )}
        <Switch
          label={t('channel.autoAssign')}
          description={t('channel.autoAssignHint')}
          checked={form.autoAssign}
          onChange={(event) => update({ autoAssign: event.currentTarget.checked })}
          disabled={readOnly}
          data-testid="channel-routing-auto"
        />
        {form.autoAssign && (
          <Radio.Group
            label={t('channel.mode')}
            value={form.mode}
            onChange={(mode) => update({ mode: mode as AutoAssignMode })}
          >
            <Stack gap="xs" mt="xs">
              {(['round_robin', 'least_busy'] as const).map((mode) => (
                <Radio
                  key={mode}
                  value={mode}
                  label={t(`channel.modes.${mode}`)}
                  description={t(`channel.modes.${mode}Hint`)}
                  disabled={readOnly}
                  data-testid={`channel-routing-mode-${mode}`}
                />
              ))}
            </Stack>
          </Radio.Group>
        )}
        <FormError error={save.error} fields={['teamIds', 'autoAssign', 'defaultTeamId']} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {readOnly ? tc('common.done') : tc('common.cancel')}
          </Button>
          {!readOnly && (
            <Button type="submit" loading={save.isPending} data-testid="channel-routing-save">
              {tc('common.save')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
