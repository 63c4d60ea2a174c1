import { buildApp, type PakLogApp } from './app.ts';
import type { Config } from './platform/config/config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './platform/db/embedded.ts';
import { join } from 'node:path';

export interface Running {
  readonly app: PakLogApp;
  readonly url: string;
  stop(): Promise<void>;
}

/** Where the database is: `DATABASE_URL`, or an embedded PostgreSQL in `<dataDir>/pg`. */
export async function openDatabase(config: Config): Promise<{ url: string; embedded: EmbeddedServer | undefined }> {
  if (config.databaseUrl !== undefined) return { url: config.databaseUrl, embedded: undefined };
  const embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg') });
  return { url: embedded.url, embedded };
}

/** Starts the whole system and listens; stops the embedded database cleanly on SIGINT/SIGTERM. */
export async function startServer(config: Config, onReady?: (app: PakLogApp) => Promise<void>): Promise<Running> {
  const { url: dbUrl, embedded } = await openDatabase(config);
  let app: PakLogApp;
  try {
    app = await buildApp(config, dbUrl);
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  let address: string;
  try {
    if (onReady !== undefined) await onReady(app);
    address = await app.http.listen({ port: config.port, host: config.host });
  } catch (e) {
    // A failed seed or a port in use must not leave the pool or the embedded server behind.
    await app.close();
    await embedded?.stop();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await app.close();
      await embedded?.stop();
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }
  return { app, url: address.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost'), stop };
}
