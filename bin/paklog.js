#!/usr/bin/env node
// The `paklog` command. It runs the compiled build (dist/bundle/cli.js: plain JavaScript, bundled, no loader) when
// `npm run build` (or `npm install`'s prepare) made one that is newer than every file under src/; otherwise the
// TypeScript sources through tsx, so `npm start` after an edit needs no build step. PAKLOG_FROM_SOURCE=1 always runs the sources.
import { distIsFresh } from './dist-fresh.js';

if (distIsFresh()) {
  await import('../dist/bundle/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
