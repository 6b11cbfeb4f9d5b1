import { Button, Group, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MessageDto } from './api';
import { explainErrorCode } from './model';
import './i18n';

type Props = {
  message: MessageDto;
  language: string;
  windowOpen: boolean;
  onRetry: ((message: MessageDto) => void) | null;
  retrying: boolean;
};

/**
 * Under an outbound bubble that did not go through: why (Meta's error code explained in the UI
 * language) and, when the server allows it, a Retry button (free-form messages need the 24-hour window
 * open). An `unknown` outcome never gets a resend button: WhatsApp's status webhook settles it.
 */
export function DeliveryNotice({ message, language, windowOpen, onRetry, retrying }: Props) {
  const { t } = useTranslation('inbox');
  if (message.direction !== 'outbound') return null;

  if (message.status === 'unknown') {
    return (
      <Text size="xs" c="orange.8" mt={2} data-testid="delivery-unknown" className="inbox-delivery-note">
        {t('message.unknownOutcome')}
      </Text>
    );
  }
  if (message.status !== 'failed') return null;

  const explanation =
    message.errorCode != null ? explainErrorCode(message.errorCode, language) : t('message.failedGeneric');
  const needsWindow = message.type !== 'template';
  const canRetry = message.retryable && (!needsWindow || windowOpen) && !!onRetry;
  return (
    <Stack gap={4} mt={4} data-testid="delivery-failed">
      <Text size="xs" c="red" className="inbox-break inbox-delivery-note" data-testid="failure-explanation">
        {explanation}
      </Text>
      {message.errorCode != null && (
        <Text size="xs" c="dimmed">
          {t('message.errorCode', { code: message.errorCode })}
        </Text>
      )}
      {message.retryable && needsWindow && !windowOpen && (
        <Text size="xs" c="dimmed">
          {t('message.retryWindowClosed')}
        </Text>
      )}
      {canRetry && (
        <Group gap="xs">
          <Button
            size="compact-xs"
            variant="light"
            color="red"
            leftSection={<IconRefresh size={14} aria-hidden />}
            loading={retrying}
            onClick={() => onRetry(message)}
            data-testid="retry-button"
          >
            {t('message.retry')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
