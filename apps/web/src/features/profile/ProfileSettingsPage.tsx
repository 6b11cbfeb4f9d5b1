import type { MantineColorScheme } from '@mantine/core';
import {
  Button,
  Group,
  NativeSelect,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  useMantineColorScheme,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { PasswordField } from '../../components/PasswordField';
import { SectionCard } from '../../components/SectionCard';
import { type AppLocale, applyLocale } from '../../i18n';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useChangePassword, useUpdateMe } from '../auth/api';
import { NotificationSettingsSection } from '../push/NotificationSettingsSection';
import { useWorkspace } from '../shell/workspace-context';

/** `/w/:id/settings/profile`: name, language, theme, password. */
export function ProfileSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('profile.title')} description={t('profile.description')} />
      <Stack gap="lg">
        <ProfileForm />
        <AppearanceSection />
        <NotificationSettingsSection />
        <PasswordForm />
      </Stack>
    </>
  );
}

function ProfileForm() {
  const { t } = useTranslation();
  const { me } = useWorkspace();
  const update = useUpdateMe();
  const [name, setName] = useState(me.user.name);
  const [language, setLanguage] = useState<string>(me.user.locale ?? 'browser');
  const errors = fieldErrors(update.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const locale = language === 'browser' ? null : (language as AppLocale);
    update.mutate(
      { name, locale },
      {
        onSuccess: () => {
          applyLocale(locale);
          notifySuccess(t('profile.saved'));
        },
      },
    );
  };

  return (
    <SectionCard title={t('profile.personal')} headingId="profile-personal">
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={480}>
          <TextInput
            label={t('fields.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={errors.name}
            autoComplete="name"
            required
          />
          <TextInput
            label={t('fields.email')}
            value={me.user.email}
            readOnly
            description={t('profile.emailHint')}
          />
          <NativeSelect
            label={t('profile.language')}
            description={t('profile.languageHint')}
            value={language}
            onChange={(event) => setLanguage(event.currentTarget.value)}
            error={errors.locale}
            data={[
              { value: 'browser', label: t('profile.languageBrowser') },
              { value: 'de', label: 'Deutsch' },
              { value: 'en', label: 'English' },
            ]}
          />
          <FormError error={update.error} fields={['name', 'locale']} />
          <Group>
            <Button type="submit" loading={update.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}

function AppearanceSection() {
  const { t } = useTranslation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <SectionCard
      title={t('profile.appearance')}
      description={t('profile.themeHint')}
      headingId="profile-appearance"
    >
      <Stack gap={6}>
        <Text size="sm" fw={500} id="theme-label">
          {t('profile.theme')}
        </Text>
        <SegmentedControl
          aria-labelledby="theme-label"
          value={colorScheme}
          onChange={(value) => setColorScheme(value as MantineColorScheme)}
          data={[
            { value: 'light', label: t('theme.light') },
            { value: 'dark', label: t('theme.dark') },
            { value: 'auto', label: t('theme.auto') },
          ]}
          maw={420}
        />
      </Stack>
    </SectionCard>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const change = useChangePassword();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const errors = fieldErrors(change.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrentPassword('');
          setNewPassword('');
          setConfirm('');
          notifySuccess(t('profile.passwordChanged'));
        },
      },
    );
  };

  return (
    <SectionCard
      title={t('profile.changePassword')}
      description={t('profile.passwordHint')}
      headingId="profile-password"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={480}>
          <PasswordField
            label={t('profile.currentPassword')}
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.currentTarget.value)}
            error={errors.currentPassword}
            autoComplete="current-password"
            required
          />
          <PasswordField
            label={t('profile.newPassword')}
            description={t('fields.passwordRules')}
            value={newPassword}
            onChange={(event) => setNewPassword(event.currentTarget.value)}
            error={errors.newPassword}
            autoComplete="new-password"
            required
          />
          <PasswordField
            label={t('profile.confirmPassword')}
            value={confirm}
            onChange={(event) => setConfirm(event.currentTarget.value)}
            error={mismatch ? t('profile.passwordMismatch') : undefined}
            autoComplete="new-password"
            required
          />
          <FormError error={change.error} fields={['currentPassword', 'newPassword']} />
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t('profile.changePasswordSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
