import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import type { MasterKey } from '../crypto/master-key.js';
import { keyId } from '../crypto/master-key.js';
import { type Database, openDatabase } from '../db/client.js';
import { createScratchDatabase } from './scratch-database.js';

/**
 * A real Parley server for tests: PGlite in memory by default, or a fresh database on the PostgreSQL
 * server named by DATABASE_URL (created here, dropped on close). Logs are captured in `logs`.
 */
export type TestServer = {
  app: FastifyInstance;
  ctx: AppContext;
  database: Database;
  config: Config;
  /** The key the server was built with: a second server on the same database needs it. */
  masterKey: MasterKey;
  logs: string[];
  close(): Promise<void>;
};

export function testMasterKey(): MasterKey {
  const key = crypto.randomBytes(32);
  return { key, id: keyId(key), source: 'env' };
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const serverUrl = process.env.DATABASE_URL;
  const pgDb = serverUrl ? await createScratchDatabase(serverUrl) : null;
  const config = loadConfig({
    PARLEY_DATA_DIR: 'memory://',
    PUBLIC_URL: 'http://parley.test',
    PARLEY_FAST_HASH: 'true',
    PARLEY_SETUP_TOKEN: 'test-setup-token-123',
    PARLEY_WEB_DIR: '/nonexistent',
    LOG_LEVEL: 'info',
    PARLEY_SANDBOX: 'off',
    ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
    ...env,
  });
  const masterKey = testMasterKey();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: 'memory://' });
  await database.migrate();
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const { loggerOptions } = await import('../app.js');
  const { app, ctx } = await buildApp({
    config,
    database,
    masterKey,
    logger: { ...loggerOptions('info'), stream },
  });
  await app.ready();
  return {
    app,
    ctx,
    database,
    config,
    masterKey,
    logs,
    async close() {
      await app.close();
      await database.close();
      await pgDb?.drop();
    },
  };
}

export type Person = { id: string; email: string; password: string; name: string; cookie: string };

const PASSWORD = 'correct horse battery staple 42';

function cookieFrom(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`no session cookie in response ${res.statusCode} ${res.body}`);
  return first.split(';')[0]!;
}

/** Signs in over the real route and returns the session cookie. */
export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return cookieFrom(res);
}

let counter = 0;
export function uniqueEmail(prefix = 'person'): string {
  counter++;
  return `${prefix}.${process.pid}.${counter}.${crypto.randomBytes(3).toString('hex')}@example.test`;
}

/**
 * Factory: a workspace with its owner, created through the real service code (as setup or
 * "create another workspace" would), and the owner signed in.
 */
export async function buildWorkspace(server: TestServer, opts: { name?: string } = {}) {
  const { hashPassword } = await import('../modules/auth/passwords.js');
  const { users } = await import('../db/schema.js');
  const { createWorkspace } = await import('../modules/workspaces/service.js');
  const email = uniqueEmail('owner');
  const name = 'Olivia Owner';
  const workspace = await server.ctx.db.transaction(async (tx) => {
    const [u] = await tx
      .insert(users)
      .values({ email, name, passwordHash: await hashPassword(PASSWORD) })
      .returning();
    return createWorkspace(server.ctx, tx, {
      name: opts.name ?? 'Acme GmbH',
      ownerId: u!.id,
      ipPrefix: null,
    });
  });
  const cookie = await signIn(server.app, email);
  const me = (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json();
  const owner: Person = { id: me.user.id, email, password: PASSWORD, name, cookie };
  return { workspace, owner };
}

/** Factory: a person invited into the workspace with `role` through the real invite routes, signed in. */
export async function buildMember(
  server: TestServer,
  workspaceId: string,
  inviter: Person,
  role: 'owner' | 'admin' | 'agent' = 'agent',
  name = 'Alex Agent',
): Promise<Person> {
  const invite = await server.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/invites`,
    headers: { cookie: inviter.cookie },
    payload: { role },
  });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.body}`);
  const email = uniqueEmail(role);
  const accepted = await server.app.inject({
    method: 'POST',
    url: `/api/v1/invites/${invite.json().token}/accept`,
    payload: { name, email, password: PASSWORD },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.body}`);
  const cookie = cookieFrom(accepted);
  const me = (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json();
  return { id: me.user.id, email, password: PASSWORD, name, cookie };
}

/** app.inject with a person's cookie. */
export function as(
  server: TestServer,
  person: Person | null,
  opts: InjectOptions,
): Promise<LightMyRequestResponse> {
  return server.app.inject({
    ...opts,
    headers: { ...(opts.headers ?? {}), ...(person ? { cookie: person.cookie } : {}) },
  } as InjectOptions) as Promise<LightMyRequestResponse>;
}

export { PASSWORD };
