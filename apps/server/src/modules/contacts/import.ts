import { Readable, type Transform } from 'node:stream';
import type {
  ImportMapping,
  ImportPreviewResponse,
  ImportRejectReason,
  ImportReport,
} from '@parley/contracts';
import { CsvError, parse } from 'csv-parse';
import { and, eq, inArray, sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import type { AppContext } from '../../context.js';
import { contactLabels, contacts, labels } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordAudit } from '../audit/service.js';
import { contactSearchTokens } from '../search/hash.js';
import {
  type CsvEncoding,
  detectDelimiter,
  detectEncoding,
  looksLikeFormula,
  suggestMapping,
  unescapeCell,
} from './csv.js';
import {
  attributeDefinitions,
  attributeProblem,
  decryptAttributes,
  encryptAttributes,
  mergeAttributes,
  normalizePhone,
} from './service.js';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;
const BATCH = 500;
const MAX_REPORTED = 1000;
const MAX_CELL = 1000;
const ENCODING_NAMES: Record<CsvEncoding, string> = {
  utf8: 'UTF-8',
  utf16le: 'UTF-16LE',
  utf16be: 'UTF-16BE',
  windows1252: 'Windows-1252',
};

const encodingError = () =>
  new AppError(
    'csv_encoding',
    undefined,
    'The file is not a text CSV in UTF-8, UTF-16 or Latin-1/Windows-1252. Save it as "CSV UTF-8" and try again.',
  );

/** Reads the first bytes of a stream and gives back a stream that still yields all of them. */
async function peek(source: AsyncIterable<Buffer>, bytes: number): Promise<{ head: Buffer; rest: Readable }> {
  const it = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}

/**
 * The records of a parser stream, one by one with backpressure; a parse error comes after every record
 * that parsed before it (an async iterator over the stream would drop those).
 */
async function* recordsOf(stream: ReturnType<typeof parse>): AsyncGenerator<string[]> {
  const queue: string[][] = [];
  let error: unknown = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (r: string[]) => {
    queue.push(r);
    if (queue.length >= 1000) stream.pause();
    poke();
  });
  stream.on('error', (err) => {
    error = err;
    poke();
  });
  stream.on('end', () => {
    ended = true;
    poke();
  });
  for (;;) {
    const next = queue.shift();
    if (next) {
      if (queue.length < 100 && stream.isPaused()) stream.resume();
      yield next;
      continue;
    }
    if (error) throw error;
    if (ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

function parser(delimiter: string) {
  return parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    // Quotes inside an unquoted cell (`=HYPERLINK("x")`, `12" Pizza`) are text, as Excel reads them.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: 64 * 1024,
    trim: true,
  });
}

/** Headers, a few rows, the encoding and the suggested mapping, from the first 64 KB. */
export async function previewImport(
  ctx: AppContext,
  member: Member,
  file: AsyncIterable<Buffer>,
): Promise<ImportPreviewResponse> {
  const { head, rest } = await peek(file, HEAD_BYTES);
  rest.resume();
  const enc = detectEncoding(head);
  if (!enc) throw encodingError();
  const text = iconv.decode(head, enc.encoding, { stripBOM: true });
  // Only complete lines of the sample.
  const cut = head.length >= HEAD_BYTES ? text.slice(0, Math.max(text.lastIndexOf('\n'), 0)) : text;
  const delimiter = detectDelimiter(cut.split(/\r?\n/, 1)[0] ?? '');
  const rows: string[][] = [];
  try {
    const p = parser(delimiter);
    p.end(cut);
    for await (const r of p) {
      rows.push(r as string[]);
      if (rows.length > 6) break;
    }
  } catch {
    // A sample cut inside a quoted field: show what parsed.
  }
  const headers = rows[0] ?? [];
  const defs = await attributeDefinitions(ctx.db, member.workspaceId);
  return {
    encoding: ENCODING_NAMES[enc.encoding],
    delimiter,
    headers,
    sample: rows.slice(1, 6),
    suggestedMapping: suggestMapping(headers, defs),
  };
}

type Candidate = {
  row: number;
  e164: string;
  waId: string;
  name: string | null;
  email: string | null;
  labels: string[];
  attributes: Record<string, string | number | boolean>;
};

export type ImportOptions = {
  mapping?: ImportMapping;
  defaultCountry: string;
  onDuplicate: 'skip' | 'update';
};

/** A 52-bit number from a hash string: the in-file duplicate set stays small (bounded memory per row). */
function shortKey(hash: string): number {
  return Number.parseInt(Buffer.from(hash, 'base64url').subarray(0, 6).toString('hex'), 16);
}

/**
 * Imports a contacts CSV while it uploads: decoded (UTF-8, UTF-16, Latin-1 detected), parsed as a
 * stream, validated row by row, written in batches of 500 (one transaction each). Memory stays
 * bounded whatever the size: only the current batch, the first 1000 rejections and a small number per
 * row (to find duplicates inside the file) are kept. A malformed row stops the import there; what came
 * before is kept and the report says where it stopped.
 */
export async function importContacts(
  ctx: AppContext,
  member: Member,
  file: AsyncIterable<Buffer>,
  opts: ImportOptions,
  ipPrefix: string | null,
): Promise<ImportReport> {
  const ws = member.workspaceId;
  const { head, rest } = await peek(file, HEAD_BYTES);
  const enc = detectEncoding(head);
  if (!enc) {
    rest.resume();
    throw encodingError();
  }
  const headText = iconv.decode(head, enc.encoding, { stripBOM: true });
  const delimiter = detectDelimiter(headText.split(/\r?\n/, 1)[0] ?? '');
  const defs = await attributeDefinitions(ctx.db, ws);
  const hash = await ctx.keyring.blindIndexer(ctx.db, ws, 'contacts.wa_id');
  const report: ImportReport = {
    imported: 0,
    updated: 0,
    skipped: 0,
    rejectedCount: 0,
    rejected: [],
    encoding: ENCODING_NAMES[enc.encoding],
  };
  const reject = (row: number, reason: ImportRejectReason, detail?: string) => {
    report.rejectedCount++;
    if (report.rejected.length < MAX_REPORTED)
      report.rejected.push({ row, reason, ...(detail ? { detail } : {}) });
  };
  const seen = new Set<number>();
  const labelIds = new Map<string, string>();
  let batch: Candidate[] = [];

  const labelIdOf = async (name: string): Promise<string> => {
    const key = name.toLowerCase();
    const known = labelIds.get(key);
    if (known) return known;
    await ctx.db.insert(labels).values({ workspaceId: ws, name, color: '#64748b' }).onConflictDoNothing();
    const [l] = await ctx.db
      .select({ id: labels.id })
      .from(labels)
      .where(and(eq(labels.workspaceId, ws), sql`lower(${labels.name}) = ${key}`));
    labelIds.set(key, l!.id);
    return l!.id;
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const hashes = rows.map((r) => hash(r.waId));
    const existing = await ctx.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ws), inArray(contacts.waIdHash, hashes)));
    const byHash = new Map(existing.map((c) => [c.waIdHash, c]));
    const labelRefs = new Map<Candidate, string[]>();
    for (const r of rows) labelRefs.set(r, await Promise.all(r.labels.map(labelIdOf)));
    await ctx.db.transaction(async (tx) => {
      const inserts: Array<typeof contacts.$inferInsert> = [];
      const insertLabels: Array<{ hash: string; labelIds: string[] }> = [];
      for (const [i, r] of rows.entries()) {
        const h = hashes[i]!;
        const known = byHash.get(h);
        if (known) {
          if (opts.onDuplicate === 'skip') {
            report.skipped++;
            continue;
          }
          const set: Partial<typeof contacts.$inferInsert> = { updatedAt: new Date() };
          if (r.name) {
            set.name = await ctx.keyring.encrypt(tx, ws, r.name, 'contacts.name');
            set.nameTokens = await contactSearchTokens(ctx.keyring, tx, ws, r.name, r.waId);
            set.nameFromProfile = false;
          }
          if (r.email) set.email = await ctx.keyring.encrypt(tx, ws, r.email, 'contacts.email');
          if (Object.keys(r.attributes).length > 0)
            set.attributes = await encryptAttributes(
              ctx,
              tx,
              ws,
              mergeAttributes(await decryptAttributes(ctx, tx, known), r.attributes),
            );
          await tx.update(contacts).set(set).where(eq(contacts.id, known.id));
          const ids = labelRefs.get(r)!;
          if (ids.length > 0)
            await tx
              .insert(contactLabels)
              .values(ids.map((labelId) => ({ contactId: known.id, labelId, workspaceId: ws })))
              .onConflictDoNothing();
          report.updated++;
          continue;
        }
        inserts.push({
          workspaceId: ws,
          waIdHash: h,
          waId: await ctx.keyring.encrypt(tx, ws, r.waId, 'contacts.wa_id'),
          name: r.name ? await ctx.keyring.encrypt(tx, ws, r.name, 'contacts.name') : null,
          nameTokens: await contactSearchTokens(ctx.keyring, tx, ws, r.name, r.waId),
          nameFromProfile: !r.name,
          email: r.email ? await ctx.keyring.encrypt(tx, ws, r.email, 'contacts.email') : null,
          attributes: await encryptAttributes(ctx, tx, ws, r.attributes),
          source: 'import',
        });
        insertLabels.push({ hash: h, labelIds: labelRefs.get(r)! });
      }
      if (inserts.length === 0) return;
      const created = await tx
        .insert(contacts)
        .values(inserts)
        .onConflictDoNothing()
        .returning({ id: contacts.id, waIdHash: contacts.waIdHash });
      report.imported += created.length;
      report.skipped += inserts.length - created.length;
      const idOf = new Map(created.map((c) => [c.waIdHash, c.id]));
      const links = insertLabels.flatMap((x) =>
        idOf.has(x.hash)
          ? x.labelIds.map((labelId) => ({ contactId: idOf.get(x.hash)!, labelId, workspaceId: ws }))
          : [],
      );
      if (links.length > 0) await tx.insert(contactLabels).values(links).onConflictDoNothing();
    });
  };

  let columns: Array<string> | null = null;
  let mapping: ImportMapping = {};
  const csv = parser(delimiter);
  const source = rest.pipe(iconv.decodeStream(enc.encoding, { stripBOM: true }) as unknown as Transform);
  source.on('error', (err) => csv.destroy(err));
  source.pipe(csv);
  try {
    for await (const record of recordsOf(csv)) {
      if (!columns) {
        columns = record;
        mapping = opts.mapping ?? suggestMapping(record, defs);
        if (!Object.values(mapping).includes('phone')) {
          throw new AppError('validation_failed', {
            issues: [{ path: 'body.mapping', message: 'No column is mapped to the phone number.' }],
          });
        }
        continue;
      }
      const row = report.imported + report.updated + report.skipped + report.rejectedCount + batch.length + 2;
      const cand: Candidate = {
        row,
        e164: '',
        waId: '',
        name: null,
        email: null,
        labels: [],
        attributes: {},
      };
      let problem: [ImportRejectReason, string?] | null = null;
      let phoneRaw = '';
      for (const [i, rawCell] of record.entries()) {
        const field = mapping[columns[i] ?? ''];
        if (!field || field === 'ignore') continue;
        const value = unescapeCell(rawCell);
        if (value === '') continue;
        if (value.length > MAX_CELL) problem ??= ['too_long', columns[i]];
        else if (looksLikeFormula(value)) problem ??= ['formula', columns[i]];
        else if (field === 'phone') phoneRaw = value;
        else if (field === 'name') cand.name = value.slice(0, 200);
        else if (field === 'email') {
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) || value.length > 320) problem ??= ['invalid_email'];
          else cand.email = value;
        } else if (field === 'labels')
          cand.labels = [
            ...new Set(
              value
                .split(/[,;|]/)
                .map((s) => s.trim())
                .filter((s) => s.length > 0 && s.length <= 50),
            ),
          ];
        else if (field.startsWith('attr:')) {
          const key = field.slice(5);
          const def = defs.find((d) => d.key === key);
          const typed =
            def?.type === 'number'
              ? Number(value.replace(',', '.'))
              : def?.type === 'checkbox'
                ? /^(1|true|yes|ja|x|wahr)$/i.test(value)
                : value;
          const bad = attributeProblem(defs, { [key]: typed });
          if (bad) problem ??= ['invalid_attribute', `${key}: ${bad.message}`];
          else cand.attributes[key] = typed;
        }
      }
      if (!problem && !phoneRaw) problem = ['missing_phone'];
      if (!problem) {
        const phone = normalizePhone(phoneRaw, opts.defaultCountry);
        if (!phone) problem = ['invalid_phone'];
        else {
          cand.e164 = phone.e164;
          cand.waId = phone.waId;
          const k = shortKey(hash(phone.waId));
          if (seen.has(k)) problem = ['duplicate_in_file'];
          else seen.add(k);
        }
      }
      if (problem) reject(row, problem[0], problem[1]);
      else {
        batch.push(cand);
        if (batch.length >= BATCH) await flush();
      }
    }
  } catch (err) {
    if (err instanceof AppError) {
      source.resume();
      throw err;
    }
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      await flush();
      throw new AppError('file_too_large', { maxBytes: MAX_IMPORT_BYTES, report });
    }
    if (!(err instanceof CsvError)) throw err;
    await flush();
    reject(
      report.imported + report.updated + report.skipped + report.rejectedCount + 2,
      'malformed_csv',
      err.message.slice(0, 200),
    );
    // Read the rest of the upload so the request completes.
    rest.resume();
  }
  await flush();
  if (!columns)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.file', message: 'The file is empty.' }],
    });
  await recordAudit(ctx, ctx.db, {
    type: 'contacts.imported',
    workspaceId: ws,
    actorId: member.user.id,
    ipPrefix,
    data: {
      imported: report.imported,
      updated: report.updated,
      skipped: report.skipped,
      rejected: report.rejectedCount,
      encoding: report.encoding,
    },
  });
  return report;
}
