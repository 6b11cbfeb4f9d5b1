import { Alert, Button, Group, Modal, NativeSelect, Stack, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/forms';
import { useWorkspace } from '../shell/workspace-context';
import { type AgentRoutingDto, type TakeoverResult, useTakeover } from './api';
import './i18n';
import { takeoverCandidates } from './model';

/**
 * "Take over open conversations" from an (absent) colleague to a chosen person; shows how many moved.
 */
export function TakeoverModal({
  from,
  agents,
  onClose,
}: {
  from: AgentRoutingDto;
  agents: AgentRoutingDto[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('routing');
  const { t: tc } = useTranslation();
  const { workspaceId, me, isManager } = useWorkspace();
  const takeover = useTakeover(workspaceId);
  // Agents take over for themselves; owners and admins may hand the conversations to anyone.
  const candidates = isManager
    ? takeoverCandidates(agents, from.userId, i18n.language)
    : agents.filter((a) => a.userId === me.user.id);
  const [toUserId, setToUserId] = useState(
    candidates.find((a) => a.userId === me.user.id)?.userId ?? candidates[0]?.userId ?? '',
  );
  const [result, setResult] = useState<{ moved: TakeoverResult['moved']; to: string } | null>(null);
  const errors = fieldErrors(takeover.error);
  const nameOf = (a: AgentRoutingDto) =>
    a.userId === me.user.id ? t('takeover.me', { name: a.name }) : a.name;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!toUserId) return;
    const to = candidates.find((a) => a.userId === toUserId);
    takeover.mutate(
      { fromUserId: from.userId, toUserId },
      { onSuccess: ({ moved }) => setResult({ moved, to: to?.name ?? '' }) },
    );
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('takeover.title', { name: from.name })}
      centered
      data-testid="takeover-modal"
    >
      {result ? (
        <Stack gap="md">
          <Alert
            color="teal"
            variant="light"
            icon={<IconCircleCheck size={18} aria-hidden />}
            role="status"
            data-testid="takeover-result"
            data-moved={result.moved}
          >
            {result.moved === 0
              ? t('takeover.movedNone', { name: from.name })
              : t('takeover.moved', { count: result.moved, to: result.to })}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus data-testid="takeover-done">
              {tc('common.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text size="sm">{t('takeover.text', { count: from.load, name: from.name })}</Text>
            <NativeSelect
              label={t('takeover.to')}
              value={toUserId}
              onChange={(event) => setToUserId(event.currentTarget.value)}
              data={candidates.map((a) => ({
                value: a.userId,
                label: `${nameOf(a)} · ${t(`agents.statuses.${a.availability}`)}`,
              }))}
              error={errors.toUserId}
              disabled={!isManager}
              data-autofocus
              data-testid="takeover-to"
            />
            <FormError error={takeover.error} fields={['toUserId']} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose}>
                {tc('common.cancel')}
              </Button>
              <Button
                type="submit"
                loading={takeover.isPending}
                disabled={!toUserId}
                data-testid="takeover-submit"
              >
                {t('takeover.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
