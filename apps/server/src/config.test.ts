import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults for a fresh install', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.publicUrl.origin).toBe('http://localhost:3000');
    expect(c.sandbox).toBe(true);
    expect(c.trustProxy).toBe(false);
    expect(c.dataDir).toMatch(/data$/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', PARLEY_MASTER_KEY: 'short' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => loadConfig({ PARLEY_MASTER_KEY: 'dG9vIHNob3J0' })).toThrow(/PARLEY_MASTER_KEY/);
    expect(loadConfig({ PARLEY_MASTER_KEY: 'a'.repeat(64) }).masterKey).toBe('a'.repeat(64));
  });

  it('parses TRUST_PROXY as off, on, hop count or address list', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
    ]);
  });

  it('documents every variable in the README and .env.example', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const root = path.join(import.meta.dirname, '../../..');
    const source = fs.readFileSync(path.join(import.meta.dirname, 'config.ts'), 'utf8');
    const names = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    for (const n of names) {
      expect(readme, `README lacks ${n}`).toContain(`\`${n}\``);
      expect(example, `.env.example lacks ${n}`).toContain(n);
    }
  });
});
