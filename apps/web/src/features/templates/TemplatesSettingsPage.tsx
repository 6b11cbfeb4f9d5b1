import { Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import './i18n';

/** `/w/:workspaceId/settings/templates`: each number's message templates (placeholder until the page lands). */
export function TemplatesSettingsPage() {
  const { t } = useTranslation('templates');
  return (
    <>
      <Title order={1}>{t('title')}</Title>
      <Text c="dimmed">{t('comingSoon')}</Text>
    </>
  );
}
