import type { NotificationDto, notificationListResponse } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPost, apiPut, workspacePath } from '../../lib/api';
import { routingAgentsKey } from '../routing/api';

export type { NotificationDto };
export type NotificationPage = z.infer<typeof notificationListResponse>;

export const notificationsKey = (ws: string) => ['workspace', ws, 'notifications'] as const;
export { routingAgentsKey };

/** My 30 newest notifications and the unread count (the bell's badge). */
export function useNotifications(ws: string) {
  return useQuery({
    queryKey: notificationsKey(ws),
    queryFn: () => apiGet<NotificationPage>(workspacePath(ws, '/notifications?limit=30')),
    staleTime: 60_000,
  });
}

/** Marks some (ids) or all (no ids) notifications read; the answer is the unread count left. */
export function useMarkNotificationsRead(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) =>
      apiPost<{ unread: number }>(workspacePath(ws, '/notifications/read'), ids ? { ids } : {}),
    onMutate: (ids) => {
      const at = new Date().toISOString();
      qc.setQueryData<NotificationPage>(notificationsKey(ws), (page) =>
        page
          ? {
              ...page,
              notifications: page.notifications.map((n) =>
                !ids || ids.includes(n.id) ? { ...n, readAt: n.readAt ?? at } : n,
              ),
            }
          : page,
      );
    },
    onSuccess: ({ unread }) =>
      qc.setQueryData<NotificationPage>(notificationsKey(ws), (page) => (page ? { ...page, unread } : page)),
    onSettled: () => qc.invalidateQueries({ queryKey: notificationsKey(ws) }),
  });
}

/** Sets my availability (the effective one is in GET /routing/agents). */
export function useSetPresence(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (availability: 'available' | 'away') =>
      apiPut<void>(workspacePath(ws, '/presence'), { availability }),
    onSettled: () => qc.invalidateQueries({ queryKey: routingAgentsKey(ws) }),
  });
}
