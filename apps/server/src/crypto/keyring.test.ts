import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkspace, startTestServer, type TestServer } from '../test/harness.js';
import { Keyring } from './keyring.js';
import { keyId } from './master-key.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('keyring', () => {
  it('encrypts fields per workspace; the ciphertext names its key version and hides the text', async () => {
    const { workspace } = await buildWorkspace(server);
    const { keyring, db } = server.ctx;
    const c = await keyring.encrypt(db, workspace.id, 'Hallo Frau Müller 🌻', 'messages.text');
    expect(c).toMatch(/^pe1\.w\.1\./);
    expect(c).not.toContain('Müller');
    expect(await keyring.decrypt(db, workspace.id, c, 'messages.text')).toBe('Hallo Frau Müller 🌻');
    // Two encryptions of the same text differ (random IV).
    expect(await keyring.encrypt(db, workspace.id, 'x', 'messages.text')).not.toBe(
      await keyring.encrypt(db, workspace.id, 'x', 'messages.text'),
    );
  });

  it('refuses a ciphertext moved to another column or workspace', async () => {
    const a = await buildWorkspace(server);
    const b = await buildWorkspace(server);
    const { keyring, db } = server.ctx;
    const c = await keyring.encrypt(db, a.workspace.id, 'secret', 'channels.access_token');
    await expect(keyring.decrypt(db, a.workspace.id, c, 'contacts.name')).rejects.toThrow();
    await expect(keyring.decrypt(db, b.workspace.id, c, 'channels.access_token')).rejects.toThrow();
  });

  it('computes stable, workspace-specific blind indexes', async () => {
    const a = await buildWorkspace(server);
    const b = await buildWorkspace(server);
    const { keyring, db } = server.ctx;
    const h1 = await keyring.blindIndex(db, a.workspace.id, 'wa_id', '4915112345678');
    expect(await keyring.blindIndex(db, a.workspace.id, 'wa_id', '4915112345678')).toBe(h1);
    expect(await keyring.blindIndex(db, b.workspace.id, 'wa_id', '4915112345678')).not.toBe(h1);
    expect(h1).not.toContain('4915112345678');
  });

  it('rotates the master key: data stays readable with the new key, not with the old one', async () => {
    const { workspace } = await buildWorkspace(server);
    const { keyring, db } = server.ctx;
    const c = await keyring.encrypt(db, workspace.id, 'rotate me', 'test');
    const totp = keyring.encryptInstance('JBSWY3DPEHPK3PXP', 'users.totp:x');
    const nextRaw = crypto.randomBytes(32);
    const next = { key: nextRaw, id: keyId(nextRaw), source: 'env' as const };
    await db.transaction((tx) => keyring.rewrapAll(tx, next));
    const fresh = new Keyring(next);
    await fresh.init(db);
    expect(await fresh.decrypt(db, workspace.id, c, 'test')).toBe('rotate me');
    expect(fresh.decryptInstance(totp, 'users.totp:x')).toBe('JBSWY3DPEHPK3PXP');
    const wrongRaw = crypto.randomBytes(32);
    await expect(new Keyring({ key: wrongRaw, id: keyId(wrongRaw), source: 'env' }).init(db)).rejects.toThrow(
      /master key/,
    );
  });
});
