import type {
  ContactListResponse,
  ContactNoteDto,
  ContactProfileDto,
  CreateContactRequest,
  CustomAttributeDto,
  customAttributeListResponse,
  ImportPreviewResponse,
  ImportReport,
  UpdateContactRequest,
} from '@parley/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  apiDelete,
  apiGet,
  apiPatch,
  apiPost,
  apiPut,
  apiUpload,
  type UploadProgress,
  workspacePath,
} from '../../lib/api';
import { formErrors } from '../../lib/query-client';

export type ContactFilters = {
  q: string;
  labelId: string | null;
  blocked: boolean | null;
  sort: 'recent' | 'created';
};

export const contactsKey = (ws: string) => ['workspace', ws, 'contacts'] as const;
const contactKey = (ws: string, id: string) => ['workspace', ws, 'contacts', 'one', id] as const;
const attributesKey = (ws: string) => ['workspace', ws, 'contact-attributes'] as const;
const contactPath = (ws: string, id: string, rest = '') =>
  workspacePath(ws, `/contacts/${encodeURIComponent(id)}${rest}`);

/** The query string of the list and of the export (the same search and filters). */
export function contactQuery(f: ContactFilters, cursor?: string): string {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.labelId) p.set('labelId', f.labelId);
  if (f.blocked !== null) p.set('blocked', String(f.blocked));
  p.set('sort', f.sort);
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

export function exportUrl(ws: string, f: ContactFilters): string {
  const p = new URLSearchParams(contactQuery(f));
  p.delete('sort'); // the export has no order of its own
  return `${workspacePath(ws, '/contacts/export')}${p.size ? `?${p}` : ''}`;
}

export function useContacts(ws: string, f: ContactFilters) {
  return useInfiniteQuery({
    queryKey: [...contactsKey(ws), 'list', f],
    queryFn: ({ pageParam }) =>
      apiGet<ContactListResponse>(`${workspacePath(ws, '/contacts')}?${contactQuery(f, pageParam)}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

export function useContact(ws: string, id: string) {
  return useQuery({
    queryKey: contactKey(ws, id),
    queryFn: () => apiGet<ContactProfileDto>(contactPath(ws, id)),
  });
}

export function useAttributes(ws: string) {
  return useQuery({
    queryKey: attributesKey(ws),
    queryFn: () =>
      apiGet<z.infer<typeof customAttributeListResponse>>(workspacePath(ws, '/contact-attributes')),
    staleTime: 5 * 60_000,
  });
}

/** After a change to one contact: its profile is the answer, the lists are fetched again. */
function useContactMutation<V>(ws: string, fn: (v: V) => Promise<ContactProfileDto>, inline: string[] = []) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    meta: { inlineErrors: [...formErrors, ...inline] },
    onSuccess: (profile) => qc.setQueryData(contactKey(ws, profile.id), profile),
    onSettled: () => qc.invalidateQueries({ queryKey: [...contactsKey(ws), 'list'] }),
  });
}

export const useCreateContact = (ws: string) =>
  useContactMutation(
    ws,
    (v: CreateContactRequest) => apiPost<ContactProfileDto>(workspacePath(ws, '/contacts'), v),
    ['contact_exists'],
  );
export const useUpdateContact = (ws: string, id: string) =>
  useContactMutation(ws, (v: UpdateContactRequest) => apiPatch<ContactProfileDto>(contactPath(ws, id), v));
export const useContactLabels = (ws: string, id: string) =>
  useContactMutation(ws, (labelIds: string[]) =>
    apiPut<ContactProfileDto>(contactPath(ws, id, '/labels'), { labelIds }),
  );
export const useBlockContact = (ws: string, id: string) =>
  useContactMutation(ws, (blocked: boolean) =>
    apiPost<ContactProfileDto>(contactPath(ws, id, blocked ? '/block' : '/unblock')),
  );
export const useMergeContact = (ws: string, id: string) =>
  useContactMutation(
    ws,
    (otherId: string) => apiPost<ContactProfileDto>(contactPath(ws, id, '/merge'), { otherId }),
    ['merge_conflict'],
  );

export function useContactNotes(ws: string, id: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: contactKey(ws, id) });
  return {
    add: useMutation({
      mutationFn: (text: string) => apiPost<ContactNoteDto>(contactPath(ws, id, '/notes'), { text }),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (noteId: string) => apiDelete(contactPath(ws, id, `/notes/${encodeURIComponent(noteId)}`)),
      onSettled: refresh,
    }),
  };
}

export function useSaveAttribute(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: Pick<CustomAttributeDto, 'key' | 'label' | 'type' | 'options'>) =>
      apiPost<CustomAttributeDto>(workspacePath(ws, '/contact-attributes'), v),
    meta: { inlineErrors: [...formErrors, 'attribute_key_taken'] },
    onSettled: () => qc.invalidateQueries({ queryKey: attributesKey(ws) }),
  });
}

export function useDeleteAttribute(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(workspacePath(ws, `/contact-attributes/${encodeURIComponent(id)}`)),
    onSettled: () => qc.invalidateQueries({ queryKey: attributesKey(ws) }),
  });
}

/** The first 64 KB of the file: encoding, headers, sample rows and a suggested mapping. */
export function previewImport(ws: string, file: File): Promise<ImportPreviewResponse> {
  const form = new FormData();
  form.append('file', file.slice(0, 64 * 1024), file.name);
  return apiUpload<ImportPreviewResponse>(workspacePath(ws, '/contacts/import/preview'), form);
}

/** The whole file with its options (text fields before the file: the server reads them first). */
export function uploadImport(
  ws: string,
  file: File,
  opts: { mapping: Record<string, string>; defaultCountry: string; onDuplicate: 'skip' | 'update' },
  onProgress: (p: UploadProgress) => void,
): Promise<ImportReport> {
  const form = new FormData();
  form.append('mapping', JSON.stringify(opts.mapping));
  form.append('defaultCountry', opts.defaultCountry);
  form.append('onDuplicate', opts.onDuplicate);
  form.append('file', file, file.name);
  return apiUpload<ImportReport>(workspacePath(ws, '/contacts/import'), form, { onProgress });
}
