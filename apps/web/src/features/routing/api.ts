import type {
  AgentRoutingDto,
  agentRoutingListResponse,
  ChannelRoutingDto,
  ChannelRoutingRequest,
  takeoverResponse,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPatch, apiPost, apiPut, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';
import type { MemberRoutingChanges } from './model';

export type { AgentRoutingDto, ChannelRoutingDto };
export type TakeoverResult = z.infer<typeof takeoverResponse>;

const enc = encodeURIComponent;
// The same key as the inbox and the presence menu: one cache for everyone's availability and load.
export const routingAgentsKey = (ws: string) => ['workspace', ws, 'routing', 'agents'] as const;
const channelRoutingKey = (ws: string, channelId: string) =>
  ['workspace', ws, 'routing', 'channel', channelId] as const;

export function useChannelRouting(ws: string, channelId: string) {
  return useQuery({
    queryKey: channelRoutingKey(ws, channelId),
    queryFn: () => apiGet<ChannelRoutingDto>(workspacePath(ws, `/channels/${enc(channelId)}/routing`)),
  });
}

export function useSaveChannelRouting(ws: string, channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChannelRoutingRequest) =>
      apiPut<ChannelRoutingDto>(workspacePath(ws, `/channels/${enc(channelId)}/routing`), body),
    meta: { inlineErrors: formErrors },
    onSuccess: (saved) => qc.setQueryData(channelRoutingKey(ws, channelId), saved),
    onSettled: () => qc.invalidateQueries({ queryKey: ['workspace', ws, 'routing'] }),
  });
}

/** Everyone's availability, load, capacity and absence, and the queue's length. */
export function useAgentRouting(ws: string) {
  return useQuery({
    queryKey: routingAgentsKey(ws),
    queryFn: () => apiGet<z.infer<typeof agentRoutingListResponse>>(workspacePath(ws, '/routing/agents')),
    refetchInterval: 30_000,
  });
}

/** The same list, quietly (pickers, the presence menu): an error (no permission) shows nothing. */
export function useRoutingAgents(ws: string) {
  return useQuery({
    queryKey: routingAgentsKey(ws),
    queryFn: () => apiGet<z.infer<typeof agentRoutingListResponse>>(workspacePath(ws, '/routing/agents')),
    staleTime: 60_000,
    retry: false,
    meta: { inlineErrors: ['*'] },
  });
}

export function useSaveMemberRouting(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { userId: string; changes: MemberRoutingChanges }) =>
      apiPatch<void>(workspacePath(ws, `/members/${enc(input.userId)}/routing`), input.changes),
    meta: { inlineErrors: formErrors },
    onSettled: () => qc.invalidateQueries({ queryKey: routingAgentsKey(ws) }),
  });
}

/** Moves `fromUserId`'s open and pending conversations to `toUserId`. */
export function useTakeover(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { fromUserId: string; toUserId: string }) =>
      apiPost<TakeoverResult>(workspacePath(ws, `/members/${enc(input.fromUserId)}/takeover`), {
        toUserId: input.toUserId,
      }),
    meta: { inlineErrors: [...formErrors, 'conflict', 'not_found'] },
    onSettled: () =>
      qc.invalidateQueries({
        predicate: (q) =>
          q.queryKey[0] === 'workspace' &&
          q.queryKey[1] === ws &&
          (q.queryKey[2] === 'routing' || q.queryKey[2] === 'inbox'),
      }),
  });
}
