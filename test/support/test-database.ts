import { createHash } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { conservationDifferences, describeDifferences, type ConservationDifference } from './conservation.ts';
import { freshDatabase } from './fresh-database.ts';

export interface TestDatabaseOptions {
  /**
   * Why this database is not checked for stock conservation when dropped: only for a test that breaks the stock tables
   * on purpose and cannot put them back. Say why; the check is the point of every other test.
   */
  readonly skipConservationCheck?: string;
  /**
   * Start from a clone of the run's template database, where every context's migrations already ran (what the first
   * start of an all-in-one app does to a fresh database: 2–3 s of DDL on this machine, against ~0.3 s for the clone).
   * `true` for an app that runs every context. A process that runs some of them must not find the others' tables: for
   * one, the list of the contexts it runs (PAKLOG_CONTEXTS): a clone of a template of those contexts' migrations only,
   * made once per run for each list (the split deployment's services: 2026-12-07).
   */
  readonly migrated?: boolean | readonly string[];
}

/**
 * A fresh database on the run's PostgreSQL server, so test files run in parallel without sharing state. `drop` first
 * checks that the stock it holds is conserved (conservation.ts: the ledger adds up to the balances, nothing negative or
 * over-promised…), then drops it, then fails with the broken rules, if any: so every test file that ran the inventory
 * context proves, at its end, that whatever it did left the stock consistent.
 */
export async function createTestDatabase(o: TestDatabaseOptions = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = inject('pgServerUrl');
  // Commits need not wait for the disk in tests (fresh-database.ts); PAKLOG_TEST_DURABLE_COMMITS=true restores the wait.
  const durableCommits = process.env.PAKLOG_TEST_DURABLE_COMMITS === 'true';
  const contexts = Array.isArray(o.migrated) ? [...new Set(o.migrated as readonly string[])].sort() : undefined;
  const template = o.migrated === true ? inject('pgTemplate')
    // Its own name under the run's: dropped with it (test/global-setup.ts, dropTemplate).
    : contexts !== undefined ? `${inject('pgTemplate')}_${createHash('sha1').update(contexts.join(',')).digest('hex').slice(0, 8)}`
      : undefined;
  const db = template === undefined
    ? await freshDatabase(serverUrl, 'paklog_t', undefined, { durableCommits })
    : await freshDatabase(serverUrl, 'paklog_t', await migratedTemplate(serverUrl, template, contexts), { durableCommits });
  return {
    url: db.url,
    drop: async () => {
      let differences: ConservationDifference[] = [];
      try {
        if (o.skipConservationCheck === undefined) differences = await conservationDifferences(db.url);
      } finally {
        await db.drop();
      }
      if (differences.length > 0) throw new Error(`stock is not conserved at the end of this test file:\n${describeDifferences(differences)}`);
    },
  };
}

/** The templates of this worker's run, by name, once they exist (each worker asks the server once for each). */
const templatesReady = new Map<string, Promise<string>>();

/**
 * The run's template database, made by whichever worker asks first (an advisory lock on the server orders them): an
 * all-in-one `buildApp` tells the migration sets exactly as it composes them and is stopped before it touches the
 * database, then only those migrations run on the template, so that it holds the schemas and no rows a start would add
 * (admin key, JWT secret, jobs' work). A clone still goes through `buildApp`'s `migrate`, which applies whatever the template
 * lacks: a stale or partial template costs time, never correctness.
 */
function migratedTemplate(serverUrl: string, name: string, contexts?: readonly string[]): Promise<string> {
  const known = templatesReady.get(name);
  if (known !== undefined) return known;
  const ready = (async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_advisory_lock(hashtext($1))`, [name]);
      const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount! > 0;
      if (!exists) await buildTemplate(admin, serverUrl, name, contexts);
      return name;
    } finally {
      await admin.query(`SELECT pg_advisory_unlock(hashtext($1))`, [name]).catch(() => undefined);
      await admin.end();
    }
  })();
  templatesReady.set(name, ready);
  ready.catch(() => templatesReady.delete(name));
  return ready;
}

async function buildTemplate(admin: pg.Client, serverUrl: string, name: string, contexts?: readonly string[]): Promise<void> {
  // Imported here: only files that build a test app pay for loading the app.
  const [{ buildApp }, { loadConfig }, { Database }, { migrate }] = await Promise.all([
    import('../../src/app.ts'), import('../../src/platform/config/config.ts'), import('../../src/platform/db/database.ts'),
    import('../../src/platform/db/migrations.ts'),
  ]);
  const building = `${name}_building`;
  const url = new URL(serverUrl);
  url.pathname = `/${building}`;
  await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${building}`);
  // The migration sets exactly as `buildApp` composes them, learnt before it touches the database: the build is stopped
  // there, and the migrations run once, here. (Until 2026-12-07 a whole app was built on a scratch database to learn
  // them, which ran every migration, then the scratch was made again and migrated a second time: 11–19 s per template
  // at load 10, once per vitest process, so twice per `npm test`.)
  const learnt = new Error('migration sets learnt');
  let sets: Parameters<typeof migrate>[1] | undefined;
  await buildApp(loadConfig({ LOG_LEVEL: 'silent', ...(contexts === undefined ? {} : { PAKLOG_CONTEXTS: contexts.join(',') }) }), url.toString(), {
    startRelay: false,
    // Some contexts only: the APIs of the others are never called before the migrations (the build stops there).
    ...(contexts === undefined ? {} : { remoteApis: () => ({}) as never }),
    beforeMigrations: (s) => {
      sets = s;
      throw learnt;
    },
  }).then(() => Promise.reject(new Error('buildApp did not stop before its migrations')), (e: unknown) => {
    if (e !== learnt) throw e;
  });
  const db = new Database(url.toString(), { max: 1 });
  try {
    await migrate(db, sets!);
  } finally {
    await db.close();
  }
  // Renamed once complete: a worker that dies half-way leaves no template that looks finished.
  await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
}
