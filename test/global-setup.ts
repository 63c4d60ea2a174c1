import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { distIsFresh, freshToken, root } from '../bin/dist-fresh.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test PostgreSQL server; each test file creates its own database there. */
    pgServerUrl: string;
    /**
     * Name of this run's template database (every context's migrations applied), made by the first test app that needs
     * it (test-database.ts, `migrated`) and dropped at the end of the run.
     */
    pgTemplate: string;
  }
}

interface SharedServer {
  readonly url: Promise<string>;
  readonly template: string;
  users: number;
  stop(): Promise<void>;
}
/** One server per run even with several projects: each project runs this setup, in the same main process. */
const SHARED = Symbol.for('paklog.test-postgres');
type WithShared = typeof globalThis & { [SHARED]?: SharedServer };

/**
 * One PostgreSQL server for the whole run: `PAKLOG_TEST_DATABASE_URL` when set (CI points it at the machine's
 * server), otherwise an embedded server started here. With CI=true an unreachable server fails the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The `paklog` processes the tests start decide between dist/ and the sources as bin/paklog.js does; the walk of
  // src/ that decides it is done once here, for the run, not in each of them (bin/dist-fresh.js, PAKLOG_DIST_FRESH).
  if (distIsFresh()) process.env.PAKLOG_DIST_FRESH = freshToken(statSync(join(root, 'dist', '.built')).mtimeMs);
  const holder = globalThis as WithShared;
  let shared = holder[SHARED];
  if (shared === undefined) {
    let server: EmbeddedServer | undefined;
    const url = (async () => {
      const external = process.env.PAKLOG_TEST_DATABASE_URL;
      if (external !== undefined && external !== '') {
        const client = new pg.Client({ connectionString: external, connectionTimeoutMillis: 5000 });
        try {
          await client.connect();
          await client.end();
        } catch (e) {
          throw new Error(`PAKLOG_TEST_DATABASE_URL is set but PostgreSQL is unreachable (${(e as Error).message}); tests that need it cannot run`);
        }
        return external;
      }
      server = await startEmbeddedPostgres({ dir: 'data/test-pg', fast: true });
      return server.urlFor('postgres');
    })();
    // `npm test`'s two lanes (scripts/test.ts) share one template: each vitest process built its own before (2026-12-07),
    // the same migrations twice per run. The launcher names it and drops it once both lanes are over.
    const given = process.env.PAKLOG_TEST_TEMPLATE;
    if (given !== undefined && given !== '' && !/^[a-z][a-z0-9_]*$/.test(given)) throw new Error(`PAKLOG_TEST_TEMPLATE is not a database name: ${given}`);
    const ours = given === undefined || given === '';
    const template = ours ? `paklog_template_${randomBytes(4).toString('hex')}` : given;
    shared = {
      url, template, users: 0,
      stop: async () => {
        // The embedded server keeps its data folder between runs: the template goes either way.
        try {
          if (ours) await dropTemplate(await url, template);
        } finally {
          await server?.stop();
        }
      },
    };
    holder[SHARED] = shared;
  }
  const mine = shared;
  mine.users += 1;
  project.provide('pgServerUrl', await mine.url);
  project.provide('pgTemplate', mine.template);
  return async () => {
    mine.users -= 1;
    if (mine.users > 0) return;
    delete holder[SHARED];
    await mine.stop();
  };
}

/**
 * Drops a run's template database and those named under it (`<template>_…`: its build, the templates of some contexts
 * only and theirs; test/support/test-database.ts).
 */
export async function dropTemplate(serverUrl: string, template: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR left(datname, length($1) + 1) = $1 || '_'`, [template]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
