/**
 * `npm run bench`: runs the quick benchmarks in turn (each is also runnable on its own; see
 * bench/README.md). bench/inbox-queries.ts seeds 1,000,000 messages (≈ 20–40 min) and is run on its own.
 * `npm run bench -- <name> [args…]` runs only the benchmark of that name (e.g. `broadcast-throughput
 * --recipients 2000`), with the arguments after the name.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const quick = ['bench/cold-start.ts', 'bench/wa-sim/send-throughput.ts', 'bench/realtime-latency.ts'];
/** Run only when named: they take minutes (the newsletter: 10,000 recipients at 80/s ≈ 2 min). */
const named = ['bench/broadcast-throughput.ts'];

const [name, ...rest] = process.argv.slice(2);
const benches = (
  name ? [...quick, ...named].filter((b) => path.basename(b, '.ts') === name || b === name) : quick
).filter((b) => fs.existsSync(path.join(import.meta.dirname, '..', b)));
if (name && benches.length === 0) {
  console.error(`no benchmark named ${name}; known: ${[...quick, ...named].join(', ')}`);
  process.exit(2);
}
for (const b of benches) {
  console.log(`\n== ${b}`);
  const r = spawnSync('npx', ['tsx', b, ...(name ? rest : [])], {
    stdio: 'inherit',
    cwd: path.join(import.meta.dirname, '..'),
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
