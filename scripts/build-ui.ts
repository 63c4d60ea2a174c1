/**
 * Builds the console and the handheld UI (ui/vite.config.ts) into ui/dist. `--if-stale` (what `npm install`'s
 * `prepare` and `npm start`'s `prestart` run) builds only when a file under ui/ is newer than the last build, so an
 * unchanged checkout starts at once. Without vite (an install with --omit=dev) a built folder is kept as it is.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = fileURLToPath(new URL('../ui/', import.meta.url));
const dist = join(ui, 'dist');
const stamp = join(dist, '.built');

/** The newest modification time of the UI's sources (everything under ui/ but the build). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === dist) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function uiIsStale(): boolean {
  return !existsSync(stamp) || statSync(stamp).mtimeMs < newestSource(ui);
}

export async function buildUi(): Promise<void> {
  const { build } = await import('vite');
  // React's production build is chosen by NODE_ENV, which a test runner sets to `test`: the UI is always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(ui, 'vite.config.ts'), mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !uiIsStale()) process.exit(0);
  let hasVite = true;
  try {
    await import('vite');
  } catch {
    hasVite = false;
  }
  if (!hasVite) {
    console.warn(existsSync(stamp) ? 'build-ui: vite is not installed; serving the UI built before' : 'build-ui: vite is not installed (npm install without --omit=dev builds the console)');
    process.exit(0);
  }
  const t0 = Date.now();
  await buildUi();
  console.log(`build-ui: console and handheld built into ui/dist in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
