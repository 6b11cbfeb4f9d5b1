import { Button, Code, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';
import { AuthLayout } from './AuthLayout';

/** Shown when a page crashed while rendering (a bug): a way back instead of a blank screen. */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <AuthLayout title={t('errors.title')} description={t('errors.crashed')}>
      <Stack gap="md">
        <Code block>{message}</Code>
        <Button onClick={() => window.location.assign('/')}>{t('notFound.goHome')}</Button>
      </Stack>
    </AuthLayout>
  );
}
