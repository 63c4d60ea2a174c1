/**
 * The production build: src/ compiled to plain JavaScript in dist/ (same layout, so `new URL('./migrations/',
 * import.meta.url)`, `../package.json` and `../../proto/` resolve as they do from src/), plus the runtime assets that
 * are not TypeScript (the migrations' .sql files). Types are not checked here (`npm run typecheck` does that): tsc
 * only strips them and rewrites `./x.ts` imports to `./x.js` (`rewriteRelativeImportExtensions`).
 *   npm run build              → dist/ (also run by `npm install`'s prepare; `paklog` runs it while it is fresh)
 *   npm run build -- --out DIR → DIR (tests build into a temporary folder)
 *   --if-stale                 → only when dist/ is missing or a file under src/ is newer than its last build
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
/** Files besides the compiled JavaScript that the app reads at run time, by extension. */
const ASSETS = ['.sql'];

/** Every asset under `dir`, as paths relative to src/. */
function assets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return assets(path);
    return ASSETS.some((ext) => e.name.endsWith(ext)) ? [relative(SRC, path)] : [];
  });
}

/** Whether `outDir` holds no whole build, or a file under src/ is newer than it. */
export function distIsStale(outDir: string): boolean {
  const stamp = join(outDir, '.built');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const newer = (dir: string): boolean => readdirSync(dir, { withFileTypes: true })
    .some((e) => (e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built));
  return newer(SRC);
}

export function build(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', outDir], { stdio: 'inherit' });
  for (const file of assets(SRC)) cpSync(join(SRC, file), join(outDir, file));
  // Written last, so it stands for a whole build: bin/paklog.js runs dist/ while no file under src/ is newer than this.
  writeFileSync(join(outDir, '.built'), `${new Date().toISOString()}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 && process.argv[i + 1] !== undefined ? resolve(process.argv[i + 1] as string) : join(ROOT, 'dist');
  const started = Date.now();
  if (process.argv.includes('--if-stale') && !distIsStale(out)) process.exit(0);
  build(out);
  console.log(`build: ${relative(process.cwd(), out) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
