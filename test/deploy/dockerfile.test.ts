import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paklog-process.ts';

/**
 * No container engine runs here, so the Dockerfile is checked statically: every COPY source from the build context
 * exists and survives .dockerignore, every `--from` names an earlier stage, and what the runtime stage copies from
 * another stage is what that stage produces. test/e2e/dist-build.test.ts runs the same build's output.
 */
interface Instruction { readonly op: string; readonly args: string }
interface Stage { readonly name: string; readonly instructions: Instruction[] }

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (m === null) throw new Error(`cannot read Dockerfile line: ${line}`);
    const op = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ name: from?.[2] ?? String(stages.length), instructions: [{ op, args: from?.[1] ?? rest }] });
    } else if (op === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=');
      args.set(name!, value ?? '');
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${op} before the first FROM`);
      stage.instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

/** `COPY [--from=x] [--chown=…] src… dest` → its stage, sources and destination. */
function copyOf(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from: flags.find((f) => f.startsWith('--from='))?.slice(7), sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** .dockerignore semantics (last matching pattern wins, `!` re-includes, a matched folder covers its contents). */
function ignored(patterns: readonly string[], path: string): boolean {
  const glob = (p: string): string => p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
  // `**/` is any number of folders, none included.
  const toRegExp = (p: string): RegExp => new RegExp(`^${p.split('**/').map((part) => part.split('**').map(glob).join('.*')).join('(?:.*/)?')}(/.*)?$`);
  let result = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    if (toRegExp(negated ? raw.slice(1) : raw).test(path)) result = !negated;
  }
  return result;
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
const stage = (name: string): Stage => {
  const s = dockerfile.stages.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stage ${name}`);
  return s;
};
const runs = (s: Stage): string => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');

describe('the Dockerfile', () => {
  it('has the build, deps and runtime stages, each FROM a pinned Node 20 image', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    for (const s of dockerfile.stages) expect(s.instructions[0]!.args).toBe('${NODE_IMAGE}');
    expect(dockerfile.args.get('NODE_IMAGE')).toMatch(/^node:20[-.\w]*$/);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const sources = dockerfile.stages.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY').map((i) => copyOf(i.args)))
      .filter((c) => c.from === undefined).flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(5);
    for (const src of sources) {
      expect(existsSync(join(repoRoot, src)), `${src} exists`).toBe(true);
      expect(ignored(ignore, src), `${src} is not in .dockerignore`).toBe(false);
    }
    // The ignore file really narrows the context: tests, docs and the local data stay out.
    for (const path of ['node_modules', 'data/pg', 'docs/adr', 'test/e2e/split.test.ts', 'src/app.test.ts', '.git']) expect(ignored(ignore, path), path).toBe(true);
  });

  it('copies from earlier stages only, and only what they produce', () => {
    const names = dockerfile.stages.map((s) => s.name);
    for (const [i, s] of dockerfile.stages.entries()) {
      for (const c of s.instructions.filter((x) => x.op === 'COPY').map((x) => copyOf(x.args)).filter((x) => x.from !== undefined)) {
        expect(names.slice(0, i), `${s.name} copies from ${c.from}`).toContain(c.from);
      }
    }
    const runtime = stage('runtime').instructions.filter((i) => i.op === 'COPY').map((i) => copyOf(i.args));
    expect(runtime.filter((c) => c.from !== undefined).map((c) => `${c.from}:${c.sources.join(',')}`).sort()).toEqual(['build:/app/dist', 'deps:/app/node_modules']);
    // build makes /app/dist with `npm run build` (tsconfig.build.json's outDir); deps installs production modules only.
    expect(runs(stage('build'))).toContain('npm run build');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('scripts/build.ts');
    expect((JSON.parse(readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string } }).compilerOptions.outDir).toBe('dist');
    expect(runs(stage('deps'))).toMatch(/npm ci --omit=dev/);
    expect(runs(stage('runtime'))).toBe('');
  });

  it('runs compiled JavaScript as a non-root user, with a health check, one image for every role', () => {
    const runtime = stage('runtime').instructions;
    const last = (op: string): string | undefined => runtime.filter((i) => i.op === op).at(-1)?.args;
    expect(last('USER')).toBeDefined();
    expect(last('USER')).not.toMatch(/^(root|0)(:|$)/);
    expect(last('HEALTHCHECK')).toMatch(/\/health\/live/);
    expect(JSON.parse(last('ENTRYPOINT')!)).toEqual(['node', 'dist/bundle/cli.js']);
    expect(existsSync(join(repoRoot, 'src/cli.ts'))).toBe(true);
    expect(JSON.parse(last('CMD')!)).toEqual(['start']);
    // No TypeScript loader at run time.
    expect(runtime.map((i) => i.args).join('\n')).not.toMatch(/tsx|bin\/paklog\.js/);
  });
});
