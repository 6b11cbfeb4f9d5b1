import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { IconCloudOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../lib/notify';

/** A whole-page (or whole-section) error with a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Center mih="50dvh" p="md">
      <Stack align="center" gap="sm" maw={420} ta="center" role="alert">
        <IconCloudOff size={40} stroke={1.5} aria-hidden />
        <Title order={2} fz="h3">
          {t('errors.loadFailed')}
        </Title>
        <Text c="dimmed" size="sm">
          {describeError(error)}
        </Text>
        {onRetry && (
          <Button variant="default" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </Stack>
    </Center>
  );
}
