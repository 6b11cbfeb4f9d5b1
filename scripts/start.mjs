#!/usr/bin/env node
// `npm start`: builds the web app when needed, then runs the server (TypeScript through tsx, no
// separate compile step). Arguments go to the server CLI (default: start).
import path from 'node:path';
import { ensureWebBuild, root } from './web-build.mjs';

const args = process.argv.slice(2);
if ((args[0] ?? 'start') === 'start' && !process.env.PARLEY_SKIP_WEB_BUILD) ensureWebBuild();

const { register } = await import('tsx/esm/api');
register();
const main = path.join(root, 'apps/server/src/main.ts');
process.argv = [process.argv[0], main, ...(args.length ? args : ['start'])];
await import(main);
