import type { auditEventDto, auditListResponse } from '@parley/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, workspacePath } from '../../lib/api';

export type AuditEvent = z.infer<typeof auditEventDto>;
export type AuditPage = z.infer<typeof auditListResponse>;

export const auditPageSize = 50;

/** Audit events, newest first, 50 per page; the next page starts before the oldest id seen. */
export function useAuditEvents(workspaceId: string) {
  return useInfiniteQuery({
    queryKey: ['workspace', workspaceId, 'audit-events'],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(auditPageSize) });
      if (pageParam !== null) query.set('before', String(pageParam));
      return apiGet<AuditPage>(workspacePath(workspaceId, `/audit-events?${query}`));
    },
    getNextPageParam: (lastPage) =>
      lastPage.events.length < auditPageSize
        ? null
        : (lastPage.events[lastPage.events.length - 1]?.id ?? null),
  });
}
