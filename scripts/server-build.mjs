// Bundles the server (with the workspace packages it imports) into apps/server/dist/main.mjs, so
// `npm start` runs plain JavaScript: no TypeScript loader at start-up. npm dependencies stay external.
// Files a module finds next to itself (migrations, the phone page, fixtures) are still read from the
// source tree: `import.meta.url` / `import.meta.dirname` are rewritten to the original file's place.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { newestMtime, root } from './web-build.mjs';

const outfile = path.join(root, 'apps/server/dist/main.mjs');
const sourceDirs = ['apps/server/src', 'apps/wa-sim/src', 'packages/contracts/src', 'packages/whatsapp/src'];

const rewriteImportMeta = {
  name: 'parley-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      let contents = await fs.promises.readFile(args.path, 'utf8');
      if (contents.includes('import.meta.')) {
        const relFile = path.relative(path.dirname(outfile), args.path).split(path.sep).join('/');
        const relDir = path.dirname(relFile);
        contents = contents
          .replaceAll('import.meta.dirname', `__parley_join(__parley_dir, ${JSON.stringify(relDir)})`)
          .replaceAll('import.meta.url', `new URL(${JSON.stringify(relFile)}, __parley_url).href`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

const externalPackages = {
  name: 'parley-external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@parley/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Builds the server bundle when it is missing or older than its sources. */
export async function ensureServerBuild() {
  const built = fs.existsSync(outfile) ? fs.statSync(outfile).mtimeMs : 0;
  const sources = Math.max(
    ...sourceDirs.map((d) => newestMtime(path.join(root, d))),
    fs.statSync(import.meta.filename).mtimeMs,
  );
  if (built >= sources) return outfile;
  await build({
    entryPoints: [path.join(root, 'apps/server/src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [externalPackages, rewriteImportMeta],
    banner: {
      js: [
        "import { fileURLToPath as __parley_fileURLToPath } from 'node:url';",
        "import { dirname as __parley_dirname, join as __parley_join } from 'node:path';",
        'const __parley_url = import.meta.url;',
        'const __parley_dir = __parley_dirname(__parley_fileURLToPath(import.meta.url));',
      ].join('\n'),
    },
  });
  return outfile;
}
