import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/**
 * Setup of the `alone` project's files (vitest.config.ts): one of them at a time in the whole run, beside at most two
 * files of `processes`. Before its first hook a file takes this run's lock (a PostgreSQL advisory lock on the run's
 * server, keyed by the run's template name, so two runs on one server do not wait for each other) and holds it until
 * its last hook is over; the connection that holds it ends with the file (or with its worker, should that die).
 * Waiting is a blocked query, not a poll. The wait is printed, since the file's time in the report includes it.
 */
let holder: pg.Client | undefined;

beforeAll(async () => {
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: inject('pgServerUrl'), application_name: 'paklog-alone-lock' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`${inject('pgTemplate')}:alone`]);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  holder = client;
  const waited = performance.now() - t0;
  if (waited >= 1_000) console.log(`alone: waited ${(waited / 1000).toFixed(1)} s for the other alone file to end`);
}, 1_800_000);

afterAll(async () => {
  const client = holder;
  holder = undefined;
  // Ending the session releases its advisory locks.
  await client?.end();
});
