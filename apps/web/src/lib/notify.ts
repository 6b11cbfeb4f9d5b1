import { notifications } from '@mantine/notifications';
import { i18n } from '../i18n';
import { ApiError } from './api';

/** "Please wait 40 seconds" / "Please wait 15 minutes" for a rate limit. */
export function describeWait(seconds: number): string {
  return seconds > 90
    ? i18n.t('errors.rateLimitedWaitMinutes', { count: Math.ceil(seconds / 60) })
    : i18n.t('errors.rateLimitedWait', { count: seconds });
}

/** The translated, human message for an API error (server message as a fallback). */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return i18n.t('errors.unexpected');
  if (error.code === 'rate_limited') {
    return error.retryAfter ? describeWait(error.retryAfter) : i18n.t('errors.rate_limited');
  }
  const key = `errors.${error.code}`;
  if (i18n.exists(key)) return i18n.t(key);
  if (error.status >= 500) return i18n.t('errors.internal');
  return error.message || i18n.t('errors.unexpected');
}

/** Shows an error toast with the message and the request id (for support). */
export function notifyError(error: unknown): void {
  const requestId = error instanceof ApiError ? error.requestId : null;
  notifications.show({
    color: 'red',
    title: i18n.t('errors.title'),
    message: requestId
      ? `${describeError(error)} (${i18n.t('errors.requestId')}: ${requestId})`
      : describeError(error),
    autoClose: 8000,
  });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 4000 });
}
