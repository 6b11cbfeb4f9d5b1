import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createScratchDatabase } from '../apps/server/src/test/scratch-database.js';

const root = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export type RunningServer = {
  url: string;
  setupToken: string;
  output: () => string;
  stop(): Promise<void>;
};

/**
 * Starts the real Parley server process (`node scripts/start.mjs start`) on a free port with a fresh
 * data directory (PGlite), or a fresh database on the PostgreSQL server in DATABASE_URL.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
  const setupToken = `e2e-${crypto.randomBytes(8).toString('hex')}`;
  let dropDb: (() => Promise<void>) | null = null;
  const extra: Record<string, string> = {};
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'parley_e2e');
    extra.DATABASE_URL = scratch.url;
    dropDb = scratch.drop;
  }

  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      ...extra,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      PARLEY_DATA_DIR: dataDir,
      PARLEY_SETUP_TOKEN: setupToken,
      PARLEY_SKIP_WEB_BUILD: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    setupToken,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
      await dropDb?.();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A fresh browser profile (own cookies) with English locale; console errors and dialogs are collected. */
export async function newContext(
  browser: Browser,
  opts: { viewport?: { width: number; height: number } } = {},
) {
  const context: BrowserContext = await browser.newContext({
    locale: 'en-US',
    viewport: opts.viewport ?? { width: 1280, height: 860 },
  });
  const problems: string[] = [];
  const page: Page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.join(root, 'e2e/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * Sets Parley up through the API (`POST /api/v1/setup` with the server's token, English UI) in the
 * page's browser context, so the owner's session cookie lands there. `baseUrl` defaults to the
 * server (a proxy in front of it also works). Returns the new workspace's id.
 */
export async function setUpOwner(
  page: Page,
  server: RunningServer,
  workspaceName: string,
  owner: { name: string; email: string; password: string },
  baseUrl = server.url,
): Promise<string> {
  const setup = await page.request.post(`${baseUrl}/api/v1/setup`, {
    data: { setupToken: server.setupToken, workspaceName, ...owner, locale: 'en' },
  });
  expect(setup.status(), await setup.text()).toBe(201);
  return (await setup.json()).workspaces[0].workspaceId as string;
}
