/**
 * `paklog start` on a database of its own, that a crash test kills with SIGKILL and starts again on the same port and
 * database (`crashAndRestart`, with its warm standby). The setup each crash test used to write again: the migrated
 * template cloned, a port below the ephemeral range, the environment of a quiet server, the ready banner awaited; and
 * its end: the server stopped, the standby dismissed (a kill leaves one waiting), the database dropped.
 */
import { randomBytes } from 'node:crypto';
import type { Call } from './flow-driver.ts';
import { cleanEnv, crashAndRestart, freePort, standbyPakLog, startPakLog, type Restartable } from './paklog-process.ts';
import { httpClient } from './split-cluster.ts';
import { createTestDatabase } from './test-database.ts';

export interface CrashServer {
  readonly db: { url: string; drop: () => Promise<void> };
  /** `http://127.0.0.1:<port>`: the same across restarts. */
  readonly base: string;
  readonly adminKey: string;
  /** The process now running, its environment and its standby. */
  readonly server: Restartable;
  /** An admin's REST client of `base`. */
  readonly call: Call;
  /** SIGKILL, then started again on the same port and database; resolves once it is ready. */
  crash(): Promise<void>;
  /** Resolves once a standby (spawned if there is none) has loaded its modules: the next restart costs build and listen only. */
  standing(): Promise<void>;
  /** Stops the server (SIGTERM), dismisses its standby and drops the database. */
  close(): Promise<void>;
}

/**
 * Starts the server: every context, no demo data, no gRPC, no worker threads, errors-only logs, `env` on top (a key of
 * `env` set to '' is left out).
 */
export async function crashServer(o: { env?: Record<string, string>; name?: string } = {}): Promise<CrashServer> {
  const name = o.name ?? 'paklog start';
  const adminKey = `pk_${randomBytes(24).toString('base64url')}`;
  const db = await createTestDatabase({ migrated: true });
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const wanted: Record<string, string> = {
      DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false',
      PAKLOG_GRPC_PORT: 'off', LOG_LEVEL: 'error', PAKLOG_WORKER_THREADS: '0', ...o.env,
    };
    const env = cleanEnv(Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== '')));
    const server: Restartable = { env, process: await startPakLog(env) };
    return {
      db, base, adminKey, server,
      call: httpClient(base, adminKey),
      crash: () => crashAndRestart(server, name),
      async standing() {
        server.standby ??= standbyPakLog(server.env);
        await server.standby.loaded;
      },
      async close() {
        try {
          await server.process.stop();
        } finally {
          server.standby?.dismiss();
          await db.drop();
        }
      },
    };
  } catch (e) {
    await db.drop();
    throw e;
  }
}
