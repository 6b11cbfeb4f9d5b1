import { Button, Group, Modal, NumberInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { type AgentRoutingDto, useSaveMemberRouting } from './api';
import './i18n';
import { dateInputFromAbsentUntil, memberRoutingChanges, toDateInput } from './model';

/** A member's capacity for automatic assignment and absence (owners and admins). */
export function MemberRoutingModal({ agent, onClose }: { agent: AgentRoutingDto; onClose: () => void }) {
  const { t } = useTranslation('routing');
  const { t: tc } = useTranslation();
  const { workspaceId } = useWorkspace();
  const save = useSaveMemberRouting(workspaceId);
  const [capacity, setCapacity] = useState<number | string>(agent.capacity);
  const [absentDate, setAbsentDate] = useState(dateInputFromAbsentUntil(agent.absentUntil));
  const [invalid, setInvalid] = useState<'capacity' | 'absentUntil' | null>(null);
  const errors = fieldErrors(save.error);

  const close = () => {
    save.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = memberRoutingChanges(agent, { capacity, absentDate });
    if (!result.ok) {
      setInvalid(result.field);
      return;
    }
    setInvalid(null);
    if (!result.changes) {
      notifySuccess(t('member.nothingChanged'));
      close();
      return;
    }
    save.mutate(
      { userId: agent.userId, changes: result.changes },
      {
        onSuccess: () => {
          notifySuccess(t('member.saved', { name: agent.name }));
          close();
        },
      },
    );
  };

  return (
    <Modal
      opened
      onClose={close}
      title={t('member.title', { name: agent.name })}
      centered
      data-testid="member-routing-modal"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <NumberInput
            label={t('member.capacity')}
            description={t('member.capacityHint')}
            value={capacity}
            onChange={setCapacity}
            min={0}
            max={500}
            step={1}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            error={invalid === 'capacity' ? t('member.capacityInvalid') : errors.capacity}
            required
            data-autofocus
            data-testid="member-capacity-input"
          />
          <Stack gap={6} align="flex-start">
            <TextInput
              type="date"
              label={t('member.absentUntil')}
              description={t('member.absentUntilHint')}
              value={absentDate}
              min={toDateInput(new Date())}
              onChange={(event) => setAbsentDate(event.currentTarget.value)}
              error={invalid === 'absentUntil' ? t('member.absentInvalid') : errors.absentUntil}
              w="100%"
              data-testid="member-absent-until"
            />
            {absentDate && (
              <Button
                size="compact-sm"
                variant="subtle"
                onClick={() => setAbsentDate('')}
                data-testid="member-absence-clear"
              >
                {t('member.clearAbsence')}
              </Button>
            )}
          </Stack>
          <FormError error={save.error} fields={['capacity', 'absentUntil']} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {tc('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="member-routing-save">
              {tc('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
