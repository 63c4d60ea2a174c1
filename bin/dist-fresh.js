// Whether the compiled build (dist/) is the one to run: `npm run build` (or `npm install`'s prepare) stamped it
// (dist/.built) after the last change to any file under src/, and PAKLOG_FROM_SOURCE=1 does not ask for the sources.
// Shared by the `paklog` command (bin/paklog.js) and the fault tests' warm standby (test/support/standby-start.js).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (the one holding src/ and dist/). */
export const root = fileURLToPath(new URL('../', import.meta.url));

/** Whether some file under `dir` was modified after `since` (ms). */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, since) : statSync(path).mtimeMs > since) return true;
  }
  return false;
}

export function distIsFresh() {
  const stamp = join(root, 'dist', '.built');
  if (process.env.PAKLOG_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  const src = join(root, 'src');
  return !existsSync(src) || !changedSince(src, statSync(stamp).mtimeMs);
}
