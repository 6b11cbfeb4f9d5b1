import { Alert, Button, Code, Fieldset, Group, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconInfoCircle } from '@tabler/icons-react';
import { type ChangeEvent, type FormEvent, type ReactNode, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { PasswordField } from '../../components/PasswordField';
import { isApiError } from '../../lib/api';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { type ChannelDto, type UpdateChannelInput, useUpdateChannel } from './api';
import { channelFieldRules, graphTitleOf } from './ConnectChannelModal';

const FIELDS = ['name', 'accessToken', 'appSecret'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

/** The field's input id (for labels, and to move the focus to a field with an error). */
export const editFieldId = (field: Field) => `channel-edit-${field}`;

/** Client-side check: the name always, a secret only when one was typed (empty keeps the current one). */
function validate(values: Values): Partial<Record<Field, true>> {
  const bad: Partial<Record<Field, true>> = {};
  for (const field of FIELDS) {
    const value = values[field].trim();
    if ((field === 'name' || value) && !channelFieldRules[field](value)) bad[field] = true;
  }
  return bad;
}

/** Only what changed: a name that differs, secrets that were typed. */
function toRequest(values: Values, channel: ChannelDto): UpdateChannelInput {
  const name = values.name.trim();
  const accessToken = values.accessToken.trim();
  const appSecret = values.appSecret.trim();
  return {
    ...(name !== channel.name ? { name } : {}),
    ...(accessToken ? { accessToken } : {}),
    ...(appSecret ? { appSecret } : {}),
  };
}

function focusField(field: Field | undefined) {
  if (!field) return;
  // After React rendered the error (the input may have been disabled while the request ran).
  setTimeout(() => document.getElementById(editFieldId(field))?.focus(), 50);
}

/**
 * "Edit" for one WhatsApp number (owners and admins): its name, and a new access token or app secret
 * when Meta revoked or rotated them. Empty secret fields keep the current values; a new token is
 * checked with WhatsApp by the server before anything is saved. The sandbox can only be renamed.
 */
export function EditChannelModal({ channel, onClose }: { channel: ChannelDto; onClose: () => void }) {
  const { t } = useTranslation();
  const { workspaceId } = useWorkspace();
  const update = useUpdateChannel(workspaceId, channel.id);
  const phone = useMediaQuery('(max-width: 36em)');
  const [values, setValues] = useState<Values>({ name: channel.name, accessToken: '', appSecret: '' });
  const [invalid, setInvalid] = useState<Partial<Record<Field, true>>>({});
  const pending = update.isPending;
  const submitted = update.variables;
  const rejected = !pending && isApiError(update.error, 'whatsapp_credentials_rejected');
  const server = fieldErrors(update.error);

  const close = () => {
    if (pending) return;
    onClose();
  };

  const setValue = (field: Field, value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    // An edited field is no longer marked until the next submit.
    setInvalid((previous) => ({ ...previous, [field]: undefined }));
  };

  // A server issue stays on a field only while the field still holds the value that was sent.
  const stillSent = (field: Field) => (submitted?.[field] ?? '') === values[field].trim();
  const errorOf = (field: Field): ReactNode => {
    if (invalid[field]) return t(`channels.validation.${field}`);
    if (pending || !stillSent(field)) return undefined;
    if (field === 'accessToken' && rejected) {
      const said = graphTitleOf(update.error);
      return (
        <span data-testid="channel-edit-token-rejected">
          {t('channels.edit.tokenRejected')}
          {said && (
            <>
              {' '}
              {t('channels.errors.whatsappSaid')} <q>{said}</q>
            </>
          )}
        </span>
      );
    }
    return server[field] ? t(`channels.validation.${field}`) : undefined;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const bad = validate(values);
    setInvalid(bad);
    if (Object.keys(bad).length > 0) {
      update.reset();
      focusField(FIELDS.find((field) => bad[field]));
      return;
    }
    const request = toRequest(values, channel);
    if (Object.keys(request).length === 0) {
      // Nothing changed: nothing to send.
      close();
      return;
    }
    update.mutate(request, {
      onSuccess: (saved) => {
        notifySuccess(
          request.accessToken
            ? t('channels.edit.savedToken', { name: saved.name })
            : t('channels.edit.saved', { name: saved.name }),
        );
        onClose();
      },
      onError: (error) => {
        if (isApiError(error, 'whatsapp_credentials_rejected')) return focusField('accessToken');
        const issues = fieldErrors(error);
        focusField(FIELDS.find((field) => issues[field]));
      },
    });
  };

  const input = (field: Field) => ({
    id: editFieldId(field),
    value: values[field],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(field, event.currentTarget.value),
    error: errorOf(field),
    disabled: pending,
    autoComplete: 'off',
    spellCheck: false,
  });
  const components = { code: <Code />, strong: <strong /> };

  return (
    <Modal
      opened
      onClose={close}
      title={t('channels.edit.title', { name: channel.name })}
      centered
      size="lg"
      fullScreen={phone}
      closeButtonProps={{ 'aria-label': t('channels.connect.close') }}
    >
      <form onSubmit={submit} noValidate aria-busy={pending} data-testid="channel-edit-form">
        <Stack gap="md">
          <TextInput
            {...input('name')}
            label={t('channels.fields.name')}
            description={t('channels.fields.nameHint')}
            required
            maxLength={80}
            data-autofocus
          />
          {channel.isSandbox ? (
            <Alert variant="light" color="grape" icon={<IconInfoCircle size={18} aria-hidden />}>
              {t('channels.edit.sandboxHint')}
            </Alert>
          ) : (
            <Fieldset legend={t('channels.edit.credentials')} variant="filled" radius="md">
              <Stack gap="md">
                <Text size="sm">{t('channels.edit.credentialsHint')}</Text>
                <Text size="sm">
                  <Trans i18nKey="channels.edit.tokenHelp" components={components} />
                </Text>
                <PasswordField
                  {...input('accessToken')}
                  autoComplete="new-password"
                  label={t('channels.edit.accessToken')}
                  description={t('channels.edit.accessTokenHint')}
                />
                <PasswordField
                  {...input('appSecret')}
                  autoComplete="new-password"
                  label={t('channels.edit.appSecret')}
                  description={t('channels.edit.appSecretHint')}
                />
              </Stack>
            </Fieldset>
          )}

          <div aria-live="polite" aria-atomic="true">
            {pending && submitted?.accessToken && (
              <Group gap="xs" wrap="nowrap" data-testid="channel-edit-pending">
                <Loader size="xs" aria-hidden />
                <Text size="sm">{t('channels.edit.checking')}</Text>
              </Group>
            )}
          </div>
          <FormError
            // A refused token is shown at its field.
            error={pending || rejected ? null : update.error}
            fields={FIELDS}
            messages={{
              whatsapp_unreachable: t('channels.errors.unreachable'),
              conflict: t('channels.edit.sandboxLocked'),
            }}
          />

          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={pending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={pending} data-testid="channel-edit-submit">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
