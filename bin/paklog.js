#!/usr/bin/env node
// The `paklog` command. It runs the compiled build (dist/cli.js: plain JavaScript, no loader) when `npm run build`
// (or `npm install`'s prepare) made one that is newer than every file under src/; otherwise the TypeScript sources
// through tsx, so `npm start` after an edit needs no build step. PAKLOG_FROM_SOURCE=1 always runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const stamp = join(root, 'dist', '.built');

/** Whether some file under `dir` was modified after `since` (ms). */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, since) : statSync(path).mtimeMs > since) return true;
  }
  return false;
}

function distIsFresh() {
  if (process.env.PAKLOG_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  const src = join(root, 'src');
  return !existsSync(src) || !changedSince(src, statSync(stamp).mtimeMs);
}

if (distIsFresh()) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
