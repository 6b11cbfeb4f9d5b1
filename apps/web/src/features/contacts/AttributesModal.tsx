import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { CustomAttributeDto } from '@parley/contracts';
import { IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/forms';
import { useWorkspace } from '../shell/workspace-context';
import { useAttributes, useDeleteAttribute, useSaveAttribute } from './api';

const TYPES: CustomAttributeDto['type'][] = ['text', 'number', 'date', 'list', 'checkbox'];

/** Owners and admins define the contacts' custom fields. */
export function AttributesModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const list = useAttributes(workspaceId);
  const save = useSaveAttribute(workspaceId);
  const remove = useDeleteAttribute(workspaceId);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<CustomAttributeDto['type']>('text');
  const [options, setOptions] = useState('');
  const errors = fieldErrors(save.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      {
        key: key.trim(),
        label: label.trim(),
        type,
        options:
          type === 'list'
            ? options
                .split('\n')
                .map((o) => o.trim())
                .filter(Boolean)
            : [],
      },
      {
        onSuccess: () => {
          setKey('');
          setLabel('');
          setOptions('');
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('fieldsTitle')} size="lg">
      <Stack gap="md">
        {(list.data?.attributes ?? []).length > 0 && (
          <Table>
            <Table.Tbody>
              {(list.data?.attributes ?? []).map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Text fw={600}>{a.label}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {a.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{t(`types.${a.type}`)}</Badge>
                    {a.options.length > 0 && (
                      <Text size="xs" c="dimmed">
                        {a.options.join(', ')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td w={40}>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('deleteField', { label: a.label })}
                      onClick={() => remove.mutate(a.id)}
                    >
                      <IconTrash size={16} aria-hidden />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Group grow align="flex-start">
              <TextInput
                label={t('fieldLabel')}
                required
                value={label}
                onChange={(e) => setLabel(e.currentTarget.value)}
                error={errors['body.label']}
              />
              <TextInput
                label={t('fieldKey')}
                description={t('fieldKeyHint')}
                required
                value={key}
                onChange={(e) => setKey(e.currentTarget.value)}
                error={errors['body.key']}
                ff="monospace"
              />
            </Group>
            <Select
              label={t('fieldType')}
              data={TYPES.map((v) => ({ value: v, label: t(`types.${v}`) }))}
              value={type}
              onChange={(v) => setType((v as CustomAttributeDto['type']) ?? 'text')}
              allowDeselect={false}
            />
            {type === 'list' && (
              <Textarea
                label={t('fieldOptions')}
                autosize
                minRows={3}
                value={options}
                onChange={(e) => setOptions(e.currentTarget.value)}
                error={errors['body.options']}
              />
            )}
            <FormError
              error={save.error}
              fields={['body.key', 'body.label', 'body.options']}
              messages={{ attribute_key_taken: t('keyTaken') }}
            />
            <Group justify="space-between">
              <Button variant="default" onClick={onClose}>
                {t('close')}
              </Button>
              <Button type="submit" loading={save.isPending}>
                {t('addField')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Modal>
  );
}
