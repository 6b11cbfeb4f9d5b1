import type {
  ChannelDto,
  ConversationDto,
  channelListResponse,
  contactDto,
  conversationListResponse,
  MessageDto,
  messageListResponse,
} from '@parley/contracts';
import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPost, workspacePath } from '../../lib/api';

export type { ChannelDto, ConversationDto, MessageDto };
export type ConversationStatus = ConversationDto['status'];
export type AssigneeFilter = 'me' | 'unassigned' | 'all';
export type ConversationPage = z.infer<typeof conversationListResponse>;
export type MessagePage = z.infer<typeof messageListResponse>;
export type ContactDetails = z.infer<typeof contactDto>;
type ChannelList = z.infer<typeof channelListResponse>;

export const inboxKey = (ws: string) => ['workspace', ws, 'inbox'] as const;
export const channelsKey = (ws: string) => [...inboxKey(ws), 'channels'] as const;
export const conversationListsKey = (ws: string) => [...inboxKey(ws), 'conversations'] as const;
/** One list per status, assignee filter and search text (`''`: no search), so results are cached per query. */
export const conversationListKey = (
  ws: string,
  status: ConversationStatus,
  assignee: AssigneeFilter,
  q = '',
) => [...conversationListsKey(ws), status, assignee, q] as const;
export const unreadSummaryKey = (ws: string) => [...conversationListsKey(ws), 'summary'] as const;
export const conversationKey = (ws: string, id: string) => [...inboxKey(ws), 'conversation', id] as const;
export const messagesKey = (ws: string, id: string) => [...inboxKey(ws), 'messages', id] as const;
export const contactKey = (ws: string, id: string) => [...inboxKey(ws), 'contact', id] as const;

const enc = encodeURIComponent;

export function useChannels(ws: string) {
  return useQuery({
    queryKey: channelsKey(ws),
    queryFn: () => apiGet<ChannelList>(workspacePath(ws, '/channels')),
    staleTime: 5 * 60_000,
  });
}

/** A page of conversations; `q` (trimmed, may be empty) searches names, numbers and message words. */
export function useConversationList(
  ws: string,
  status: ConversationStatus,
  assignee: AssigneeFilter,
  q = '',
) {
  const search = q.trim();
  return useInfiniteQuery({
    queryKey: conversationListKey(ws, status, assignee, search),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ status, assignee, limit: '50' });
      if (search) params.set('q', search);
      if (pageParam) params.set('before', pageParam);
      return apiGet<ConversationPage>(workspacePath(ws, `/conversations?${params}`));
    },
    initialPageParam: undefined as string | undefined,
    // With `q` the server may answer without a cursor (one page of the best matches).
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While the next search runs, the previous results stay (no flash of the skeleton).
    placeholderData: search ? (previous) => previous : undefined,
  });
}

/** The 100 most recently active conversations of any status: the unread total of the tab title. */
export function useUnreadSummary(ws: string) {
  return useQuery({
    queryKey: unreadSummaryKey(ws),
    queryFn: () =>
      apiGet<ConversationPage>(workspacePath(ws, '/conversations?assignee=all&limit=100')).then((page) =>
        page.conversations.reduce((sum, c) => sum + c.unreadCount, 0),
      ),
  });
}

export function useConversation(ws: string, id: string | undefined) {
  return useQuery({
    queryKey: conversationKey(ws, id ?? ''),
    queryFn: () => apiGet<ConversationDto>(workspacePath(ws, `/conversations/${enc(id ?? '')}`)),
    enabled: !!id,
    meta: { inlineErrors: ['not_found'] },
  });
}

export function useMessages(ws: string, id: string) {
  return useInfiniteQuery({
    queryKey: messagesKey(ws, id),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '50' });
      if (pageParam) params.set('before', pageParam);
      return apiGet<MessagePage>(workspacePath(ws, `/conversations/${enc(id)}/messages?${params}`));
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    meta: { inlineErrors: ['not_found'] },
  });
}

export function useContact(ws: string, contactId: string | undefined) {
  return useQuery({
    queryKey: contactKey(ws, contactId ?? ''),
    queryFn: () => apiGet<ContactDetails>(workspacePath(ws, `/contacts/${enc(contactId ?? '')}`)),
    enabled: !!contactId,
  });
}

// ---- cache helpers (shared by mutations and realtime events) ----

const statusRank: Record<MessageDto['status'], number> = {
  unknown: 0,
  received: 0,
  pending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 5,
};

/**
 * The newer of two copies of one message (events may arrive out of order): the later `updatedAt` wins;
 * on a tie, the further status (statuses only move forward, except when a failed message is retried,
 * which gives it a new `updatedAt`).
 */
function newer(existing: MessageDto, incoming: MessageDto): MessageDto {
  if (incoming.updatedAt !== existing.updatedAt)
    return incoming.updatedAt > existing.updatedAt ? incoming : existing;
  return statusRank[incoming.status] >= statusRank[existing.status] ? incoming : existing;
}

const optimisticPrefix = 'optimistic-';
let optimisticCounter = 0;

/** Inserts or updates a message in the cached pages (deduplicated by id; `replaceId` drops an optimistic copy). */
export function upsertMessage(qc: QueryClient, ws: string, message: MessageDto, replaceId?: string): void {
  qc.setQueryData<InfiniteData<MessagePage, string | undefined>>(
    messagesKey(ws, message.conversationId),
    (data) => {
      if (!data) return data;
      let found = false;
      const pages = data.pages.map((page) => {
        const messages: MessageDto[] = [];
        for (const m of page.messages) {
          if (replaceId && m.id === replaceId) continue;
          if (m.id === message.id) {
            found = true;
            messages.push(newer(m, message));
          } else messages.push(m);
        }
        return { ...page, messages };
      });
      if (!found && !replaceId && message.direction === 'outbound') {
        // The socket can be faster than the POST's answer: the event takes the optimistic copy's place.
        for (const [i, page] of pages.entries()) {
          const index = page.messages.findIndex(
            (m) => m.id.startsWith(optimisticPrefix) && m.type === message.type && m.text === message.text,
          );
          if (index === -1) continue;
          const next = [...page.messages];
          next[index] = message;
          pages[i] = { ...page, messages: next };
          found = true;
          break;
        }
      }
      if (!found && pages[0]) {
        // Newest first: insert by createdAt so a late event lands in its place.
        const first = pages[0].messages;
        const index = first.findIndex((m) => m.createdAt <= message.createdAt);
        const next = [...first];
        next.splice(index === -1 ? next.length : index, 0, message);
        pages[0] = { ...pages[0], messages: next };
      }
      return { ...data, pages };
    },
  );
}

export function removeMessage(qc: QueryClient, ws: string, conversationId: string, id: string): void {
  qc.setQueryData<InfiniteData<MessagePage, string | undefined>>(messagesKey(ws, conversationId), (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({ ...page, messages: page.messages.filter((m) => m.id !== id) })),
        }
      : data,
  );
}

/** Applies a change to a conversation wherever it is cached (detail and every list). */
export function patchConversation(
  qc: QueryClient,
  ws: string,
  id: string,
  patch: (c: ConversationDto) => ConversationDto,
): void {
  qc.setQueryData<ConversationDto>(conversationKey(ws, id), (c) => (c ? patch(c) : c));
  qc.setQueriesData<InfiniteData<ConversationPage, string | undefined>>(
    { queryKey: conversationListsKey(ws) },
    (data) =>
      data?.pages
        ? {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              conversations: page.conversations.map((c) => (c.id === id ? patch(c) : c)),
            })),
          }
        : data,
  );
}

/** A conversation from the cache (detail or any list), without a request. */
export function findCachedConversation(qc: QueryClient, ws: string, id: string): ConversationDto | undefined {
  const detail = qc.getQueryData<ConversationDto>(conversationKey(ws, id));
  if (detail) return detail;
  for (const [, data] of qc.getQueriesData<InfiniteData<ConversationPage>>({
    queryKey: conversationListsKey(ws),
  })) {
    for (const page of data?.pages ?? []) {
      const found = page.conversations.find((c) => c.id === id);
      if (found) return found;
    }
  }
  return undefined;
}

// ---- mutations ----

export function useMarkRead(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiPost<void>(workspacePath(ws, `/conversations/${enc(id)}/read`)),
    onMutate: (id) => patchConversation(qc, ws, id, (c) => ({ ...c, unreadCount: 0 })),
    onSettled: () => qc.invalidateQueries({ queryKey: unreadSummaryKey(ws) }),
    meta: { inlineErrors: ['*'] },
  });
}

export function useSetStatus(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: 'open' | 'pending' | 'resolved' }) =>
      apiPost<void>(workspacePath(ws, `/conversations/${enc(id)}/status`), { status }),
    onSuccess: (_void, { id, status }) => patchConversation(qc, ws, id, (c) => ({ ...c, status })),
    onSettled: () => qc.invalidateQueries({ queryKey: conversationListsKey(ws) }),
  });
}

export type SendInput = {
  text: string;
  replyTo?: MessageDto | null;
  senderUserId: string;
  /** Ask WhatsApp to show a preview of the first link. */
  previewUrl?: boolean;
};

export function useSendMessage(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ text, replyTo, previewUrl }: SendInput) =>
      apiPost<MessageDto>(workspacePath(ws, `/conversations/${enc(conversationId)}/messages`), {
        text,
        ...(previewUrl ? { previewUrl: true } : {}),
        ...(replyTo ? { replyToMessageId: replyTo.id } : {}),
      }),
    onMutate: ({ text, replyTo, senderUserId }) => {
      const now = new Date().toISOString();
      const optimistic: MessageDto = {
        // Not crypto.randomUUID(): it is missing on plain-http origins (a LAN install).
        id: `${optimisticPrefix}${Date.now()}-${++optimisticCounter}`,
        conversationId,
        direction: 'outbound',
        kind: 'message',
        type: 'text',
        text,
        content: null,
        status: 'pending',
        providerMessageId: null,
        replyToProviderId: replyTo?.providerMessageId ?? null,
        errorCode: null,
        errorTitle: null,
        retryable: false,
        media: null,
        senderUserId,
        createdAt: now,
        updatedAt: now,
        sentAt: null,
        deliveredAt: null,
        readAt: null,
      };
      upsertMessage(qc, ws, optimistic);
      return { optimisticId: optimistic.id };
    },
    onSuccess: (message, _input, context) => upsertMessage(qc, ws, message, context?.optimisticId),
    onError: (_error, _input, context) => {
      if (context) removeMessage(qc, ws, conversationId, context.optimisticId);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: conversationListsKey(ws) }),
    meta: { inlineErrors: ['reply_window_closed', 'validation_failed'] },
  });
}

/** Sends a failed message again: it goes back to pending (a newer `updatedAt` replaces the failed copy). */
export function useRetryMessage(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (messageId: string) =>
      apiPost<MessageDto>(
        workspacePath(ws, `/conversations/${enc(conversationId)}/messages/${enc(messageId)}/retry`),
      ),
    onSuccess: (message) => upsertMessage(qc, ws, message),
    // 409: it was retried elsewhere or cannot be retried (any more): show the current state.
    onError: () => qc.invalidateQueries({ queryKey: messagesKey(ws, conversationId) }),
  });
}

/** Reacts to a message of the conversation with an emoji; `''` removes our reaction. */
export function useReact(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ messageId, emoji }: { messageId: string; emoji: string }) =>
      apiPost<MessageDto>(workspacePath(ws, `/conversations/${enc(conversationId)}/messages`), {
        reaction: { messageId, emoji },
      }),
    onSuccess: (message) => upsertMessage(qc, ws, message),
  });
}
