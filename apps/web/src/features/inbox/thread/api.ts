import { notifications } from '@mantine/notifications';
import type {
  AgentRoutingDto,
  LabelDto,
  Priority,
  ScheduledMessageDto,
  StatusRequest,
  scheduledListResponse,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { i18n } from '../../../i18n';
import { apiDelete, apiGet, apiPost, apiPut, isApiError, workspacePath } from '../../../lib/api';
import {
  type ConversationDto,
  conversationKey,
  conversationListsKey,
  type MessageDto,
  messagesKey,
  patchConversation,
  unreadSummaryKey,
  upsertMessage,
} from '../api';

export type { AgentRoutingDto, LabelDto, Priority, ScheduledMessageDto };

const enc = encodeURIComponent;
const convPath = (ws: string, id: string, rest = '') => workspacePath(ws, `/conversations/${enc(id)}${rest}`);

// Labels and availability are the same queries (and cache entries) as the list's.
export { labelsKey, routingAgentsKey, useLabels, useRoutingAgents } from '../list/api';

export const scheduledKey = (ws: string, id: string) => ['workspace', ws, 'inbox', 'scheduled', id] as const;

function replaceConversation(qc: ReturnType<typeof useQueryClient>, ws: string, next: ConversationDto) {
  patchConversation(qc, ws, next.id, (c) => ({ ...c, ...next }));
  qc.setQueryData(conversationKey(ws, next.id), next);
}

/** After a change: the lists (filters, order) and the thread (a new activity line) follow. */
function refresh(qc: ReturnType<typeof useQueryClient>, ws: string, id: string) {
  void qc.invalidateQueries({ queryKey: conversationListsKey(ws) });
  void qc.invalidateQueries({ queryKey: messagesKey(ws, id) });
}

export function useAssign(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; assigneeId: string | null; teamId?: string | null }) =>
      apiPost<ConversationDto>(convPath(ws, id, '/assignment'), body),
    onSuccess: (c) => replaceConversation(qc, ws, c),
    onSettled: (_c, _e, { id }) => refresh(qc, ws, id),
  });
}

export function useTake(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiPost<ConversationDto>(convPath(ws, id, '/take')),
    onSuccess: (c) => replaceConversation(qc, ws, c),
    onError: (error, id) => {
      if (isApiError(error, 'already_assigned') || (isApiError(error) && error.status === 409)) {
        notifications.show({
          color: 'orange',
          message: i18n.t('thread:header.alreadyTaken'),
          autoClose: 6000,
        });
        void qc.invalidateQueries({ queryKey: conversationKey(ws, id) });
      }
    },
    onSettled: (_c, _e, id) => refresh(qc, ws, id),
    meta: { inlineErrors: ['already_assigned', 'conflict'] },
  });
}

export function useSetConversationStatus(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string } & StatusRequest) =>
      apiPost<void>(convPath(ws, id, '/status'), body),
    onMutate: ({ id, ...body }) => {
      const previous = qc.getQueryData<ConversationDto>(conversationKey(ws, id));
      patchConversation(qc, ws, id, (c) => ({
        ...c,
        status: body.status,
        snoozedUntil: body.status === 'snoozed' ? body.snoozedUntil : null,
      }));
      return { previous };
    },
    onError: (_e, { id }, context) => {
      if (context?.previous) qc.setQueryData(conversationKey(ws, id), context.previous);
    },
    onSettled: (_v, _e, { id }) => {
      refresh(qc, ws, id);
      void qc.invalidateQueries({ queryKey: conversationKey(ws, id) });
    },
  });
}

export function useSetPriority(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, priority }: { id: string; priority: Priority }) =>
      apiPost<void>(convPath(ws, id, '/priority'), { priority }),
    onMutate: ({ id, priority }) => {
      const previous = qc.getQueryData<ConversationDto>(conversationKey(ws, id));
      patchConversation(qc, ws, id, (c) => ({ ...c, priority }));
      return { previous };
    },
    onError: (_e, { id }, context) => {
      if (context?.previous) patchConversation(qc, ws, id, () => context.previous as ConversationDto);
    },
    onSettled: (_v, _e, { id }) => refresh(qc, ws, id),
  });
}

export function useSetLabels(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, labelIds }: { id: string; labelIds: string[] }) =>
      apiPut<{ labelIds: string[] }>(convPath(ws, id, '/labels'), { labelIds }),
    onMutate: ({ id, labelIds }) => {
      const previous = qc.getQueryData<ConversationDto>(conversationKey(ws, id))?.labelIds;
      patchConversation(qc, ws, id, (c) => ({ ...c, labelIds }));
      return { previous };
    },
    onSuccess: ({ labelIds }, { id }) => patchConversation(qc, ws, id, (c) => ({ ...c, labelIds })),
    onError: (_e, { id }, context) => {
      const previous = context?.previous;
      if (previous) patchConversation(qc, ws, id, (c) => ({ ...c, labelIds: previous }));
    },
    onSettled: () => qc.invalidateQueries({ queryKey: conversationListsKey(ws) }),
  });
}

export function useMarkUnread(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiPost<void>(convPath(ws, id, '/unread')),
    onSuccess: (_v, id) => {
      patchConversation(qc, ws, id, (c) => ({ ...c, isUnread: true }));
      notifications.show({ color: 'teal', message: i18n.t('thread:header.markedUnread'), autoClose: 3000 });
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: conversationListsKey(ws) });
      void qc.invalidateQueries({ queryKey: unreadSummaryKey(ws) });
    },
  });
}

export function useAddNote(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => apiPost<MessageDto>(convPath(ws, conversationId, '/notes'), { text }),
    onSuccess: (message) => upsertMessage(qc, ws, message),
    meta: { inlineErrors: ['validation_failed'] },
  });
}

export function useScheduled(ws: string, conversationId: string) {
  return useQuery({
    queryKey: scheduledKey(ws, conversationId),
    queryFn: () => apiGet<z.infer<typeof scheduledListResponse>>(convPath(ws, conversationId, '/scheduled')),
  });
}

export function useScheduleMessage(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { sendAt: string; text: string; replyToMessageId?: string; previewUrl?: boolean }) =>
      apiPost<ScheduledMessageDto>(convPath(ws, conversationId, '/scheduled'), {
        sendAt: body.sendAt,
        message: {
          text: body.text,
          ...(body.previewUrl ? { previewUrl: true } : {}),
          ...(body.replyToMessageId ? { replyToMessageId: body.replyToMessageId } : {}),
        },
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: scheduledKey(ws, conversationId) }),
  });
}

export function useCancelScheduled(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (scheduledId: string) =>
      apiDelete(convPath(ws, conversationId, `/scheduled/${enc(scheduledId)}`)),
    onMutate: (scheduledId) => {
      qc.setQueryData<z.infer<typeof scheduledListResponse>>(scheduledKey(ws, conversationId), (data) =>
        data ? { scheduled: data.scheduled.filter((s) => s.id !== scheduledId) } : data,
      );
    },
    onSuccess: () =>
      notifications.show({ color: 'teal', message: i18n.t('thread:schedule.cancelled'), autoClose: 3000 }),
    onSettled: () => qc.invalidateQueries({ queryKey: scheduledKey(ws, conversationId) }),
  });
}
