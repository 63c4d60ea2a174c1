/**
 * `npm test`: the whole suite in two vitest processes side by side (docs/performance.md, "Two lanes").
 *
 * - the `alone` lane: the files that kill processes, run a split deployment or a browser (vitest.config.ts, ALONE), one
 *   at a time in one worker of their own, from the start of the run;
 * - the main lane: the in-process files two at a time, then the process files two at a time.
 *
 * The `alone` files spend much of their time waiting on restarts, kills and browsers: one after the other at the end of
 * the run they left a core idle for minutes (one file at a time, some 340 s of the 2026-12-05 run). In a lane of their
 * own they fill the moments the main lane leaves free. Both lanes use one PostgreSQL server: PAKLOG_TEST_DATABASE_URL,
 * or an embedded one this script starts (as test/global-setup.ts would), so two vitest processes never start two; and
 * one template database (PAKLOG_TEST_TEMPLATE), so that the migrations it holds run once per run, not once per lane.
 *
 * Arguments go to vitest. With a file, folder or `--project` filter there is one vitest process, as `npx vitest run`
 * would be (the lanes are for the whole suite); so too with PAKLOG_TEST_LANES=off. An `--outputFile.json=<f>` of the
 * whole suite is written as two reports: `<f>` (main lane) and `<f>` with `.alone` before its extension.
 * The exit status is the first failing lane's, else 0.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { dropTemplate } from '../test/global-setup.ts';

const VITEST = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
const args = process.argv.slice(2);

/**
 * A file or folder filter, a project filter or a mode other than one run: one vitest process, as asked. A word after a
 * flag without `=` is taken as that flag's value (`-t name`), not as a filter.
 */
function asked(a: readonly string[]): boolean {
  const filter = a.some((x, i) => !x.startsWith('-') && !(i > 0 && a[i - 1]!.startsWith('-') && !a[i - 1]!.includes('=')));
  return filter || a.some((x) => x.startsWith('--project') || x === '--watch' || x === '-w');
}

/** The same arguments, a JSON report's file renamed for the `alone` lane. */
function aloneArgs(a: readonly string[]): string[] {
  return a.map((x) => {
    const m = /^(--outputFile(?:\.json)?=)(.+?)(\.json)?$/.exec(x);
    return m === null ? x : `${m[1]}${m[2]}.alone${m[3] ?? ''}`;
  });
}

function run(lane: string | undefined, vitestArgs: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(process.execPath, [VITEST, 'run', ...vitestArgs], {
    env: lane === undefined ? env : { ...env, PAKLOG_TEST_LANE: lane },
    stdio: lane === 'alone' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  if (lane === 'alone') {
    // Its lines prefixed, so that the two lanes' reports can be told apart where they interleave.
    for (const [from, to] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
      createInterface({ input: from }).on('line', (line) => to.write(`alone │ ${line}\n`));
    }
  }
  const done = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    child.on('error', () => resolve(1));
  });
  return { child, done };
}

async function main(): Promise<number> {
  if (asked(args) || process.env.PAKLOG_TEST_LANES === 'off') return run(undefined, args, process.env).done;
  let server: EmbeddedServer | undefined;
  const env = { ...process.env };
  if (env.PAKLOG_TEST_DATABASE_URL === undefined || env.PAKLOG_TEST_DATABASE_URL === '') {
    server = await startEmbeddedPostgres({ dir: 'data/test-pg', fast: true });
    env.PAKLOG_TEST_DATABASE_URL = server.urlFor('postgres');
  }
  // One template database (every context's migrations) for both lanes: whichever lane's file needs it first builds it
  // (test/support/test-database.ts; an advisory lock on the server orders them), the other clones it.
  env.PAKLOG_TEST_TEMPLATE = `paklog_template_${randomBytes(4).toString('hex')}`;
  try {
    const lanes = [
      run('alone', ['--project', 'alone', ...aloneArgs(args)], env),
      run('main', ['--project', 'parallel', '--project', 'processes', ...args], env),
    ];
    const stop = (signal: NodeJS.Signals): void => {
      for (const l of lanes) l.child.kill(signal);
    };
    process.once('SIGINT', stop).once('SIGTERM', stop);
    const codes = await Promise.all(lanes.map((l) => l.done));
    const failed = codes.findIndex((c) => c !== 0);
    if (failed >= 0) console.error(`npm test: the ${failed === 0 ? 'alone' : 'main'} lane failed (exit ${codes[failed]})`);
    return codes.find((c) => c !== 0) ?? 0;
  } finally {
    try {
      await dropTemplate(env.PAKLOG_TEST_DATABASE_URL, env.PAKLOG_TEST_TEMPLATE);
    } finally {
      await server?.stop();
    }
  }
}

process.exitCode = await main();
