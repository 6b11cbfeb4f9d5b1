import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

/**
 * Every setting Parley reads, parsed once at boot. Nothing else reads process.env.
 * Each variable has a row in the README's configuration table and a line in .env.example.
 */
const envSchema = z.object({
  // Port the HTTP server listens on.
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Interface to bind. 0.0.0.0 listens on every interface.
  HOST: z.string().min(1).default('0.0.0.0'),
  // The address people use to reach Parley (links in invites, webhook URLs, cookie security).
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  // postgres://… to use a PostgreSQL server; unset = embedded PGlite in PARLEY_DATA_DIR.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
    .optional(),
  // Where the embedded database, the master key file and media live.
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  // 32-byte master key, base64 or hex. Unset = generated into PARLEY_DATA_DIR/master.key on first start.
  PARLEY_MASTER_KEY: z.string().optional(),
  // Presets the one-time setup token (automated installs). Unset = random, printed in the log.
  PARLEY_SETUP_TOKEN: z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
  // trace | debug | info | warn | error | fatal | silent
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // Trust X-Forwarded-* from these proxies: "false", "true" (any), a hop count, or comma-separated IPs/CIDRs.
  TRUST_PROXY: z.string().default('false'),
  // Bearer token that protects GET /metrics. Unset = /metrics is open.
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  // Serve the web app from this folder (default: apps/web/dist).
  PARLEY_WEB_DIR: z.string().optional(),
  // Hours a normal session may stay idle before it ends (a normal session lasts 24 hours at most).
  SESSION_IDLE_HOURS: z.coerce.number().positive().max(24).default(12),
  // Days a "stay signed in" session lasts at most.
  SESSION_REMEMBER_DAYS: z.coerce.number().positive().max(365).default(30),
  // Failed sign-ins per account in 15 minutes before 429.
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  // Failed sign-ins per client network (IPv4 /24, IPv6 /48) in 15 minutes before 429.
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(50),
  // "off" disables the built-in sandbox WhatsApp number.
  PARLEY_SANDBOX: z.enum(['on', 'off']).default('on'),
  // Redis for multi-node real-time fan-out (optional).
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' })
    .optional(),
  // Skip password hashing cost settings meant for production (tests only).
  PARLEY_FAST_HASH: bool.default(false),
  // Accept Web Push endpoints on loopback http (tests with a local push service only).
  PARLEY_PUSH_ALLOW_LOOPBACK: bool.default(false),
});

export type Config = {
  port: number;
  host: string;
  publicUrl: URL;
  databaseUrl: string | undefined;
  dataDir: string;
  masterKey: string | undefined;
  setupToken: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: boolean | number | string[];
  metricsToken: string | undefined;
  webDir: string;
  sessionIdleMs: number;
  sessionRememberMs: number;
  sessionAbsoluteMs: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  sandbox: boolean;
  redisUrl: string | undefined;
  fastHash: boolean;
  pushAllowLoopback: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses the environment; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.PARLEY_MASTER_KEY !== undefined && decodeKey(e.PARLEY_MASTER_KEY) === null) {
    problems.push('PARLEY_MASTER_KEY: must be 32 bytes as base64 (44 chars) or hex (64 chars)');
  }
  if (e.PUBLIC_URL && !/^https?:$/.test(new URL(e.PUBLIC_URL).protocol)) {
    problems.push('PUBLIC_URL: must use http or https');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl = new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.PARLEY_DATA_DIR),
    masterKey: e.PARLEY_MASTER_KEY,
    setupToken: e.PARLEY_SETUP_TOKEN,
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN,
    webDir: path.resolve(e.PARLEY_WEB_DIR ?? path.join(import.meta.dirname, '../../web/dist')),
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    sessionRememberMs: e.SESSION_REMEMBER_DAYS * 86400_000,
    sessionAbsoluteMs: 24 * 3600_000,
    loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
    sandbox: e.PARLEY_SANDBOX === 'on',
    redisUrl: e.REDIS_URL,
    fastHash: e.PARLEY_FAST_HASH,
    pushAllowLoopback: e.PARLEY_PUSH_ALLOW_LOOPBACK,
  };
}

/** Decodes a 32-byte key from base64 or hex; null when it is neither. */
export function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  const b = Buffer.from(v, 'base64');
  return b.length === 32 ? b : null;
}
