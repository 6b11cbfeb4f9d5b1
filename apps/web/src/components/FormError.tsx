import { Alert, List } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api';
import { otherIssues } from '../lib/forms';
import { describeError } from '../lib/notify';

type Props = {
  /** The mutation's error (or null). */
  error: unknown;
  /** The form's field names: validation issues for these are shown on the fields, not here. */
  fields?: readonly string[];
  /** Overrides the message for some error codes. */
  messages?: Record<string, React.ReactNode>;
};

/**
 * The form-level error line. Always rendered as a polite live region so screen readers announce
 * new errors; validation issues for known fields are shown on the fields themselves.
 */
export function FormError({ error, fields = [], messages }: Props) {
  const { t } = useTranslation();
  let content: React.ReactNode = null;
  if (error) {
    if (error instanceof ApiError && messages?.[error.code]) {
      content = messages[error.code];
    } else if (error instanceof ApiError && error.issues.length > 0) {
      const extra = error.code === 'validation_failed' ? otherIssues(error, fields) : [];
      content = (
        <>
          {error.code === 'validation_failed' ? t('errors.validation_failed') : describeError(error)}
          {extra.length > 0 && (
            <List size="sm" mt={4}>
              {extra.map((issue) => (
                <List.Item key={issue}>{issue}</List.Item>
              ))}
            </List>
          )}
        </>
      );
    } else {
      content = describeError(error);
      if (error instanceof ApiError && error.requestId && error.status >= 500) {
        content = `${content} (${t('errors.requestId')}: ${error.requestId})`;
      }
    }
  }
  return (
    <div aria-live="polite" aria-atomic="true">
      {content && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} aria-hidden />} role="alert">
          {content}
        </Alert>
      )}
    </div>
  );
}
