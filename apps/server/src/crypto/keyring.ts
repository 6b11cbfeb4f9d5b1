import crypto from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { instanceSettings, workspaceKeys } from '../db/schema.js';
import { deriveKey, open, seal } from './cipher.js';
import type { MasterKey } from './master-key.js';

const PREFIX = 'pe1';

type WorkspaceKey = { version: number; key: Buffer; indexKey: Buffer };

/**
 * Envelope encryption. The master key wraps one data key per workspace; fields are encrypted with the
 * workspace key (AES-256-GCM), files with a random key of their own that the workspace key wraps
 * (modules/media). Each ciphertext names its key version:
 * `pe1.<scope>.<version>.<base64url(iv|tag|ct)>`. Lookups on encrypted values use keyed hashes.
 */
export class Keyring {
  private readonly cache = new Map<string, WorkspaceKey[]>();
  private instanceKeyValue: Buffer | null = null;

  constructor(private master: MasterKey) {}

  /** Loads (or creates on first start) the instance key, wrapped by the master key in instance_settings. */
  async init(db: DbOrTx): Promise<void> {
    const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, 'instance_key'));
    if (row) {
      const v = row.value as { wrapped: string; masterKeyId: string };
      if (v.masterKeyId !== this.master.id) {
        throw new Error('the data was encrypted with another master key (is PARLEY_MASTER_KEY right?)');
      }
      this.instanceKeyValue = open(this.master.key, Buffer.from(v.wrapped, 'base64'), 'instance-key');
      return;
    }
    const key = crypto.randomBytes(32);
    const value = {
      wrapped: seal(this.master.key, key, 'instance-key').toString('base64'),
      masterKeyId: this.master.id,
    };
    await db.insert(instanceSettings).values({ key: 'instance_key', value }).onConflictDoNothing();
    await this.init(db);
  }

  /** Key of the audit log's hash chain (HMAC): rewriting the chain needs the master key, not just the database. */
  get auditKey(): Buffer {
    this.auditKeyValue ??= deriveKey(this.instanceKey, 'parley/audit-chain/v1');
    return this.auditKeyValue;
  }

  private auditKeyValue: Buffer | null = null;

  /** A stable secret for an instance-level purpose (e.g. the sandbox number's credentials). */
  instanceSecret(purpose: string): string {
    return deriveKey(this.instanceKey, `parley/secret/${purpose}`).toString('base64url');
  }

  private get instanceKey(): Buffer {
    if (!this.instanceKeyValue) throw new Error('Keyring.init() was not called');
    return this.instanceKeyValue;
  }

  get masterKeyId(): string {
    return this.master.id;
  }

  /** Creates the first data key of a new workspace (inside the workspace's creating transaction). */
  async createWorkspaceKey(tx: DbOrTx, workspaceId: string): Promise<void> {
    const key = crypto.randomBytes(32);
    await tx.insert(workspaceKeys).values({
      workspaceId,
      version: 1,
      wrappedKey: seal(this.master.key, key, `workspace-key:${workspaceId}:1`),
      masterKeyId: this.master.id,
    });
  }

  private async keysOf(db: DbOrTx, workspaceId: string): Promise<WorkspaceKey[]> {
    const cached = this.cache.get(workspaceId);
    if (cached) return cached;
    const rows = await db
      .select()
      .from(workspaceKeys)
      .where(eq(workspaceKeys.workspaceId, workspaceId))
      .orderBy(desc(workspaceKeys.version));
    if (rows.length === 0) throw new Error('workspace has no data key');
    const keys = rows.map((r) => {
      if (r.masterKeyId !== this.master.id) {
        throw new Error('workspace key was wrapped by another master key (is PARLEY_MASTER_KEY right?)');
      }
      const key = open(this.master.key, r.wrappedKey, `workspace-key:${workspaceId}:${r.version}`);
      return { version: r.version, key, indexKey: deriveKey(key, 'parley/blind-index/v1') };
    });
    this.cache.set(workspaceId, keys);
    return keys;
  }

  /** Encrypts a text field for a workspace. `context` (e.g. "contacts.name") is bound as associated data. */
  async encrypt(db: DbOrTx, workspaceId: string, plaintext: string, context: string): Promise<string> {
    const [current] = await this.keysOf(db, workspaceId);
    const sealed = seal(current!.key, Buffer.from(plaintext, 'utf8'), `${workspaceId}:${context}`);
    return `${PREFIX}.w.${current!.version}.${sealed.toString('base64url')}`;
  }

  async decrypt(db: DbOrTx, workspaceId: string, ciphertext: string, context: string): Promise<string> {
    const { version, body } = parse(ciphertext, 'w');
    const keys = await this.keysOf(db, workspaceId);
    const k = keys.find((x) => x.version === version);
    if (!k) throw new Error(`unknown workspace key version ${version}`);
    return open(k.key, body, `${workspaceId}:${context}`).toString('utf8');
  }

  /** decrypt for a column that may be empty: null stays null. */
  decryptOptional(db: DbOrTx, workspaceId: string, ciphertext: string | null, context: string) {
    return ciphertext ? this.decrypt(db, workspaceId, ciphertext, context) : Promise.resolve(null);
  }

  /** Keyed hash (HMAC-SHA256) for lookups on encrypted values: a "blind index". */
  async blindIndex(db: DbOrTx, workspaceId: string, purpose: string, value: string): Promise<string> {
    return (await this.blindIndexer(db, workspaceId, purpose))(value);
  }

  /** `blindIndex` for many values of one purpose: loads the key once, then hashes synchronously. */
  async blindIndexer(db: DbOrTx, workspaceId: string, purpose: string): Promise<(value: string) => string> {
    const keys = await this.keysOf(db, workspaceId);
    const { indexKey } = keys[keys.length - 1]!;
    return (value) =>
      crypto.createHmac('sha256', indexKey).update(`${purpose}\0${value}`).digest('base64url');
  }

  /** Encrypts instance-level secrets that belong to no workspace (e.g. a person's TOTP secret). */
  encryptInstance(plaintext: string, context: string): string {
    const sealed = seal(this.instanceKey, Buffer.from(plaintext, 'utf8'), `instance:${context}`);
    return `${PREFIX}.i.1.${sealed.toString('base64url')}`;
  }

  decryptInstance(ciphertext: string, context: string): string {
    const { body } = parse(ciphertext, 'i');
    return open(this.instanceKey, body, `instance:${context}`).toString('utf8');
  }

  /** Re-wraps every workspace key under a new master key (key rotation); returns how many. */
  async rewrapAll(db: DbOrTx, next: MasterKey): Promise<number> {
    const rows = await db.select().from(workspaceKeys);
    let n = 0;
    const instanceValue = {
      wrapped: seal(next.key, this.instanceKey, 'instance-key').toString('base64'),
      masterKeyId: next.id,
    };
    await db
      .update(instanceSettings)
      .set({ value: instanceValue, updatedAt: new Date() })
      .where(eq(instanceSettings.key, 'instance_key'));
    for (const r of rows) {
      if (r.masterKeyId === next.id) continue;
      const aad = `workspace-key:${r.workspaceId}:${r.version}`;
      const key = open(this.master.key, r.wrappedKey, aad);
      await db
        .update(workspaceKeys)
        .set({ wrappedKey: seal(next.key, key, aad), masterKeyId: next.id, updatedAt: new Date() })
        .where(and(eq(workspaceKeys.workspaceId, r.workspaceId), eq(workspaceKeys.version, r.version)));
      n++;
    }
    this.cache.clear();
    this.master = next;
    return n;
  }
}

function parse(ciphertext: string, scope: 'w' | 'i'): { version: number; body: Buffer } {
  const parts = ciphertext.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX || parts[1] !== scope)
    throw new Error('not a Parley ciphertext');
  return { version: Number(parts[2]), body: Buffer.from(parts[3]!, 'base64url') };
}
