import type {
  ChannelDto,
  CreateChannelRequest,
  channelListResponse,
  createChannelResponse,
  templateListResponse,
  UpdateChannelRequest,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPatch, apiPost, workspacePath } from '../../lib/api';

export type { ChannelDto };
export type CreateChannelInput = CreateChannelRequest;
export type CreatedChannel = z.infer<typeof createChannelResponse>;
export type UpdateChannelInput = UpdateChannelRequest;

export const channelsKey = (workspaceId: string) => ['workspace', workspaceId, 'channels'] as const;

/** Error codes the connect form shows itself (no toast). */
export const connectErrors = [
  'validation_failed',
  'whatsapp_credentials_rejected',
  'whatsapp_unreachable',
  'channel_phone_taken',
];

export function useChannels(workspaceId: string) {
  return useQuery({
    queryKey: channelsKey(workspaceId),
    queryFn: () => apiGet<z.infer<typeof channelListResponse>>(workspacePath(workspaceId, '/channels')),
  });
}

/** Refetches this page's list and any other channel list of the workspace (the inbox keeps its own). */
function invalidateChannelLists(queryClient: ReturnType<typeof useQueryClient>, workspaceId: string) {
  return queryClient.invalidateQueries({
    predicate: (query) =>
      query.queryKey[0] === 'workspace' &&
      query.queryKey[1] === workspaceId &&
      query.queryKey[query.queryKey.length - 1] === 'channels',
  });
}

export function useCreateChannel(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateChannelInput) =>
      apiPost<CreatedChannel>(workspacePath(workspaceId, '/channels'), input),
    meta: { inlineErrors: connectErrors },
    onSuccess: () => invalidateChannelLists(queryClient, workspaceId),
  });
}

/** Error codes the edit form shows itself (no toast). */
export const editErrors = [
  'validation_failed',
  'whatsapp_credentials_rejected',
  'whatsapp_unreachable',
  'conflict',
  'not_found',
];

/** Renames a number and/or renews its access token or app secret (fields left out stay as they are). */
export function useUpdateChannel(workspaceId: string, channelId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateChannelInput) =>
      apiPatch<ChannelDto>(workspacePath(workspaceId, `/channels/${encodeURIComponent(channelId)}`), input),
    meta: { inlineErrors: editErrors },
    onSuccess: () => invalidateChannelLists(queryClient, workspaceId),
  });
}

export type TemplateList = z.infer<typeof templateListResponse>;

export const templatesKey = (workspaceId: string, channelId: string) =>
  ['workspace', workspaceId, 'templates', channelId] as const;

/** The synced templates of one channel (every status). */
export function useChannelTemplates(workspaceId: string, channelId: string) {
  return useQuery({
    queryKey: templatesKey(workspaceId, channelId),
    queryFn: () =>
      apiGet<TemplateList>(
        workspacePath(workspaceId, `/templates?channelId=${encodeURIComponent(channelId)}`),
      ),
  });
}

/** Fetches the channel's templates from WhatsApp now; the list is refetched afterwards. */
export function useSyncTemplates(workspaceId: string, channelId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiPost<{ synced: number }>(
        workspacePath(workspaceId, `/channels/${encodeURIComponent(channelId)}/templates/sync`),
      ),
    // The card shows the error itself.
    meta: { inlineErrors: ['*'] },
    onSettled: () =>
      queryClient.invalidateQueries({
        predicate: (query) =>
          query.queryKey[0] === 'workspace' &&
          query.queryKey[1] === workspaceId &&
          query.queryKey.includes('templates'),
      }),
  });
}
