// Builds apps/web when its build is missing or older than its sources. Used by `npm start` and the browser tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of a file or of everything under a folder (0 when missing). */
export function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function ensureWebBuild() {
  const dist = path.join(root, 'apps/web/dist/index.html');
  const sources = Math.max(
    ...[
      'apps/web/src',
      'apps/web/index.html',
      'apps/web/vite.config.ts',
      'apps/web/public',
      'packages/contracts/src',
      'packages/whatsapp/src',
    ].map((p) => newestMtime(path.join(root, p))),
  );
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  if (built >= sources) return;
  console.log('Building the web app (first start or changed sources)…');
  const r = spawnSync('npm', ['run', 'build', '-w', '@parley/web', '--silent'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('The web app failed to build; see the output above.');
    process.exit(r.status ?? 1);
  }
}
