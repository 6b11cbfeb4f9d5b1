import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useCreateWorkspace } from './api';

/** Creates another workspace (the creator becomes its owner) and switches to it. */
export function CreateWorkspaceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const [name, setName] = useState('');
  const errors = fieldErrors(create.error);

  const close = () => {
    setName('');
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name },
      {
        onSuccess: (workspace) => {
          notifySuccess(t('workspaces.created', { name: workspace.name }));
          close();
          navigate(`/w/${workspace.id}/inbox`);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('workspaces.createTitle')} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('workspaces.createDescription')}
          </Text>
          <TextInput
            label={t('workspaces.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={errors.name}
            required
            data-autofocus
          />
          <FormError error={create.error} fields={['name']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('workspaces.createSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
