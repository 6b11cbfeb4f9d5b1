import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from './errors.js';

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes and statuses of the table in code', () => {
    const doc = fs.readFileSync(path.join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const code = Object.entries(errorCodes).map(([k, v]) => [k, v.status]);
    expect(rows).toEqual(code);
  });

  it('uses lower snake_case codes and 4xx/5xx statuses', () => {
    for (const [k, v] of Object.entries(errorCodes)) {
      expect(k).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(v.status).toBeGreaterThanOrEqual(400);
      expect(v.message.length).toBeGreaterThan(5);
    }
  });
});
