import type { ConsentEntryDto, ConsentHistoryResponse, RecordConsentRequest } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';

const consentsKey = (ws: string, contactId: string) =>
  ['workspace', ws, 'contacts', 'consents', contactId] as const;
const path = (ws: string, contactId: string) =>
  workspacePath(ws, `/contacts/${encodeURIComponent(contactId)}/consents`);

/** A contact's consent ledger and current state per purpose. */
export function useConsents(ws: string, contactId: string) {
  return useQuery({
    queryKey: consentsKey(ws, contactId),
    queryFn: () => apiGet<ConsentHistoryResponse>(path(ws, contactId)),
  });
}

/** Appends an entry (the ledger never changes an old one). */
export function useRecordConsent(ws: string, contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RecordConsentRequest) => apiPost<ConsentEntryDto>(path(ws, contactId), body),
    meta: { inlineErrors: formErrors },
    onSettled: () => qc.invalidateQueries({ queryKey: consentsKey(ws, contactId) }),
  });
}
