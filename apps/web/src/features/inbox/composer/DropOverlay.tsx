import { Stack, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Shown over the conversation while files are dragged onto it. */
export function DropOverlay() {
  const { t } = useTranslation('inbox');
  return (
    <div className="composer-drop" data-testid="drop-overlay" aria-hidden>
      <Stack align="center" gap={4} className="composer-drop-card">
        <IconPaperclip size={32} aria-hidden />
        <Text fw={600}>{t('composer.attach.dropHere')}</Text>
        <Text size="sm" c="dimmed">
          {t('composer.attach.dropHint')}
        </Text>
      </Stack>
    </div>
  );
}
