import type { ImportReport } from '@parley/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** +4915112345678 → "+49 151 12345678" (international format); anything else as it is. */
export function formatPhone(e164: string | null): string {
  if (!e164) return '';
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** The columns a CSV column can go to: the fixed fields, then each custom field as `attr:<key>`. */
export function mappingTargets(attributeKeys: string[]): string[] {
  return ['ignore', 'name', 'phone', 'email', 'labels', ...attributeKeys.map((k) => `attr:${k}`)];
}

/** A mapping for every header: the suggestion where there is one, else ignore. */
export function initialMapping(headers: string[], suggested: Record<string, string>): Record<string, string> {
  return Object.fromEntries(headers.map((h) => [h, suggested[h] ?? 'ignore']));
}

/** Whether a mapping can be imported: exactly one column is the phone number. */
export function mappingProblem(mapping: Record<string, string>): 'no_phone' | 'two_phones' | null {
  const phones = Object.values(mapping).filter((v) => v === 'phone').length;
  return phones === 0 ? 'no_phone' : phones > 1 ? 'two_phones' : null;
}

/** The rejected rows as a CSV to download (row, reason code, the reason in words, detail). */
export function rejectedCsv(report: ImportReport, reasonText: (code: string) => string): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = ['row,reason,explanation,detail'];
  for (const r of report.rejected)
    lines.push([String(r.row), r.reason, reasonText(r.reason), r.detail ?? ''].map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
