/**
 * The production build: src/ compiled to plain JavaScript in dist/ (same layout, so `new URL('./migrations/',
 * import.meta.url)`, `../package.json` and `../../proto/` resolve as they do from src/), plus the runtime assets that
 * are not TypeScript (the migrations' .sql files). Types are not checked here (`npm run typecheck` does that): tsc
 * only strips them and rewrites `./x.ts` imports to `./x.js` (`rewriteRelativeImportExtensions`).
 *   npm run build              → dist/
 *   npm run build -- --out DIR → DIR (tests build into a temporary folder)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
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

export function build(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', outDir], { stdio: 'inherit' });
  for (const file of assets(SRC)) cpSync(join(SRC, file), join(outDir, file));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 && process.argv[i + 1] !== undefined ? resolve(process.argv[i + 1] as string) : join(ROOT, 'dist');
  const started = Date.now();
  build(out);
  console.log(`build: ${relative(process.cwd(), out) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
