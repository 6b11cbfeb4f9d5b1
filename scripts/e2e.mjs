#!/usr/bin/env node
// Browser tests (Playwright driving Debian's Chromium). Skipped, loudly, when no Chromium is installed;
// `.ci/run` installs it, so CI always runs them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ensureWebBuild, root } from './web-build.mjs';

const chromium = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! BROWSER TESTS SKIPPED: no Chromium at ${chromium}.\n!! Install it (Debian: apt-get install -y chromium) or set PARLEY_CHROMIUM.\n!! CI (.ci/run) installs it and runs them.\n${line}\n`,
  );
  process.exit(0);
}
ensureWebBuild();
const r = spawnSync('npx', ['vitest', 'run', '--config', 'e2e/vitest.config.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PARLEY_CHROMIUM: chromium },
});
process.exit(r.status ?? 1);
