import { Alert, Button, Stack, Text, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { AuthLayout } from '../../components/AuthLayout';
import { FormError } from '../../components/FormError';
import { FullPageLoader } from '../../components/FullPageLoader';
import { PasswordField } from '../../components/PasswordField';
import { i18n } from '../../i18n';
import { fieldErrors } from '../../lib/forms';
import { useSetup, useSetupStatus } from './api';

const fields = ['setupToken', 'workspaceName', 'name', 'email', 'password'] as const;

/** First start: creates the first workspace and its owner with the one-time token from the server log. */
export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const status = useSetupStatus();
  const setup = useSetup();
  const [values, setValues] = useState({
    setupToken: '',
    workspaceName: '',
    name: '',
    email: '',
    password: '',
  });
  const errors = fieldErrors(setup.error);

  if (status.isPending) return <FullPageLoader />;
  if (status.data && !status.data.setupRequired) return <Navigate to="/" replace />;

  const update = (field: (typeof fields)[number]) => (event: React.ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [field]: value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const locale = i18n.language === 'de' ? 'de' : 'en';
    setup.mutate(
      { ...values, setupToken: values.setupToken.trim(), locale },
      { onSuccess: () => navigate('/', { replace: true }) },
    );
  };

  return (
    <AuthLayout title={t('setup.title')} description={t('setup.description')} width={500}>
      <form onSubmit={submit} noValidate aria-describedby="setup-token-help">
        <Stack gap="md">
          <Alert
            variant="light"
            color="blue"
            icon={<IconInfoCircle size={18} aria-hidden />}
            id="setup-token-help"
          >
            <Text size="sm">{t('setup.tokenHelp')}</Text>
          </Alert>
          <TextInput
            label={t('setup.setupToken')}
            description={t('setup.setupTokenDescription')}
            value={values.setupToken}
            onChange={update('setupToken')}
            error={errors.setupToken}
            autoComplete="off"
            spellCheck={false}
            required
          />
          <TextInput
            label={t('setup.workspaceName')}
            description={t('setup.workspaceNameDescription')}
            value={values.workspaceName}
            onChange={update('workspaceName')}
            error={errors.workspaceName}
            autoComplete="organization"
            required
          />
          <TextInput
            label={t('fields.yourName')}
            value={values.name}
            onChange={update('name')}
            error={errors.name}
            autoComplete="name"
            required
          />
          <TextInput
            label={t('fields.email')}
            type="email"
            value={values.email}
            onChange={update('email')}
            error={errors.email}
            autoComplete="email"
            required
          />
          <PasswordField
            label={t('fields.password')}
            description={t('fields.passwordRules')}
            value={values.password}
            onChange={update('password')}
            error={errors.password}
            autoComplete="new-password"
            required
          />
          <FormError error={setup.error} fields={fields} />
          <Button type="submit" loading={setup.isPending} data-testid="setup-submit" fullWidth>
            {t('setup.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
