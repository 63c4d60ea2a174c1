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

/**
 * The value of PAKLOG_DIST_FRESH that vouches for this build: the project's root and the stamp's time. The test run
 * (test/global-setup.ts) checks src/ once and hands its children this value, so the some thousand `paklog` processes
 * of a run skip the ~950 stats of the walk (about 20 ms of CPU each). Another folder or a new build does not match.
 */
export function freshToken(stampMs) {
  return `${root}@${stampMs}`;
}

export function distIsFresh() {
  const stamp = join(root, 'dist', '.built');
  if (process.env.PAKLOG_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  const src = join(root, 'src');
  if (!existsSync(src)) return true;
  const built = statSync(stamp).mtimeMs;
  return process.env.PAKLOG_DIST_FRESH === freshToken(built) || !changedSince(src, built);
}
