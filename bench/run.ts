/**
 * `npm run bench`: runs the quick benchmarks in turn (each is also runnable on its own; see
 * bench/README.md). bench/inbox-queries.ts seeds 1,000,000 messages (≈ 20–40 min) and is run on its own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const benches = [
  'bench/cold-start.ts',
  'bench/wa-sim/send-throughput.ts',
  'bench/realtime-latency.ts',
].filter((b) => fs.existsSync(path.join(import.meta.dirname, '..', b)));
for (const b of benches) {
  console.log(`\n== ${b}`);
  const r = spawnSync('npx', ['tsx', b], { stdio: 'inherit', cwd: path.join(import.meta.dirname, '..') });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
