import { Alert, Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField';
import { FormError } from '../../components/FormError';
import { formatDateTime } from '../../lib/format';
import { fieldErrors } from '../../lib/forms';
import { useWorkspace } from '../shell/workspace-context';
import { type CreatedInvite, type Role, useCreateInvite } from './api';

/** Creates an invite link (optionally bound to an email) and shows it once with a copy button. */
export function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { workspaceId, isOwner } = useWorkspace();
  const create = useCreateInvite(workspaceId);
  const [role, setRole] = useState<Role>('agent');
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const errors = fieldErrors(create.error);

  const close = () => {
    setRole('agent');
    setEmail('');
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = email.trim();
    create.mutate({ role, ...(trimmed ? { email: trimmed } : {}) }, { onSuccess: setCreated });
  };

  const roles: Role[] = isOwner ? ['agent', 'admin', 'owner'] : ['agent', 'admin'];

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? t('invites.createdTitle') : t('invites.title')}
      centered
      size="lg"
    >
      {created ? (
        <Stack gap="md">
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} aria-hidden />}>
            {t('invites.createdText')}
          </Alert>
          <CopyField
            label={t('invites.link')}
            value={created.url}
            testId="invite-url"
            description={t('invites.validUntil', { date: formatDateTime(created.expiresAt) })}
          />
          <Text size="sm" c="dimmed">
            {created.email
              ? t('invites.forEmail', { email: created.email, role: t(`roles.${created.role}`) })
              : t('invites.forAnyone', { role: t(`roles.${created.role}`) })}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>{t('common.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text size="sm" c="dimmed">
              {t('invites.description')}
            </Text>
            <NativeSelect
              label={t('fields.role')}
              value={role}
              onChange={(event) => setRole(event.currentTarget.value as Role)}
              error={errors.role}
              data={roles.map((value) => ({ value, label: t(`roles.${value}`) }))}
              description={t(`roleHints.${role}`)}
            />
            <TextInput
              label={t('invites.emailOptional')}
              description={t('invites.emailHint')}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={errors.email}
              autoComplete="off"
            />
            <FormError error={create.error} fields={['role', 'email']} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="invite-create">
                {t('invites.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
