import type {
  MediaDto,
  MessageDto,
  SendMediaRequest,
  SendTemplateRequest,
  TemplateDto,
  templateListResponse,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPost, apiUpload, type UploadProgress, workspacePath } from '../../../lib/api';
import { templatesKey } from '../../channels/api';
import { conversationListsKey, upsertMessage } from '../api';

export type { MediaDto, TemplateDto, UploadProgress };

type TemplateList = z.infer<typeof templateListResponse>;

const enc = encodeURIComponent;

/**
 * The APPROVED templates of a channel. Under the channel's templates key, so a sync (also the one in
 * the channel settings) refreshes it.
 */
export function useApprovedTemplates(ws: string, channelId: string) {
  return useQuery({
    queryKey: [...templatesKey(ws, channelId), 'APPROVED'],
    queryFn: () =>
      apiGet<TemplateList>(
        workspacePath(ws, `/templates?${new URLSearchParams({ status: 'APPROVED', channelId })}`),
      ).then((list) => list.templates),
    staleTime: 60_000,
  });
}

/**
 * Uploads one file for sending (`POST …/media`, multipart part `file`) with progress. Errors: ApiError
 * `media_too_large` (413, `details.maxBytes`), `media_type_unsupported` (415), …; AbortError on cancel.
 */
export function uploadMedia(
  ws: string,
  file: File,
  mime: string,
  opts: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal },
): Promise<MediaDto> {
  const form = new FormData();
  // The part carries the type WhatsApp knows the file by (a browser may call it image/jpg or give none).
  const typed = file.type === mime ? file : new File([file], file.name, { type: mime });
  form.append('file', typed, file.name);
  return apiUpload<MediaDto>(workspacePath(ws, '/media'), form, opts);
}

type SendBody = SendTemplateRequest | SendMediaRequest;

/**
 * Sends a template or an uploaded file. The message joins the conversation with the 202 answer (or
 * earlier through the socket; both are deduplicated by id). The caller shows errors at its fields.
 */
export function useSendComposed(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SendBody) =>
      apiPost<MessageDto>(workspacePath(ws, `/conversations/${enc(conversationId)}/messages`), body),
    onSuccess: (message) => upsertMessage(qc, ws, message),
    onSettled: () => qc.invalidateQueries({ queryKey: conversationListsKey(ws) }),
    meta: { inlineErrors: ['*'] },
  });
}
