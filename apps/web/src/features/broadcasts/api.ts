import type {
  AudiencePreviewResponse,
  audienceImportResponse,
  audiencePreviewRequest,
  BroadcastDto,
  broadcastListResponse,
  broadcastRecipientsResponse,
  CreateBroadcastRequest,
  retryFailedResponse,
} from '@parley/contracts';
import {
  type InfiniteData,
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPost, workspacePath } from '../../lib/api';
import { isLive } from './model';

export type { AudiencePreviewResponse, BroadcastDto };
export type RecipientPage = z.infer<typeof broadcastRecipientsResponse>;
export type Recipient = RecipientPage['items'][number];
export type RecipientState = Recipient['state'];
export type ImportResult = z.infer<typeof audienceImportResponse>;
export type PreviewRequest = z.infer<typeof audiencePreviewRequest>;

const enc = encodeURIComponent;
export const broadcastsKey = (ws: string) => ['workspace', ws, 'broadcasts'] as const;
const broadcastKey = (ws: string, id: string) => [...broadcastsKey(ws), 'one', id] as const;
const recipientsKey = (ws: string, id: string) => [...broadcastsKey(ws), 'recipients', id] as const;
const broadcastPath = (ws: string, id: string, rest = '') =>
  workspacePath(ws, `/broadcasts/${enc(id)}${rest}`);

/** Codes the new-newsletter form shows itself. */
export const createErrors = [
  'validation_failed',
  'template_not_approved',
  'template_variables_missing',
  'template_unsupported',
];

/** The workspace's broadcasts, newest first; refreshed every 5 s while one of them is under way. */
export function useBroadcasts(ws: string) {
  return useQuery({
    queryKey: [...broadcastsKey(ws), 'list'],
    queryFn: () => apiGet<z.infer<typeof broadcastListResponse>>(workspacePath(ws, '/broadcasts')),
    refetchInterval: (q) => (q.state.data?.items.some((b) => isLive(b.state)) ? 5000 : false),
  });
}

/** One broadcast; polled every 2 s while it is scheduled, running or paused. */
export function useBroadcast(ws: string, id: string) {
  return useQuery({
    queryKey: broadcastKey(ws, id),
    queryFn: () => apiGet<BroadcastDto>(broadcastPath(ws, id)),
    refetchInterval: (q) => (q.state.data && isLive(q.state.data.state) ? 2000 : false),
  });
}

/** Rows per page of the recipients table. */
export const recipientsPageSize = 50;

/**
 * Recipients and their outcome in pages of 50 (by the server's cursor), optionally of one state.
 * Another state starts from its first page and shows nothing of the previous one while it loads.
 */
export function useRecipients(ws: string, id: string, state: RecipientState | null) {
  return useInfiniteQuery({
    queryKey: [...recipientsKey(ws, id), state],
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: String(recipientsPageSize) });
      if (state) p.set('state', state);
      if (pageParam) p.set('cursor', pageParam);
      return apiGet<RecipientPage>(`${broadcastPath(ws, id, '/recipients')}?${p}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Before the table shows a state again: its cached list keeps only the first page, so the table starts
 * from the top (and refetches it) instead of showing every page loaded before.
 */
export function useFirstRecipientsPage(ws: string, id: string) {
  const qc = useQueryClient();
  return (state: RecipientState | null) =>
    qc.setQueryData<InfiniteData<RecipientPage, string | undefined>>(
      [...recipientsKey(ws, id), state],
      (d) => d && { pages: d.pages.slice(0, 1), pageParams: d.pageParams.slice(0, 1) },
    );
}

/** Refetches the recipients of a broadcast (its counts changed). */
export function useRefreshRecipients(ws: string, id: string) {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: recipientsKey(ws, id) });
}

/** Download address of every recipient and outcome as CSV. */
export const recipientsCsvUrl = (ws: string, id: string) => broadcastPath(ws, id, '/recipients.csv');

/**
 * The review step's numbers for these settings (null: nothing to ask yet). The previous answer stays
 * while the next one loads; the caller shows errors.
 */
export function useAudiencePreview(ws: string, request: PreviewRequest | null) {
  return useQuery({
    queryKey: [...broadcastsKey(ws), 'preview', request],
    queryFn: () =>
      apiPost<AudiencePreviewResponse>(workspacePath(ws, '/broadcasts/audience-preview'), request),
    enabled: request !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    retry: false,
    // Shown in the review (an expired session still leads to the sign-in).
    meta: { inlineErrors: [...createErrors, 'network_error', 'internal', 'rate_limited'] },
  });
}

/** A static list from CSV: contacts matched or created, consents with proof recorded. */
export function useImportAudience(ws: string) {
  return useMutation({
    mutationFn: (body: { channelId: string; csv: string }) =>
      apiPost<ImportResult>(workspacePath(ws, '/broadcasts/audience-import'), body),
    meta: { inlineErrors: ['validation_failed', 'network_error', 'internal', 'rate_limited', 'http_413'] },
  });
}

/** Creates the broadcast and starts it (now, or at its scheduled time). Answers the started broadcast. */
export function useCreateBroadcast(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateBroadcastRequest) => {
      const { id } = await apiPost<{ id: string }>(workspacePath(ws, '/broadcasts'), body);
      return apiPost<BroadcastDto>(broadcastPath(ws, id, '/start'));
    },
    meta: { inlineErrors: createErrors },
    onSuccess: (b) => qc.setQueryData(broadcastKey(ws, b.id), b),
    onSettled: () => qc.invalidateQueries({ queryKey: [...broadcastsKey(ws), 'list'] }),
  });
}

export type BroadcastAction = 'pause' | 'resume' | 'cancel';

/** Pause, resume or cancel; the answer replaces the cached broadcast. */
export function useBroadcastAction(ws: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: BroadcastAction) => apiPost<BroadcastDto>(broadcastPath(ws, id, `/${action}`)),
    onSuccess: (b) => qc.setQueryData(broadcastKey(ws, id), b),
    onSettled: () => qc.invalidateQueries({ queryKey: [...broadcastsKey(ws), 'list'] }),
  });
}

/** Sends the transient failures again. */
export function useRetryFailed(ws: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiPost<z.infer<typeof retryFailedResponse>>(broadcastPath(ws, id, '/retry-failed')),
    onSuccess: (r) => qc.setQueryData(broadcastKey(ws, id), r.broadcast),
    onSettled: () => qc.invalidateQueries({ queryKey: recipientsKey(ws, id) }),
  });
}
