import { Anchor, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { FormError } from '../../components/FormError';
import { isApiError } from '../../lib/api';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { useCreateContact } from './api';

/** The countries a national number is most often read in (ISO codes; the API takes any). */
export const COUNTRIES = ['DE', 'AT', 'CH', 'NL', 'BE', 'LU', 'FR', 'IT', 'ES', 'PL', 'DK', 'GB', 'US', 'TR'];

export function countryOptions(language: string) {
  const names = new Intl.DisplayNames([language], { type: 'region' });
  return COUNTRIES.map((c) => ({ value: c, label: `${names.of(c) ?? c} (${c})` }));
}

export function NewContactModal({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const navigate = useNavigate();
  const create = useCreateContact(workspaceId);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [country, setCountry] = useState('DE');
  const errors = fieldErrors(create.error);
  const details = isApiError(create.error, 'contact_exists')
    ? (create.error.details as { contactId?: unknown } | undefined)
    : undefined;
  const existing = typeof details?.contactId === 'string' ? details.contactId : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name, phone, ...(email.trim() ? { email: email.trim() } : {}), defaultCountry: country },
      {
        onSuccess: (c) => {
          notifySuccess(t('created', { name: c.name ?? c.phone }));
          onClose();
          void navigate(`/w/${workspaceId}/contacts/${c.id}`);
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('new')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors['body.name']}
            data-autofocus
          />
          <TextInput
            label={t('phone')}
            required
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            error={errors['body.phone']}
            inputMode="tel"
            placeholder="0151 12345678"
          />
          <Select
            label={t('country')}
            data={countryOptions(i18n.language)}
            value={country}
            onChange={(v) => setCountry(v ?? 'DE')}
            allowDeselect={false}
            searchable
          />
          <TextInput
            label={t('email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors['body.email']}
          />
          <FormError
            error={create.error}
            fields={['body.name', 'body.phone', 'body.email']}
            messages={{
              contact_exists: (
                <>
                  {t('exists')}{' '}
                  {existing && (
                    <Anchor component={Link} to={`/w/${workspaceId}/contacts/${existing}`} onClick={onClose}>
                      {t('openExisting')}
                    </Anchor>
                  )}
                </>
              ),
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
