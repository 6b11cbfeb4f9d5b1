import type {
  ConsentEntryDto,
  ConsentHistoryResponse,
  ConsentSettingsDto,
  RecordConsentRequest,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPatch, apiPost, workspacePath } from '../../lib/api';
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

const settingsKey = (ws: string) => ['workspace', ws, 'consent-settings'] as const;

/** The workspace's opt-in/opt-out keywords and the texts of the double opt-in. */
export function useConsentSettings(ws: string) {
  return useQuery({
    queryKey: settingsKey(ws),
    queryFn: () => apiGet<ConsentSettingsDto>(workspacePath(ws, '/consent-settings')),
  });
}

export function useUpdateConsentSettings(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<ConsentSettingsDto>) =>
      apiPatch<ConsentSettingsDto>(workspacePath(ws, '/consent-settings'), body),
    meta: { inlineErrors: formErrors },
    onSuccess: (data) => qc.setQueryData(settingsKey(ws), data),
  });
}

/** The wa.me link that opens a chat with the number, the first opt-in keyword already typed. */
export function signUpLink(displayPhoneNumber: string, keyword: string): string {
  const digits = displayPhoneNumber.replace(/\D/g, '');
  return `https://wa.me/${digits}?text=${encodeURIComponent(keyword)}`;
}
