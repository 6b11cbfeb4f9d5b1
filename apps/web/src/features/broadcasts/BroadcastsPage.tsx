import { Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import './i18n';

/** `/w/:workspaceId/broadcasts`: the newsletters of the workspace (placeholder until the pages land). */
export function BroadcastsPage() {
  const { t } = useTranslation('broadcasts');
  return (
    <>
      <Title order={1}>{t('title')}</Title>
      <Text c="dimmed">{t('comingSoon')}</Text>
    </>
  );
}

/** `/w/:workspaceId/broadcasts/new`: the form for a new newsletter. */
export function BroadcastNewPage() {
  return <BroadcastsPage />;
}

/** `/w/:workspaceId/broadcasts/:broadcastId`: one newsletter's progress and results. */
export function BroadcastDetailPage() {
  return <BroadcastsPage />;
}
