/**
 * Cold start to ready (embedded PGlite) and idle memory of the Parley server.
 * Spawns the real server (`node scripts/start.mjs start`) and polls /readyz on loopback.
 *   npx tsx bench/cold-start.ts [runs=3]
 * Measures: (1) first start on an empty data directory (creates the database, runs migrations),
 * (2) restart on existing data, (3) RSS after 10 s idle. Bounded: each start times out after 60 s.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 3);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

// Embedded database: never a DATABASE_URL from the caller's environment.
const { DATABASE_URL: _ignored, ...embeddedEnv } = process.env;

async function startOnce(dataDir: string, idleMs: number) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs', 'start'], {
    cwd: root,
    env: {
      ...embeddedEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_SKIP_WEB_BUILD: '1',
      PARLEY_SETUP_TOKEN: 'bench-setup-token-1',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  let readyMs = -1;
  child.once('exit', (code) => {
    if (readyMs < 0) console.error(`server exited with ${code} before it was ready`);
  });
  while (performance.now() - t0 < 60_000) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) {
        readyMs = performance.now() - t0;
        break;
      }
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, idleMs));
  const rss = child.pid ? rssMb(child.pid) : 0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { readyMs, rss };
}

const fresh: number[] = [];
const restart: number[] = [];
const rss: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const a = await startOnce(dir, 0);
  const b = await startOnce(dir, 10_000);
  fresh.push(a.readyMs);
  restart.push(b.readyMs);
  rss.push(b.rss);
  fs.rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = {
  machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  runs,
  firstStartReadyMs: { median: Math.round(median(fresh)), all: fresh.map(Math.round) },
  restartReadyMs: { median: Math.round(median(restart)), all: restart.map(Math.round) },
  idleRssMb: { median: Math.round(median(rss)), all: rss.map(Math.round) },
};
console.log(JSON.stringify(result, null, 2));
