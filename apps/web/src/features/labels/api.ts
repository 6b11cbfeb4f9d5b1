import type { CreateLabelRequest, LabelDto, labelListResponse } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiDelete, apiGet, apiPatch, apiPost, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';

export type { LabelDto };

// The workspace's labels: the inbox, contacts and settings all use this key and query (one cache).
export const labelsKey = (ws: string) => ['workspace', ws, 'labels'] as const;
const labelPath = (ws: string, id: string) => workspacePath(ws, `/labels/${encodeURIComponent(id)}`);

export function useLabelList(ws: string) {
  return useQuery({
    queryKey: labelsKey(ws),
    queryFn: () => apiGet<z.infer<typeof labelListResponse>>(workspacePath(ws, '/labels')),
    staleTime: 5 * 60_000,
  });
}

/** Creates (no id) or changes a label; field errors and a taken name are shown in the form. */
export function useSaveLabel(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string | null; fields: Partial<CreateLabelRequest> }) =>
      input.id
        ? apiPatch<LabelDto>(labelPath(ws, input.id), input.fields)
        : apiPost<LabelDto>(workspacePath(ws, '/labels'), input.fields),
    meta: { inlineErrors: [...formErrors, 'label_name_taken'] },
    onSettled: () => qc.invalidateQueries({ queryKey: labelsKey(ws) }),
  });
}

export function useDeleteLabel(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(labelPath(ws, id)),
    onSettled: () =>
      // Conversations lose the label too.
      qc.invalidateQueries({
        predicate: (q) =>
          q.queryKey[0] === 'workspace' &&
          q.queryKey[1] === ws &&
          (q.queryKey[2] === 'labels' || q.queryKey[2] === 'inbox'),
      }),
  });
}
