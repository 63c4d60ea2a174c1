import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { PakLogApp } from './app.ts';
import type { ImportService } from './contexts/integrations/imports/service.ts';
import type { LocationMasterApi } from './contracts/location-master.ts';
import type { Running } from './main.ts';
import { ConfigError, loadConfig, type Config } from './platform/config/config.ts';
import { isDay } from './platform/days.ts';

/**
 * Exit codes, the same for every command (README, Commands): 0 done; 1 the command ran and failed or found a problem
 * (a database or API that cannot be reached or refuses, the database gone mid-run, rows rejected, ledger differences,
 * a dead letter refused again); 2 the command line or the environment is wrong and nothing ran (an unknown command or
 * option, a missing or bad argument, an argument naming nothing that exists, an unreadable input file, a bad setting).
 */
const EXIT = { failed: 1, usage: 2 } as const;

function config(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(EXIT.usage);
    }
    throw e;
  }
}

/** Socket errors of a database server that is not there; PostgreSQL's refusals of the connection itself (class 08, 28: bad user or password, 3D000: no such database, 57P03: starting up, 53300: too many connections). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ENOENT', 'EACCES']);
function databaseRefused(e: unknown): boolean {
  const { code, message, syscall } = e as { code?: unknown; message?: unknown; syscall?: unknown };
  if (typeof code === 'string' && (/^(08|28)[0-9A-Z]{3}$/.test(code) || ['3D000', '57P03', '53300'].includes(code))) return true;
  // ENOENT and EACCES only from a connect: a Unix socket that is missing or closed to us, not a file of ours.
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code) && (syscall === 'connect' || syscall === 'getaddrinfo' || !['ENOENT', 'EACCES'].includes(code))) return true;
  return typeof message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect)/.test(message);
}

/** The database URL as the user may see it: no password. */
function shownUrl(url: string | undefined): string {
  if (url === undefined) return 'the embedded PostgreSQL';
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * Problems the user can act on (a taken port or data folder, an embedded server that cannot run here, a migration
 * edited after it ran, a database that cannot be reached or opened): one line, no stack.
 */
async function failClearly(e: unknown): Promise<never> {
  const { PortInUseError } = await import('./main.ts');
  const { DataDirInUseError, EmbeddedSetupError } = await import('./platform/db/embedded.ts');
  const { MigrationError } = await import('./platform/db/migrations.ts');
  if (e instanceof PortInUseError || e instanceof DataDirInUseError || e instanceof EmbeddedSetupError || e instanceof MigrationError) {
    console.error(`paklog: ${e.message}`);
    process.exit(EXIT.failed);
  }
  // A setting only the composition can judge (PAKLOG_CONTEXTS naming an unknown context, or one whose peer is missing).
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(EXIT.usage);
  }
  if (databaseRefused(e)) {
    const { databaseUrl } = config();
    const hint = databaseUrl === undefined ? '' : ' (DATABASE_URL: the server must run, the database exist and the user may connect to it)';
    console.error(`paklog: cannot use the database at ${shownUrl(databaseUrl)}: ${(e as Error).message || String((e as { code?: unknown }).code)}${hint}`);
    process.exit(EXIT.failed);
  }
  throw e;
}

/** Traces for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set (loaded only then). */
async function traced(cfg: Config): Promise<void> {
  if (cfg.otlpEndpoint === undefined) return;
  const { startTracing } = await import('./platform/telemetry/tracing.ts');
  const { VERSION } = await import('./app.ts');
  await startTracing(cfg.otlpEndpoint, cfg.serviceName, VERSION);
}

const keyLine = (key: string): string => `  Admin API key (shown once, keep it safe): ${key}`;

/**
 * A first start stopped (Ctrl-C, a SIGTERM) after it generated and stored the admin key but before its banner: the key
 * is printed as it exits, or nobody ever holds it (the next start prints none; the seed it began finishes then). The
 * handlers are in place from before the key's transaction: a signal while it runs waits for its answer, then prints
 * the key it stored, or, with none stored, stops the process as the signal would have. Answers the function that takes
 * the handlers off again: once the answer is that no key was generated, or once the start's own (main.ts) take over.
 */
function keyOnInterrupt(generated: Promise<string | undefined>, shown: () => Promise<void>): () => void {
  const off = (): void => {
    for (const { signal, handler } of handlers) process.off(signal, handler);
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = (): void => {
      void generated.catch(() => undefined).then((key) => {
        if (key === undefined) {
          off();
          process.kill(process.pid, signal);
          return;
        }
        console.log(`\nPakLog was stopped before it was ready; the next start finishes what it began.\n${keyLine(key)}\n`);
        // Printed: it stays the admin key (a database that does not answer within a second leaves it for the next
        // start to replace with one it shows).
        void Promise.race([shown().catch(() => undefined), new Promise((done) => setTimeout(done, 1_000))]).then(() => process.exit(EXIT.failed));
      });
    };
    process.once(signal, handler);
    return { signal, handler };
  });
  void generated.then((key) => {
    if (key === undefined) off();
  }, off);
  return off;
}

/** Runs `fn` against a migrated database without listening, then shuts everything down. */
// The server modules load lazily so the optimisation commands start fast.
// `leaveEvents`: this process runs no outbox relay; the command's events stay in the outbox for the running PakLog's
// relay (or its next start) to deliver, instead of this process handing each to every subscriber before it exits (an
// import of 10,000 products makes 10,000).
async function withApp(fn: (app: PakLogApp) => Promise<void>, o: { leaveEvents?: boolean } = {}): Promise<void> {
  const { buildApp } = await import('./app.ts');
  const { openDatabase } = await import('./main.ts');
  const cfg = config();
  // A running PakLog keeps its embedded server: this command connects to it and leaves it running.
  const { url, embedded } = await openDatabase(cfg, 'attach').catch(failClearly);
  if (embedded?.owned === false) console.error('paklog: using the embedded PostgreSQL of the running PakLog');
  try {
    const app = await buildApp({ ...cfg, logLevel: 'warn' }, url, { logTo: process.stderr, showsAdminKey: true, ...(o.leaveEvents === true ? { startRelay: false } : {}) }).catch(async (e: unknown) => {
      await embedded?.stop();
      return failClearly(e);
    });
    // Whichever command first meets a fresh database generates the admin key; no later start prints it again. On stderr,
    // with the other messages: a command's own output (`--json`, a CSV) stays what it says it is.
    if (app.generatedAdminKey !== undefined) {
      console.error(`\n${keyLine(app.generatedAdminKey)}\n`);
      await app.apiKeys.adminKeyShown();
    }
    try {
      await fn(app);
      if (o.leaveEvents !== true) await app.bus.idle();
    } catch (e) {
      const { isTransientFault } = await import('./platform/errors.ts');
      if (!isTransientFault(e) && !databaseRefused(e)) throw e;
      // Each command is safe to run again: an import's rows written are `unchanged` the second time, a replay redoes
      // its projection, a dead letter replayed is `duplicate`.
      console.error(`paklog: the database went away while the command ran (${(e as Error).message}): what it committed stays; run it again once the database answers`);
      process.exitCode = EXIT.failed;
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  the command ran and failed or found a problem (database or API unreachable or refusing, rows rejected,
     ledger differences); what it committed stays, and it may be run again
  2  usage: the command line or the environment is wrong (unknown command or option, missing or bad argument,
     an argument naming nothing that exists, an unreadable input file, a bad setting); nothing ran`;

const program = new Command('paklog').description('PakLog warehouse management and execution system')
  .version((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)
  .addHelpText('after', EXIT_CODES_HELP)
  // Commander exits 1 on its own usage errors (an unknown command or option, a missing argument, no command at all):
  // those are exit code 2 like every other usage error; help and version asked for exit 0. Subcommands inherit this.
  .exitOverride((e) => {
    process.exit(e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : EXIT.usage);
  });

/** `paklog start --help`: its settings are the environment's, not options (`npm start -- --port 9090` was a bare "unknown option"). */
const START_SETTINGS = `
Settings are environment variables, not options (README, Configuration), e.g.:
  PORT=9090 npm start                     serve HTTP on another port (default 8080, on HOST 127.0.0.1)
  PAKLOG_DATA_DIR=/srv/paklog npm start   where the embedded PostgreSQL keeps its files (default ./data)
  DATABASE_URL=postgres://… npm start     use that PostgreSQL instead of the embedded one
  PAKLOG_GRPC_PORT=off npm start          no gRPC API (default port 50051)`;

program.command('start').description('Start all contexts (embedded PostgreSQL unless DATABASE_URL is set)')
  .addHelpText('after', START_SETTINGS)
  .showHelpAfterError('(its settings are environment variables, e.g. PORT=9090 npm start: paklog start --help lists the usual ones)')
  .action(async () => {
  const started = Date.now();
  const { startServer } = await import('./main.ts');
  const { seedDemo, hasDemoData } = await import('./seed/demo.ts');
  const cfg = config();
  await traced(cfg);
  let seeded = false;
  let generated: string | undefined;
  let keepKey = (): void => {};
  let shownOnFailure = false;
  let running: Running;
  try {
    running = await startServer(cfg, async (app) => {
      generated = app.generatedAdminKey;
      // A split process runs only some contexts: the demo is seeded through the gateway, not here.
      if (cfg.seedDemo && cfg.contexts === 'all' && !(await hasDemoData(app))) {
        await seedDemo(app);
        seeded = true;
      }
    }, {
      showsAdminKey: true,
      onFailed: async (app) => {
        if (generated === undefined) return;
        console.log(keyLine(generated));
        shownOnFailure = true;
        await app.apiKeys.adminKeyShown();
      },
      onAdminKey: (key, shown) => {
        keepKey = keyOnInterrupt(key, shown);
        void key.then((k) => {
          generated = k;
        }, () => undefined);
      },
    });
  } catch (e) {
    keepKey();
    // The key is stored by now: a start that fails later must still show it, or nobody ever holds it (shown by
    // onFailed while its app was open, so the next start keeps it).
    if (generated !== undefined && !shownOnFailure) console.log(keyLine(generated));
    return failClearly(e);
  }
  // The banner below shows the key; a signal from now on is the running server's to handle (a clean stop).
  keepKey();
  const { uiBuilt } = await import('./platform/http/ui-routes.ts');
  const built = await uiBuilt();
  const lines = [
    '',
    `PakLog is ready in ${((Date.now() - started) / 1000).toFixed(1)} s${seeded ? ' with a demo warehouse (site DEMO)' : ''}`,
    ...(built
      // "below" only when the banner prints a key: on later starts there is none to point at.
      ? [`  Console: ${running.url}/  (handheld: ${running.url}/rf/; sign in with ${generated === undefined ? 'your admin key' : 'the admin key below'} or a key of yours)`]
      : ['  Console: not built (run `npm run build:ui`, then reload)']),
    `  API:     ${running.url}/api/v1`,
    `  Docs:    ${running.url}/docs`,
    `  Health:  ${running.url}/health/ready`,
  ];
  if (running.grpc !== undefined) lines.push(`  gRPC:    ${running.grpc} (paklog.floor.v1.Floor, paklog.integration.v1.Integration; reflection on)`);
  if (running.embedded?.relocated !== undefined) lines.push(`  Data:    ${running.embedded.relocated}`);
  if (running.embedded?.tcpOnly !== undefined) lines.push(`  Data:    the embedded PostgreSQL listens on TCP only: ${running.embedded.tcpOnly}`);
  if (generated !== undefined) {
    lines.push(keyLine(generated), '  Lost it? Restart once with PAKLOG_ADMIN_API_KEY set to a key of your own (README, Security).');
  } else if (cfg.adminApiKey === undefined) {
    lines.push('  Admin key: printed on the first start; lost it? restart once with PAKLOG_ADMIN_API_KEY set (README, Security)');
  } else {
    // Not printed (a secret of the environment's), but said: a first start with a key set showed no key at all.
    lines.push('  Admin key: the value of PAKLOG_ADMIN_API_KEY');
  }
  // Said in the banner too (the log line scrolls by): a port set under a mistyped name was served on 8080 quietly.
  const { unknownSettings } = await import('./platform/config/settings.ts');
  for (const unknown of unknownSettings(process.env)) lines.push(`  Warning: ${unknown.message}`);
  // The README's walkthrough starts from this line, so its examples call this server, whatever the port.
  lines.push(`  Shell:   export PAKLOG=${running.url}${generated === undefined ? '' : ` KEY=${generated}`}`, '');
  console.log(lines.join('\n'));
  // Printed, so it stays: killed before this line, the next start replaces the key nobody saw with one it shows.
  if (generated !== undefined) await running.app.apiKeys.adminKeyShown();
});

program.command('gateway').description('Split mode: the single entry point routing /api/v1 to the service processes (PAKLOG_SERVICES)').action(async () => {
  const { buildGateway } = await import('./gateway/gateway.ts');
  const cfg = config();
  await traced(cfg);
  if (cfg.databaseUrl === undefined) {
    console.error('paklog gateway: set DATABASE_URL to the gateway\'s own database (API keys and the event store)');
    process.exit(EXIT.usage);
  }
  const gateway = await buildGateway(cfg, cfg.databaseUrl).catch((e: unknown) => {
    console.error(`paklog gateway: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(EXIT.failed);
  });
  const { checkPortFree, startGrpcApi } = await import('./main.ts');
  const address = await gateway.http.listen({ port: cfg.port, host: cfg.host });
  (await import('./platform/http/server.ts')).warmInject(gateway.http);
  // The public gRPC API runs its REST operations on the gateway, which routes them to the services.
  const grpc = await checkPortFree(cfg.host, cfg.grpcPort, 'PAKLOG_GRPC_PORT')
    .then(() => startGrpcApi(gateway.http, cfg, cfg.grpcPort))
    .catch(async (e: unknown) => {
      await gateway.close();
      return failClearly(e);
    });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (async () => {
        await grpc?.close();
        await gateway.close();
      })().then(() => process.exit(0));
    });
  }
  const url = address.replace('127.0.0.1', 'localhost');
  console.log([
    '', `PakLog gateway is ready in front of ${cfg.services.length} services`, `  API:     ${url}/api/v1`, `  Docs:    ${url}/docs`,
    `  Health:  ${url}/health/ready`,
    ...(grpc === undefined ? [] : [`  gRPC:    ${cfg.host}:${grpc.port} (paklog.floor.v1.Floor, paklog.integration.v1.Integration; reflection on)`]),
    ...(gateway.generatedAdminKey === undefined ? [] : [keyLine(gateway.generatedAdminKey)]), '',
  ].join('\n'));
});

program.command('migrate').description('Run pending migrations of every context and exit').action(async () => {
  await withApp(async (app) => {
    console.log(`migrations are up to date for ${app.modules.map((m) => m.name).join(', ')}`);
  });
});

const seed = program.command('seed').description('Load data');
seed.command('demo').description('Seed the demo warehouse (site DEMO) if it is not there yet').action(async () => {
  const { seedDemo, hasDemoData } = await import('./seed/demo.ts');
  await withApp(async (app) => {
    if (await hasDemoData(app)) {
      console.log('demo data already present');
      return;
    }
    const summary = await seedDemo(app);
    console.log(`seeded ${JSON.stringify(summary)}`);
  });
});

const dl = program.command('dead-letters').description('Events that failed every delivery attempt (this database, or a running PakLog with --url)');
/** `--url` and `--api-key` of the dead-letter commands: through a running PakLog's API (a split deployment's gateway: every service's). */
const remoteOptions = (c: Command): Command => c
  .addOption(new Option('--url <url>', 'a running PakLog\'s API (a split deployment\'s gateway: the dead letters of every service) instead of this database')
    .env('PAKLOG_URL'))
  .addOption(new Option('--api-key <key>', 'an admin API key for --url').env('PAKLOG_API_KEY'));
/** The API to use for `--url`, or undefined for the local database; exits 2 when --url has no key. */
function remoteOf(command: string, o: { url?: string; apiKey?: string }): { url: string; apiKey: string } | undefined {
  if (o.url === undefined) {
    if (config().contexts !== 'all') {
      console.error(`paklog dead-letters ${command}: this database holds the dead letters of this service only (PAKLOG_CONTEXTS); `
        + 'every service\'s: --url <the gateway> (PAKLOG_URL) with PAKLOG_API_KEY');
    }
    return undefined;
  }
  if (o.apiKey === undefined) {
    console.error(`paklog dead-letters ${command}: --url needs an admin API key: set PAKLOG_API_KEY (or --api-key)`);
    process.exit(EXIT.usage);
  }
  return { url: o.url, apiKey: o.apiKey };
}
/** Runs a remote dead-letter command: an unusable URL is the command line's (2), an API unreachable or refusing fails it (1). */
async function remotely(command: string, fn: () => Promise<void>): Promise<void> {
  const { DeadLettersUsageError } = await import('./cli/dead-letters.ts');
  try {
    await fn();
  } catch (e) {
    console.error(`paklog dead-letters ${command}: ${(e as Error).message}`);
    process.exitCode = e instanceof DeadLettersUsageError ? EXIT.usage : EXIT.failed;
  }
}
remoteOptions(dl.command('list').description('Print the dead letters (id, consumer, type, attempts, last error, when replayed) as JSON'))
  .action(async (o: { url?: string; apiKey?: string }) => {
    const remote = remoteOf('list', o);
    if (remote !== undefined) {
      const { listDeadLettersRemote } = await import('./cli/dead-letters.ts');
      await remotely('list', async () => {
        console.log(JSON.stringify(await listDeadLettersRemote(remote), null, 2));
      });
      return;
    }
    await withApp(async (app) => {
      const rows = await app.db.query(`SELECT id, consumer, type, attempts, last_error, replayed_at FROM platform.dead_letters ORDER BY created_at`);
      console.log(JSON.stringify(rows, null, 2));
    });
  });
remoteOptions(dl.command('replay <id>').description('Deliver a dead letter to its consumer again'))
  .action(async (id: string, o: { url?: string; apiKey?: string }) => {
    const refused = {
      'not-found': 'no dead letter has this id (paklog dead-letters list shows them)',
      'not-subscribed': 'its consumer does not run in this process (PAKLOG_CONTEXTS): replay it where it runs, or through the gateway (--url)',
      'dead-lettered': 'delivered again and refused again: it stays a dead letter (its last_error: paklog dead-letters list)',
    } as const;
    const report = (outcome: string): void => {
      if (outcome === 'not-found' || outcome === 'not-subscribed' || outcome === 'dead-lettered') {
        console.error(`paklog dead-letters replay: ${id}: ${outcome}: ${refused[outcome]}`);
        // An id that names no dead letter (or one whose consumer runs elsewhere) is the command line's; refused again, the event's.
        process.exitCode = outcome === 'dead-lettered' ? EXIT.failed : EXIT.usage;
      } else {
        console.log(outcome);
      }
    };
    const remote = remoteOf('replay', o);
    if (remote !== undefined) {
      const { replayDeadLetterRemote } = await import('./cli/dead-letters.ts');
      await remotely('replay', async () => report(await replayDeadLetterRemote(remote, id)));
      return;
    }
    await withApp(async (app) => report(await app.bus.replayDeadLetter(id)));
  });

program.command('replay <context>')
  .description("Rebuild a context's projections from the event store (or backfill them on an older installation)")
  .option('--projection <name>', 'only this projection (all of the context\'s by default)')
  .addOption(new Option('--gateway <url>', 'read the events from this PakLog API: the gateway of a split deployment').env('PAKLOG_GATEWAY_URL'))
  .addOption(new Option('--api-key <key>', 'API key for --gateway (a role that may read events)').env('PAKLOG_API_KEY'))
  .action(async (context: string, o: { projection?: string; gateway?: string; apiKey?: string }) => {
    const cfg = config();
    if (o.gateway === undefined && cfg.contexts !== 'all') {
      // A service's own platform.events holds only its own events: rebuilding from it would empty the projection.
      console.error('paklog replay: in a split deployment the event store is the gateway\'s: set PAKLOG_GATEWAY_URL (or --gateway) and PAKLOG_API_KEY');
      process.exit(EXIT.usage);
    }
    if (o.gateway !== undefined && o.apiKey === undefined) {
      console.error('paklog replay: --gateway needs an API key: set PAKLOG_API_KEY (or --api-key)');
      process.exit(EXIT.usage);
    }
    // A context this process does not run is the command line's mistake: said before the database is opened and every
    // context built (seconds), as replayContext would say it after.
    const { ALL_CONTEXTS } = await import('./context-names.ts');
    const runs = ALL_CONTEXTS.filter((c) => cfg.contexts === 'all' || cfg.contexts.includes(c));
    // A PAKLOG_CONTEXTS naming an unknown context is the composition's to refuse, with its own message.
    const settingOk = cfg.contexts === 'all' || cfg.contexts.every((c) => (ALL_CONTEXTS as readonly string[]).includes(c));
    if (settingOk && !(runs as readonly string[]).includes(context)) {
      console.error(`paklog replay: context ${context} does not run in this process (it runs ${runs.join(', ')}; see PAKLOG_CONTEXTS)`);
      process.exit(EXIT.usage);
    }
    const { localEventStore, remoteEventStore, EventStoreUnreadable } = await import('./platform/bus/event-store.ts');
    const { replayContext, ReplayError } = await import('./platform/projection-replay.ts');
    const { PublishedEvents } = await import('./contracts/events.ts');
    const source = o.gateway === undefined ? localEventStore() : remoteEventStore({ url: o.gateway, apiKey: o.apiKey ?? '' });
    await withApp(async (app) => {
      try {
        const results = await replayContext(app.db, app.modules, context, { projection: o.projection, source, contract: PublishedEvents });
        for (const r of results) {
          const rows = Object.entries(r.rows).map(([t, n]) => `${t} ${n} rows`).join(', ');
          const skipped = (r.skipped === 0 ? '' : ` (${r.skipped} skipped: they break their contract schema)`)
            + (r.deadLettered === 0 ? '' : ` (${r.deadLettered} skipped: they have an open dead letter, see paklog dead-letters list)`);
          console.log(`${r.context} ${r.projection}: ${r.events} events replayed from ${source.description}${skipped}; ${rows}`);
        }
      } catch (e) {
        if (!(e instanceof ReplayError) && !(e instanceof EventStoreUnreadable)) throw e;
        console.error(`paklog replay: ${e.message}${e instanceof EventStoreUnreadable ? ' (the projection it was rebuilding is left as it was)' : ''}`);
        process.exitCode = e instanceof ReplayError && e.kind === 'usage' ? EXIT.usage : EXIT.failed;
      }
    });
  });

const inventory = program.command('inventory').description('Stock ledger tools');
inventory.command('reconcile')
  .description('Prove the stock tables equal the ledger: balances = Σ movements per key, sku_stock = Σ AVAILABLE balances and '
    + 'Σ allocations, the latest snapshot = Σ movements up to its instant; prints every difference, exit code 1 when there is any')
  .option('--site <idOrCode>', 'only this site (all sites by default)')
  .option('--json', 'print the differences as JSON')
  .action(async (o: { site?: string; json?: boolean }) => {
    const { stockHistory } = await import('./contexts/inventory/history.ts');
    const { systemClock } = await import('./platform/clock.ts');
    const { resolveSiteId } = await import('./contracts/location-master.ts');
    await withApp(async (app) => {
      let siteId: string | null = null;
      if (o.site !== undefined) {
        const locations = app.modules.find((m) => m.name === 'location-master')?.api as LocationMasterApi | undefined;
        const resolved = locations === undefined ? undefined : await resolveSiteId(locations, o.site);
        if (resolved === undefined || !resolved.ok) {
          console.error(`paklog inventory reconcile: no site ${o.site}`);
          process.exitCode = EXIT.usage;
          return;
        }
        siteId = resolved.value;
      }
      const differences = await stockHistory({ db: app.db, clock: systemClock }).reconcile(siteId);
      if (o.json === true) console.log(JSON.stringify(differences, null, 2));
      else if (differences.length === 0) console.log(`reconciled: the stock tables equal the ledger${siteId === null ? '' : ` at site ${o.site === siteId ? siteId : `${o.site} (${siteId})`}`}`);
      else {
        console.log(`${differences.length} difference(s) between the stock tables and the ledger:`);
        for (const d of differences) {
          const key = d.location_id === null ? `${d.site_id} ${d.sku}` : `${d.site_id} ${d.sku} ${d.location_id} lot '${d.lot ?? ''}' ${d.status ?? ''}`;
          console.log(`  ${d.check.padEnd(20)} ${key}: ${d.field} is ${d.stored}, expected ${d.expected} (${d.stored - d.expected > 0 ? '+' : ''}${d.stored - d.expected})`);
        }
      }
      if (differences.length > 0) process.exitCode = EXIT.failed;
    });
  });

program.command('import <kind> <file>')
  .description('Import a CSV file (products, locations, stock, orders) into this installation: every row checked first; a file with a bad row imports nothing '
    + 'unless --partial; progress on stderr, the report on stdout (docs/integrations/csv.md)')
  .option('--dry-run', 'check and report what would happen; write nothing')
  .option('--partial', 'import the good rows, report the bad ones')
  .option('--site <idOrCode>', 'locations: their site; stock and orders: the site when the file has no siteId column')
  .option('--json', 'print the report as JSON')
  .action(async (kind: string, file: string, o: { dryRun?: boolean; partial?: boolean; site?: string; json?: boolean }) => {
    const { progressBar, describeReport } = await import('./cli/csv.ts');
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
      console.error(`paklog import: cannot read ${file}: ${(e as Error).message}`);
      process.exit(EXIT.usage);
    }
    // Said before the database is opened and the app built, in the words the import service uses.
    const { SUPPORTED_IMPORTS } = await import('./contexts/integrations/imports/columns.ts');
    if (!(SUPPORTED_IMPORTS as string[]).includes(kind)) {
      console.error(`paklog import: importing ${kind} is not supported yet (supported: ${SUPPORTED_IMPORTS.join(', ')})`);
      process.exit(EXIT.usage);
    }
    await withApp(async (app) => {
      const integrations = app.modules.find((m) => m.name === 'integrations') as { imports?: ImportService } | undefined;
      if (integrations?.imports === undefined) {
        console.error('paklog import: the integrations context does not run in this process (PAKLOG_CONTEXTS)');
        process.exitCode = EXIT.usage;
        return;
      }
      // A --site naming no site is the command line's mistake (exit code 2), said as reconcile --site says it, not a
      // rejection of every row under a siteId column the file may not have.
      if (o.site !== undefined) {
        const { resolveSiteId } = await import('./contracts/location-master.ts');
        const locations = app.modules.find((m) => m.name === 'location-master')?.api as LocationMasterApi | undefined;
        const resolved = locations === undefined ? undefined : await resolveSiteId(locations, o.site);
        if (resolved !== undefined && !resolved.ok) {
          console.error(`paklog import: no site ${o.site}`);
          process.exitCode = EXIT.usage;
          return;
        }
      }
      const t0 = performance.now();
      const outcome = await integrations.imports.importCsv(kind as never, text, {
        dryRun: o.dryRun === true, partial: o.partial === true, site: o.site, onProgress: progressBar(),
      }, { actor: { id: 'cli', kind: 'internal', role: 'admin' } });
      if (!outcome.ok) {
        console.error(`paklog import: ${outcome.message}`);
        process.exitCode = EXIT.usage;
        return;
      }
      const r = outcome.value;
      console.log(o.json === true ? JSON.stringify({ ...r, ms: Math.round(performance.now() - t0) }, null, 2) : `${describeReport(r)}\n(${Math.round(performance.now() - t0)} ms)`);
      if (r.errors.length > 0) process.exitCode = EXIT.failed;
    }, { leaveEvents: true });
  });

program.command('export <kind>')
  .description('Write products, locations, stock, stock-counts (re-importable), snapshot or shipments of a running PakLog as CSV to stdout (read through its API)')
  .option('--site <idOrCode>', 'the site (locations and stock need one; shipments are filtered by it)')
  .option('--at <instant>', 'snapshot: the instant (ISO 8601; default now)')
  .addOption(new Option('--url <url>', 'the PakLog API').env('PAKLOG_URL').default('http://localhost:8080'))
  .addOption(new Option('--api-key <key>', 'an API key that may read').env('PAKLOG_API_KEY'))
  .action(async (kind: string, o: { site?: string; at?: string; url: string; apiKey?: string }) => {
    const { exportCsv, ExportUsageError } = await import('./cli/csv.ts');
    if (o.apiKey === undefined) {
      console.error('paklog export: set PAKLOG_API_KEY (or --api-key)');
      process.exit(EXIT.usage);
    }
    try {
      const n = await exportCsv(kind, { url: o.url, apiKey: o.apiKey, site: o.site, at: o.at }, process.stdout);
      console.error(`paklog export: ${n} ${kind} rows`);
    } catch (e) {
      console.error(`paklog export: ${(e as Error).message}`);
      process.exitCode = e instanceof ExportUsageError ? EXIT.usage : EXIT.failed;
    }
  });

program.command('simulate')
  .description('A simulated day through the real APIs (discrete-event, simulated clock): arrivals, pickers, packers, breaks; '
    + 'writes a report (Markdown, SVG charts, JSON). In-process on the configured database by default (no DATABASE_URL: the '
    + 'embedded one, where the simulated site and its orders stay beside the demo data; use a scratch DATABASE_URL); --url drives a running PakLog')
  .option('--lines <n>', 'order lines of the day', '2000')
  .option('--seed <n>', 'random seed (same seed, same day)', '1')
  .option('--day <YYYY-MM-DD>', 'the simulated day (UTC); in-process, PakLog\'s clock runs through it', new Date().toISOString().slice(0, 10))
  .option('--site <code>', 'code of the site the simulation creates (must not exist)', 'SIM')
  .option('--aisles <n>', 'aisles of the generated layout', '20')
  .option('--bays <n>', 'bays per aisle', '20')
  .option('--skus <n>', 'products (one pick face each)', '400')
  .option('--pickers <n>', 'pickers per shift (two shifts, 06–14 and 14–22; default from the work)')
  .option('--packers <n>', 'packers per shift (default from the work)')
  .option('--cutoff <HH:MM>', 'the carrier cut-off (OWN_FLEET)', '18:00')
  .option('--wave-every <min>', 'minutes between waves', '15')
  .option('--out <dir>', 'where the report goes', 'simulation')
  .option('--url <url>', 'drive a running PakLog over HTTP (its own clock) instead of in-process')
  .option('--api-key <key>', 'API key for --url (admin or manager; default PAKLOG_API_KEY)')
  .action(async (o: Record<string, string | undefined>) => {
    const { simulateDay, progressBar } = await import('./simulate/run.ts');
    const { ApiError } = await import('./simulate/client.ts');
    // A refusal of PakLog's API (a bad key, a site code that exists) or an API not reachable stops the day: one line.
    const refused = (e: unknown): never => {
      if (!(e instanceof ApiError)) throw e;
      console.error(`paklog simulate: ${e.message}`);
      process.exit(EXIT.failed);
    };
    const { DEFAULT_OPERATOR_TIMES, defaultShifts } = await import('./simulate/scenario.ts');
    // Decimal digits within bounds: Number() read "1e308" as a whole number (a day of 1e308 lines never ends), "0x10" as
    // 16 and "" as 0, and --wave-every 0 planned waves at one instant for ever (edge9).
    const BOUNDS: Record<string, readonly [number, number]> = {
      lines: [1, 1_000_000], seed: [0, 4_294_967_295], aisles: [1, 1_000], bays: [1, 1_000], skus: [1, 100_000],
      pickers: [0, 10_000], packers: [0, 10_000], 'wave-every': [1, 1_440],
    };
    const int = (name: string): number => {
      const given = o[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] ?? '';
      const [min, max] = BOUNDS[name] ?? [0, Number.MAX_SAFE_INTEGER];
      const v = /^[0-9]{1,10}$/.test(given) ? Number(given) : NaN;
      if (!(v >= min && v <= max)) {
        console.error(`paklog simulate: --${name} must be a whole number from ${min} to ${max}`);
        process.exit(EXIT.usage);
      }
      return v;
    };
    const cutoff = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(o.cutoff ?? '');
    if (cutoff === null || !isDay(o.day ?? '')) {
      console.error('paklog simulate: --cutoff must be HH:MM and --day YYYY-MM-DD, a day of the calendar');
      process.exit(EXIT.usage);
    }
    const shifts = defaultShifts(int('lines'), DEFAULT_OPERATOR_TIMES, 150).map((s) => {
      const override = s.role === 'picker' ? o.pickers : o.packers;
      return override === undefined ? s : { ...s, count: int(s.role === 'picker' ? 'pickers' : 'packers') };
    });
    const input = {
      seed: int('seed'), lines: int('lines'), day: o.day!, site: { code: o.site!, aisles: int('aisles'), bays: int('bays'), levels: 3, skus: int('skus') },
      shifts, cutoffMin: Number(cutoff[1]) * 60 + Number(cutoff[2]), cutoffLeadMin: 120, waveEveryMin: int('wave-every'),
    };
    const out = { outDir: o.out!, name: 'simulation', onProgress: progressBar() };
    let files;
    if (o.url !== undefined) {
      const key = o['apiKey'] ?? process.env.PAKLOG_API_KEY;
      if (key === undefined) {
        console.error('paklog simulate: --url needs --api-key or PAKLOG_API_KEY');
        process.exit(EXIT.usage);
      }
      const { httpClient } = await import('./simulate/client.ts');
      files = (await simulateDay(httpClient(o.url, key), input, out).catch(refused)).files;
    } else {
      const { buildApp } = await import('./app.ts');
      const { openDatabase } = await import('./main.ts');
      const { manualClock } = await import('./platform/clock.ts');
      const { inProcessClient } = await import('./simulate/client.ts');
      const cfg = config();
      const { url, embedded } = await openDatabase(cfg, 'attach').catch(failClearly);
      try {
        const clock = manualClock(new Date(`${input.day}T00:00:00Z`));
        // The simulator is this app's only client, and a day of minutes of requests would trip per-minute key limits.
        const app = await buildApp({ ...cfg, logLevel: 'warn', rateLimits: { ...cfg.rateLimits, readPerMin: 0, commandPerMin: 0, heavyPerMin: 0 } }, url, { clock, logTo: process.stderr })
          .catch(async (e: unknown) => {
            await embedded?.stop();
            return failClearly(e);
          });
        try {
          const key = (await app.apiKeys.create('paklog simulate', 'admin')).key;
          files = (await simulateDay(inProcessClient(app, key, clock), input, out).catch(async (e: unknown) => {
            await app.close();
            await embedded?.stop();
            return refused(e);
          })).files;
        } finally {
          await app.close();
        }
      } finally {
        await embedded?.stop();
      }
    }
    console.log(`report: ${files.markdown}\nfigures: ${files.json}\ncharts: ${files.charts.join(', ')}`);
  });

// The optimisation commands read a JSON instance from a file argument or stdin and print a JSON result. The
// optimisers load only when one of these commands runs (not for `--help` or `start`).
type Optimiser = 'runRoute' | 'runBatch' | 'runPack';
function optimizeCommand(name: string, description: string, runner: Optimiser): void {
  program.command(`${name} [file]`).description(`${description} (JSON from the file or stdin)`).action(async (file?: string) => {
    const optimize = await import('./cli/optimize.ts');
    try {
      let text: string;
      try {
        text = readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
      } catch (e) {
        throw new optimize.InputError(`cannot read ${file ?? 'stdin'}: ${(e as Error).message}`);
      }
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch (e) {
        throw new optimize.InputError(`input is not valid JSON: ${(e as Error).message}`);
      }
      console.log(JSON.stringify(optimize[runner](input)));
    } catch (e) {
      if (e instanceof optimize.InputError) {
        console.error(`paklog ${name}: ${e.message}`);
        process.exit(EXIT.usage);
      }
      throw e;
    }
  });
}
optimizeCommand('route', 'Sequence picks into the shortest walk (or a classic heuristic with "method")', 'runRoute');
optimizeCommand('batch', 'Group orders into cart batches', 'runBatch');
optimizeCommand('pack', 'Choose cartons and place items (3D packing)', 'runPack');

await program.parseAsync(process.argv);
