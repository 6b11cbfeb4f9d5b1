import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AuthLayout } from '../../components/AuthLayout';

/** A workspace id in the URL the person is not (or no longer) a member of. */
export function NoAccessPage() {
  const { t } = useTranslation();
  return (
    <AuthLayout title={t('noAccess.title')} description={t('noAccess.description')}>
      <Group>
        <Button component={Link} to="/">
          {t('noAccess.goHome')}
        </Button>
      </Group>
    </AuthLayout>
  );
}
