import type {
  CreateQuickReplyRequest,
  QuickReplyDto,
  quickReplyListResponse,
  UpdateQuickReplyRequest,
  UseQuickReplyResponse,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiDelete, apiGet, apiPatch, apiPost, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';

export type { QuickReplyDto, UseQuickReplyResponse };

const quickRepliesKey = (ws: string) => ['workspace', ws, 'quick-replies'] as const;
const quickReplyPath = (ws: string, id: string, rest = '') =>
  workspacePath(ws, `/quick-replies/${encodeURIComponent(id)}${rest}`);

/** The shared quick replies and the signed-in person's own (one list; `scope` tells which). */
export function useQuickReplies(ws: string, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: quickRepliesKey(ws),
    queryFn: () =>
      apiGet<z.infer<typeof quickReplyListResponse>>(workspacePath(ws, '/quick-replies')).then(
        (list) => list.quickReplies,
      ),
    staleTime: 60_000,
    enabled: opts.enabled ?? true,
  });
}

/** Creates (no id) or changes a quick reply. Field errors and a taken shortcut are shown in the form. */
export function useSaveQuickReply(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string | null; fields: CreateQuickReplyRequest | UpdateQuickReplyRequest }) =>
      input.id
        ? apiPatch<QuickReplyDto>(quickReplyPath(ws, input.id), input.fields)
        : apiPost<QuickReplyDto>(workspacePath(ws, '/quick-replies'), input.fields),
    meta: { inlineErrors: [...formErrors, 'quick_reply_shortcut_taken'] },
    onSettled: () => qc.invalidateQueries({ queryKey: quickRepliesKey(ws) }),
  });
}

export function useDeleteQuickReply(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(quickReplyPath(ws, id)),
    onSettled: () => qc.invalidateQueries({ queryKey: quickRepliesKey(ws) }),
  });
}

/**
 * Fills a quick reply in for a conversation (`POST …/use`): the rendered text and, when it has a file,
 * a fresh upload of a copy ready to send. Nothing is sent.
 */
export function useQuickReplyForConversation(ws: string, conversationId: string) {
  return useMutation({
    mutationFn: (id: string) =>
      apiPost<UseQuickReplyResponse>(quickReplyPath(ws, id, '/use'), { conversationId }),
  });
}
