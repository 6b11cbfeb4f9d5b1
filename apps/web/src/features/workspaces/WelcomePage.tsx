import { Button, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { AuthLayout } from '../../components/AuthLayout';
import { FullPageLoader } from '../../components/FullPageLoader';
import { useMe, useSignOut } from '../auth/api';
import { CreateWorkspaceModal } from './CreateWorkspaceModal';

/** `/welcome`: signed in but a member of no workspace (all memberships ended). */
export function WelcomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  const [opened, modal] = useDisclosure(false);
  if (me.isPending) return <FullPageLoader />;
  if (!me.data) return <Navigate to="/signin" replace />;
  if (me.data.workspaces.length > 0) return <Navigate to="/" replace />;
  return (
    <AuthLayout
      title={t('welcome.title', { name: me.data.user.name })}
      description={t('welcome.description')}
    >
      <Stack gap="sm">
        <Button onClick={modal.open}>{t('workspaces.create')}</Button>
        <Button variant="default" onClick={() => signOut.mutate()}>
          {t('userMenu.signOut')}
        </Button>
        <Text size="xs" c="dimmed">
          {t('welcome.hint')}
        </Text>
      </Stack>
      <CreateWorkspaceModal opened={opened} onClose={modal.close} />
    </AuthLayout>
  );
}
