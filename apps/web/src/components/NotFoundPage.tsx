import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AuthLayout } from './AuthLayout';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <AuthLayout title={t('notFound.title')} description={t('notFound.description')}>
      <Button component={Link} to="/">
        {t('notFound.goHome')}
      </Button>
    </AuthLayout>
  );
}
