import type { CreateTemplateRequest, TemplateDto } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiDelete, apiGet, apiPost, apiUpload, type UploadProgress, workspacePath } from '../../lib/api';
import { type TemplateList, templatesKey } from '../channels/api';

export type { TemplateDto };

/** The list refetches on `template.updated` (realtime.ts); this slow poll covers a missed event. */
export const FALLBACK_POLL_MS = 30_000;

const enc = encodeURIComponent;

/**
 * Every template of a channel, whatever its status. Under the channel's templates key, so a sync
 * (here or in the channel settings) and `template.updated` refresh it; polled every 30 s as a
 * fallback.
 */
export function useTemplates(ws: string, channelId: string | null) {
  return useQuery({
    queryKey: templatesKey(ws, channelId ?? ''),
    queryFn: () =>
      apiGet<TemplateList>(workspacePath(ws, `/templates?channelId=${enc(channelId ?? '')}`)).then(
        (list) => list,
      ),
    enabled: !!channelId,
    refetchInterval: FALLBACK_POLL_MS,
  });
}

/** Refetches every template list of the workspace (the composer's and the channel page's too). */
export function invalidateTemplates(qc: ReturnType<typeof useQueryClient>, ws: string) {
  return qc.invalidateQueries({
    predicate: (query) =>
      query.queryKey[0] === 'workspace' && query.queryKey[1] === ws && query.queryKey.includes('templates'),
  });
}

/** Error codes the create form shows at its fields or in its alert (no toast). */
export const createErrors = [
  'validation_failed',
  'template_rules_broken',
  'template_exists',
  'template_refused',
  'whatsapp_unreachable',
];

/**
 * Submits a new template for Meta's review. Errors: `template_rules_broken` (issues with `rule`),
 * `template_exists` (409), `template_refused` (Meta said no).
 */
export function useCreateTemplate(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { channelId: string; draft: CreateTemplateRequest }) =>
      apiPost<TemplateDto>(workspacePath(ws, `/channels/${enc(input.channelId)}/templates`), input.draft),
    meta: { inlineErrors: createErrors },
    onSettled: () => invalidateTemplates(qc, ws),
  });
}

/** Deletes one template (this language) at Meta and here. The dialog shows `template_refused` itself. */
export function useDeleteTemplate(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(workspacePath(ws, `/templates/${enc(id)}`)),
    meta: { inlineErrors: ['template_refused'] },
    onSettled: () => invalidateTemplates(qc, ws),
  });
}

/** Fetches the channel's templates from WhatsApp now. The page shows the error itself. */
export function useSyncChannelTemplates(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (channelId: string) =>
      apiPost<{ synced: number }>(workspacePath(ws, `/channels/${enc(channelId)}/templates/sync`)),
    meta: { inlineErrors: ['*'] },
    onSettled: () => invalidateTemplates(qc, ws),
  });
}

/** The server's answer to a header sample upload: Meta's handle for `header.mediaHandle`. */
export type HeaderSample = { handle: string; fileName: string; mimeType: string; size: number };

/**
 * Uploads the sample file of a media header (multipart, part "file") with progress; the server passes
 * it to Meta. Errors: `media_type_unsupported` (415), `media_too_large` (413, `details.maxBytes`),
 * `template_sample_refused` (Meta said no or did not answer).
 */
export function uploadHeaderSample(
  ws: string,
  channelId: string,
  format: 'IMAGE' | 'VIDEO' | 'DOCUMENT',
  file: File,
  opts: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<HeaderSample> {
  const form = new FormData();
  form.append('file', file, file.name);
  return apiUpload<HeaderSample>(
    workspacePath(ws, `/channels/${enc(channelId)}/templates/header-sample?format=${format}`),
    form,
    opts,
  );
}
