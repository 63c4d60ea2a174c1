import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/**
 * Setup of the `alone` project's files (vitest.config.ts): one of them at a time in the whole run, beside at most two
 * files of `processes`. Before its first hook a file takes this run's lock (a PostgreSQL advisory lock on the run's
 * server, keyed by the run's template name, so two runs on one server do not wait for each other) and holds it until
 * its last hook is over; the connection that holds it ends with the file (or with its worker, should that die).
 * Waiting is a blocked query, not a poll. The wait is printed, since the file's time in the report includes it.
 *
 * The browser files (test/ui) kill nothing and time nothing tighter than a page's 10 s: they take the lock shared, two
 * at a time (one of UI_SLOTS slot locks, tried every 250 ms), so they run side by side with each other but never
 * beside a file that kills processes or runs a split deployment. One at a time they were some 107 s of the quiet CI
 * run's serial tail, a third of it each file's app, demo seed and chromium starting (2026-12-04).
 */
const UI_SLOTS = 2;

let holder: pg.Client | undefined;

// vitest wants its first argument (the fixtures) destructured, even when none is used; the second is the file.
// eslint-disable-next-line no-empty-pattern
beforeAll(async ({}, suite) => {
  const t0 = performance.now();
  const file = 'filepath' in suite ? suite.filepath : suite.file.filepath;
  const browser = /[\\/]test[\\/]ui[\\/]/.test(file);
  const key = `${inject('pgTemplate')}:alone`;
  const client = new pg.Client({ connectionString: inject('pgServerUrl'), application_name: 'paklog-alone-lock' });
  await client.connect();
  try {
    if (!browser) await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    else {
      await client.query('SELECT pg_advisory_lock_shared(hashtext($1))', [key]);
      const slot = async (): Promise<boolean> => {
        for (let i = 1; i <= UI_SLOTS; i++) {
          const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`${key}:ui:${i}`]);
          if (r.rows[0]?.ok === true) return true;
        }
        return false;
      };
      while (!(await slot())) await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  holder = client;
  const waited = performance.now() - t0;
  if (waited >= 1_000) console.log(`alone: waited ${(waited / 1000).toFixed(1)} s for the other alone ${browser ? 'files' : 'file'} to end`);
}, 1_800_000);

afterAll(async () => {
  const client = holder;
  holder = undefined;
  // Ending the session releases its advisory locks.
  await client?.end();
});
