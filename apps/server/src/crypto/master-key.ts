import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decodeKey } from '../config.js';
import { sha256Hex } from './cipher.js';

export type MasterKey = { key: Buffer; id: string; source: 'env' | 'file' | 'generated' };

/**
 * Loads the master key from PARLEY_MASTER_KEY, else from `dataDir/master.key`, else generates that
 * file (0600). The id (a hash prefix) is stored beside wrapped keys to detect a wrong master key.
 */
export function loadMasterKey(opts: { masterKey?: string; dataDir: string }): MasterKey {
  if (opts.masterKey) {
    const key = decodeKey(opts.masterKey);
    if (!key) throw new Error('PARLEY_MASTER_KEY must be 32 bytes as base64 or hex');
    return { key, id: keyId(key), source: 'env' };
  }
  const file = path.join(opts.dataDir, 'master.key');
  if (fs.existsSync(file)) {
    const key = decodeKey(fs.readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return { key, id: keyId(key), source: 'file' };
  }
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, id: keyId(key), source: 'generated' };
}

export function keyId(key: Buffer): string {
  return sha256Hex(Buffer.concat([Buffer.from('parley-master-key-id:'), key])).slice(0, 16);
}
