import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildApp, type BuildOptions, type PakLogApp } from './app.ts';
import type { Config } from './platform/config/config.ts';
import { unknownSettings } from './platform/config/settings.ts';
import { startEmbeddedPostgres, type EmbeddedOptions, type EmbeddedServer } from './platform/db/embedded.ts';
import { warmInject, type HttpApp } from './platform/http/server.ts';
import type { RpcServer } from './platform/rpc/rpc-server.ts';
import { createLogger } from './platform/telemetry/logger.ts';

export interface Running {
  readonly app: PakLogApp;
  readonly url: string;
  readonly embedded: EmbeddedServer | undefined;
  /** `host:port` of the public gRPC API, when served (PAKLOG_GRPC_PORT). */
  readonly grpc: string | undefined;
  stop(): Promise<void>;
}

/** The HTTP port is taken (by another PakLog, most likely): said in one line. */
export class PortInUseError extends Error {
  constructor(host: string, port: number, variable: 'PORT' | 'PAKLOG_GRPC_PORT' = 'PORT') {
    const probe = variable === 'PORT' ? ` try http://localhost:${port}/health/ready` : '';
    super(`port ${port} on ${host} is already in use (is PakLog already running?${probe}): stop that process, or start with ${variable} set to a free port${variable === 'PAKLOG_GRPC_PORT' ? ' (or off)' : ''}`);
    this.name = 'PortInUseError';
  }
}

/**
 * Where the database is: `DATABASE_URL` as given, or the embedded PostgreSQL in `<dataDir>/pg` (through its socket). A command that only needs the
 * database (`attach`) connects to the server of a running PakLog rather than starting its own; a second start
 * (`refuse`) stops with a clear message. Neither ever stops the running one.
 */
export async function openDatabase(
  config: Config, ifInUse: 'attach' | 'refuse' = 'attach', onUnexpectedExit?: EmbeddedOptions['onUnexpectedExit'],
): Promise<{ url: string; embedded: EmbeddedServer | undefined }> {
  if (config.databaseUrl !== undefined) return { url: config.databaseUrl, embedded: undefined };
  // A server that dies under this process is started again (docs/operations/runbooks.md): said on stderr unless the caller says it.
  const told = onUnexpectedExit ?? ((event) => console.error(`paklog: ${event.message}`));
  const embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), ifInUse, onUnexpectedExit: told });
  // PakLog's own pool goes through the server's Unix-domain socket when it has one (ADR 0051).
  return { url: embedded.localUrl, embedded };
}

/** Fails fast, before the database is touched, when the HTTP (or gRPC) port is already taken. */
export async function checkPortFree(host: string, port: number | undefined, variable: 'PORT' | 'PAKLOG_GRPC_PORT' = 'PORT'): Promise<void> {
  if (port === undefined || port === 0) return;
  await new Promise<void>((ok, fail) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? new PortInUseError(host, port, variable) : e));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => ok()));
  });
}

/** Starts the whole system and listens; stops the embedded database cleanly on SIGINT/SIGTERM. */
export async function startServer(
  config: Config, onReady?: (app: PakLogApp) => Promise<void>,
  options: Pick<BuildOptions, 'onAdminKey' | 'showsAdminKey'> & {
    /** The app built, the start failed (a seed, a port taken): called before the app closes (`paklog start` shows its key). */
    onFailed?: (app: PakLogApp) => Promise<void>;
  } = {},
): Promise<Running> {
  const log = createLogger(config.logLevel, config.logFormat, process.stdout, config.serviceName);
  // Said first: a mistyped setting (a PAKLOG_ prefix put before PORT) explains a port in use or a server on the default port.
  for (const unknown of unknownSettings(process.env)) log.warn({ setting: unknown.name, closest: unknown.closest }, unknown.message);
  await checkPortFree(config.host, config.port);
  // Split-mode services leave the public gRPC API to the gateway, which routes its calls to them.
  const grpcPort = config.contexts === 'all' ? config.grpcPort : undefined;
  await checkPortFree(config.host, grpcPort, 'PAKLOG_GRPC_PORT');
  // The embedded server killed under the running system is started again; one that cannot be (within a minute) stops
  // PakLog with a clear message rather than leaving it up answering 503 for good: a supervisor, or the user, starts it
  // again, and that start recovers the data (docs/operations/runbooks.md, embedded PostgreSQL).
  let giveUp = (): void => process.exit(1);
  const { url: dbUrl, embedded } = await openDatabase(config, 'refuse', (event) => {
    if (event.kind === 'restarted') {
      log.warn(event.message);
      return;
    }
    log.error(event.message);
    if (event.kind === 'lost') {
      console.error(`paklog: ${event.message}; PakLog stops (its data is kept): start it again`);
      giveUp();
    }
  });
  let app: PakLogApp;
  try {
    app = await buildApp(config, dbUrl, { ...(options.onAdminKey === undefined ? {} : { onAdminKey: options.onAdminKey }), ...(options.showsAdminKey === undefined ? {} : { showsAdminKey: options.showsAdminKey }) });
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  let address: string;
  let grpc: RpcServer | undefined;
  try {
    if (onReady !== undefined) await onReady(app);
    address = await app.http.listen({ port: config.port, host: config.host });
    warmInject(app.http);
    grpc = await startGrpcApi(app.http, config, grpcPort);
  } catch (e) {
    // A failed seed or a port in use must not leave the pool or the embedded server behind.
    await options.onFailed?.(app).catch(() => undefined);
    await app.close();
    await embedded?.stop();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(config.host, config.port);
    throw e;
  }
  const url = address.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost');
  embedded?.announce(url);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await grpc?.close();
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
  giveUp = () => {
    // A close that waits on the missing database must not keep the process up.
    setTimeout(() => process.exit(1), 10_000).unref();
    void stop().finally(() => process.exit(1));
  };
  return { app, url, embedded, grpc: grpc === undefined ? undefined : `${config.host}:${grpc.port}`, stop };
}

/**
 * The public gRPC API over `http` on `port` (undefined: not served). Loaded lazily: a process without it never parses
 * its `.proto` files. A port taken since the check says so as the HTTP port does.
 */
export async function startGrpcApi(http: HttpApp, config: Config, port: number | undefined): Promise<RpcServer | undefined> {
  if (port === undefined) return undefined;
  const { serveGrpcApi } = await import('./gateway/grpc/public-api.ts');
  try {
    return await serveGrpcApi({ http, host: config.host, port, log: createLogger(config.logLevel, config.logFormat, process.stdout, config.serviceName) });
  } catch (e) {
    if (/EADDRINUSE|address already in use/i.test(String((e as Error).message))) throw new PortInUseError(config.host, port, 'PAKLOG_GRPC_PORT');
    throw e;
  }
}
