#!/usr/bin/env node
// `npm start`: builds the web app and the server bundle when they are missing or older than their
// sources, then runs the server. Arguments go to the server CLI (default: start).
import { ensureServerBuild } from './server-build.mjs';
import { ensureWebBuild } from './web-build.mjs';

const args = process.argv.slice(2);
if ((args[0] ?? 'start') === 'start' && !process.env.PARLEY_SKIP_WEB_BUILD) ensureWebBuild();
const main = await ensureServerBuild();
process.argv = [process.argv[0], main, ...(args.length ? args : ['start'])];
await import(main);
