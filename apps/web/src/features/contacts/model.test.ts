import { describe, expect, it } from 'vitest';
import { formatPhone, initialMapping, mappingProblem, mappingTargets, rejectedCsv } from './model';

describe('contacts model', () => {
  it('formats E.164 numbers for reading and leaves others alone', () => {
    expect(formatPhone('+4915112345678')).toBe('+49 1511 2345678');
    expect(formatPhone(null)).toBe('');
    expect(formatPhone('nonsense')).toBe('nonsense');
  });

  it('maps every header, ignoring the unknown ones, and needs exactly one phone column', () => {
    const m = initialMapping(['Kunde', 'Handy', 'Notiz'], { Kunde: 'name', Handy: 'phone' });
    expect(m).toEqual({ Kunde: 'name', Handy: 'phone', Notiz: 'ignore' });
    expect(mappingProblem(m)).toBeNull();
    expect(mappingProblem({ ...m, Handy: 'ignore' })).toBe('no_phone');
    expect(mappingProblem({ ...m, Notiz: 'phone' })).toBe('two_phones');
    expect(mappingTargets(['tier'])).toContain('attr:tier');
  });

  it('writes the rejected rows as CSV with quoting', () => {
    const csv = rejectedCsv(
      {
        imported: 0,
        updated: 0,
        skipped: 0,
        rejectedCount: 1,
        encoding: 'UTF-8',
        rejected: [{ row: 3, reason: 'formula', detail: 'Kunde, "x"' }],
      },
      (c) => `text of ${c}`,
    );
    expect(csv).toBe('row,reason,explanation,detail\r\n3,formula,text of formula,"Kunde, ""x"""\r\n');
  });
});
