import { type SQL, sql } from 'drizzle-orm';

/** A uuid[] parameter (ids are checked by the caller: only uuids). */
export const uuidArray = (ids: readonly string[]): SQL => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** A text[] parameter; every element quoted, so commas, quotes and braces in values are safe. */
export const textArray = (values: readonly string[]): SQL =>
  sql`${`{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`}::text[]`;

/**
 * Rows for a set-based statement (`update … from ${jsonRows(rows)} as v(id uuid, …) where …`): one
 * parameter however many rows, the same on PostgreSQL and PGlite. Dates become ISO strings.
 */
export const jsonRows = (rows: readonly Record<string, unknown>[]): SQL =>
  sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`;
