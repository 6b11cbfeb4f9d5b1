import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { type BulkAction, useBulkAction, useSetConversationStatus, useTakeConversation } from './api';
import './i18n';

const MAX_BULK = 200;

/** What the list, its bulk bar and the shortcuts do to conversations, with their feedback. */
export function useListActions(workspaceId: string) {
  const { t } = useTranslation('inboxList');
  const bulk = useBulkAction(workspaceId);
  const take = useTakeConversation(workspaceId);
  const status = useSetConversationStatus(workspaceId);

  /** One action on the conversations; resolves with true when it was sent and answered. */
  const runBulk = async (ids: string[], action: BulkAction): Promise<boolean> => {
    if (ids.length === 0) return false;
    if (ids.length > MAX_BULK) notifications.show({ color: 'yellow', message: t('bulk.tooMany') });
    try {
      const result = await bulk.mutateAsync({ conversationIds: ids.slice(0, MAX_BULK), action });
      const message = [
        t('bulk.done', { count: result.updated.length }),
        result.notFound.length > 0 ? t('bulk.notFound', { count: result.notFound.length }) : '',
      ]
        .filter(Boolean)
        .join(' · ');
      notifications.show({ color: result.notFound.length ? 'yellow' : 'teal', message, autoClose: 4000 });
      return true;
    } catch {
      // The query client shows the error.
      return false;
    }
  };

  const takeOne = async (id: string): Promise<boolean> => {
    try {
      await take.mutateAsync(id);
      notifications.show({ color: 'teal', message: t('row.taken'), autoClose: 3000 });
      return true;
    } catch (error) {
      // Other errors are shown by the query client.
      if (isApiError(error, 'already_assigned'))
        notifications.show({ color: 'orange', message: t('row.alreadyTaken'), autoClose: 6000 });
      return false;
    }
  };

  const resolveOne = (id: string) =>
    status.mutate(
      { id, status: 'resolved' },
      {
        onSuccess: () =>
          notifications.show({ color: 'teal', message: t('actions.resolved'), autoClose: 3000 }),
      },
    );

  const snoozeOne = (id: string, until: Date) =>
    status.mutate(
      { id, status: 'snoozed', snoozedUntil: until.toISOString() },
      {
        onSuccess: () =>
          notifications.show({
            color: 'teal',
            message: t('snooze.done', { time: formatDateTime(until.toISOString(), 'short') }),
            autoClose: 3000,
          }),
      },
    );

  return {
    runBulk,
    takeOne,
    resolveOne,
    snoozeOne,
    isBulkPending: bulk.isPending,
    takingId: take.isPending ? take.variables : null,
  };
}
