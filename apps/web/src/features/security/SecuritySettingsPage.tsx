import { Alert, Stack } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { useWorkspace } from '../shell/workspace-context';
import { SessionsSection } from './SessionsSection';
import { TwoFactorSection } from './TwoFactorSection';

/** `/w/:id/settings/security`: two-factor sign-in and the list of signed-in devices. */
export function SecuritySettingsPage() {
  const { t } = useTranslation();
  const { membership } = useWorkspace();
  return (
    <>
      <PageHeader title={t('security.title')} description={t('security.description')} />
      <Stack gap="lg">
        {membership.twoFactorSetupRequired && (
          <Alert
            color="orange"
            variant="light"
            icon={<IconShieldLock size={20} aria-hidden />}
            title={t('security.requiredTitle')}
            role="alert"
          >
            {t('security.requiredText', { workspace: membership.workspaceName })}
          </Alert>
        )}
        <TwoFactorSection />
        <SessionsSection />
      </Stack>
    </>
  );
}
