import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test PostgreSQL server; each test file creates its own database there. */
    pgServerUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole run: `PAKLOG_TEST_DATABASE_URL` when set (CI points it at the machine's
 * server), otherwise an embedded server started here. With CI=true an unreachable server fails the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.PAKLOG_TEST_DATABASE_URL;
  let server: EmbeddedServer | undefined;
  let url: string;
  if (external !== undefined && external !== '') {
    const client = new pg.Client({ connectionString: external, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.end();
    } catch (e) {
      throw new Error(`PAKLOG_TEST_DATABASE_URL is set but PostgreSQL is unreachable (${(e as Error).message}); tests that need it cannot run`);
    }
    url = external;
  } else {
    server = await startEmbeddedPostgres({ dir: 'data/test-pg', fast: true });
    url = server.urlFor('postgres');
  }
  project.provide('pgServerUrl', url);
  return async () => {
    await server?.stop();
  };
}
