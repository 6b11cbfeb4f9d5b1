import type {
  AgentRoutingDto,
  BulkActionRequest,
  bulkActionResponse,
  LabelDto,
  SavedViewDto,
  savedViewListResponse,
} from '@parley/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiDelete, apiGet, apiPost, apiPut, workspacePath } from '../../../lib/api';
import { formErrors } from '../../../lib/query-client';
import { routingAgentsKey, useRoutingAgents } from '../../routing/api';
import {
  type ConversationDto,
  type ConversationPage,
  conversationKey,
  conversationListsKey,
  patchConversation,
  unreadSummaryKey,
} from '../api';
import type { ViewFilters } from './model';

export type { AgentRoutingDto, LabelDto, SavedViewDto };
export type BulkAction = BulkActionRequest['action'];
export type BulkResult = z.infer<typeof bulkActionResponse>;

const enc = encodeURIComponent;

// Labels and everyone's availability are owned by their features (one cache, one key each).
export { labelsKey, useLabelList as useLabels } from '../../labels/api';
export { routingAgentsKey, useRoutingAgents };
export const savedViewsKey = (ws: string) => ['workspace', ws, 'views'] as const;
/** Under conversationListsKey, so patchConversation and every list invalidation reach it. */
export const filteredListKey = (ws: string, query: string, q: string) =>
  [...conversationListsKey(ws), 'filtered', query, q] as const;

/**
 * A page of conversations for the list's filters (`query`: filtersToApiQuery as a string, without
 * search and cursor). `q` (trimmed, may be empty) searches.
 */
export function useFilteredConversations(ws: string, query: Record<string, string>, q = '') {
  const search = q.trim();
  const base = new URLSearchParams(query).toString();
  return useInfiniteQuery({
    queryKey: filteredListKey(ws, base, search),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams(base);
      params.set('limit', '50');
      if (search) params.set('q', search);
      if (pageParam) params.set('before', pageParam);
      return apiGet<ConversationPage>(workspacePath(ws, `/conversations?${params}`));
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While the next filter or search runs, the previous rows stay (no flash of the skeleton).
    placeholderData: (previous) => previous,
  });
}

// ---- saved views ----

export function useSavedViews(ws: string) {
  return useQuery({
    queryKey: savedViewsKey(ws),
    queryFn: () => apiGet<z.infer<typeof savedViewListResponse>>(workspacePath(ws, '/views')),
    staleTime: 5 * 60_000,
  });
}

export function useSaveView(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; name: string; filters: ViewFilters; shared?: boolean }) =>
      input.id
        ? apiPut<SavedViewDto>(workspacePath(ws, `/views/${enc(input.id)}`), {
            name: input.name,
            filters: input.filters,
          })
        : apiPost<SavedViewDto>(workspacePath(ws, '/views'), {
            name: input.name,
            filters: input.filters,
            shared: input.shared ?? false,
          }),
    onSettled: () => qc.invalidateQueries({ queryKey: savedViewsKey(ws) }),
    meta: { inlineErrors: formErrors },
  });
}

export function useDeleteView(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(workspacePath(ws, `/views/${enc(id)}`)),
    onSettled: () => qc.invalidateQueries({ queryKey: savedViewsKey(ws) }),
  });
}

// ---- actions from the list ----

function refreshLists(qc: ReturnType<typeof useQueryClient>, ws: string) {
  void qc.invalidateQueries({ queryKey: conversationListsKey(ws) });
  void qc.invalidateQueries({ queryKey: unreadSummaryKey(ws) });
  void qc.invalidateQueries({ queryKey: routingAgentsKey(ws) });
}

/** One action on up to 200 conversations; answers which were changed and which were not found. */
export function useBulkAction(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { conversationIds: string[]; action: BulkAction }) =>
      apiPost<BulkResult>(workspacePath(ws, '/conversations/bulk'), input),
    onSuccess: (result) => {
      for (const id of result.updated) void qc.invalidateQueries({ queryKey: conversationKey(ws, id) });
    },
    onSettled: () => refreshLists(qc, ws),
  });
}

/** Takes an unassigned conversation; `already_assigned` (409) is shown by the caller. */
export function useTakeConversation(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiPost<ConversationDto>(workspacePath(ws, `/conversations/${enc(id)}/take`)),
    onSuccess: (c) => {
      patchConversation(qc, ws, c.id, (old) => ({ ...old, ...c }));
      qc.setQueryData(conversationKey(ws, c.id), c);
    },
    onSettled: () => refreshLists(qc, ws),
    meta: { inlineErrors: ['already_assigned'] },
  });
}

/** Resolves or snoozes one conversation (the shortcuts e and s). */
export function useSetConversationStatus(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      ...body
    }: { id: string; status: 'resolved' } | { id: string; status: 'snoozed'; snoozedUntil: string }) =>
      apiPost<void>(workspacePath(ws, `/conversations/${enc(id)}/status`), body),
    onSuccess: (_void, input) =>
      patchConversation(qc, ws, input.id, (c) => ({
        ...c,
        status: input.status,
        snoozedUntil: input.status === 'snoozed' ? input.snoozedUntil : null,
      })),
    onSettled: (_void, _error, input) => {
      void qc.invalidateQueries({ queryKey: conversationKey(ws, input.id) });
      refreshLists(qc, ws);
    },
  });
}
