import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MemoryCache, RedisCache, type Cache } from './platform/cache/cache.ts';
import type { Config } from './platform/config/config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { Database } from './platform/db/database.ts';
import { registerErrors } from './platform/errors.ts';
import { loadMigrations, migrate } from './platform/db/migrations.ts';
import { EventBus } from './platform/bus/event-bus.ts';
import { InlineTransport, type Transport } from './platform/bus/transport.ts';
import { KafkaTransport } from './platform/bus/kafka-transport.ts';
import { assertNever } from './platform/errors.ts';
import { NatsTransport } from './platform/bus/nats-transport.ts';
import { ApiKeys } from './platform/http/auth.ts';
import { IdempotencyKeys } from './platform/http/idempotency.ts';
import { platformRoutes } from './platform/http/platform-routes.ts';
import { createHttp, type HttpApp } from './platform/http/server.ts';
import { uuidv7Ids, type IdGenerator } from './platform/ids.ts';
import { jobRunner } from './platform/jobs.ts';
import type { ContextModule, PlatformDeps } from './platform/module.ts';
import { WorkerPool } from './platform/workers/worker-pool.ts';
import { createLogger } from './platform/telemetry/logger.ts';
import { Metrics } from './platform/telemetry/metrics.ts';
import type { CatalogApi } from './contracts/catalog.ts';
import { contextErrors } from './contracts/errors.ts';
import { PublishedEvents } from './contracts/events.ts';
import type { InventoryApi } from './contracts/inventory.ts';
import type { LocationMasterApi } from './contracts/location-master.ts';
import type { PackShipApi } from './contracts/pack-ship.ts';
import { catalogContext } from './contexts/catalog/index.ts';
import { locationMasterContext } from './contexts/location-master/index.ts';
import { inventoryContext } from './contexts/inventory/index.ts';
import { ordersContext } from './contexts/orders/index.ts';
import { wavesContext } from './contexts/waves/index.ts';
import { tasksContext } from './contexts/tasks/index.ts';
import { pickingContext } from './contexts/picking/index.ts';
import { packShipContext } from './contexts/pack-ship/index.ts';
import type { Carrier } from './contexts/pack-ship/domain/carrier.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface BuildOptions {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly transport?: Transport;
  /** Start the outbox relay (default true); tests of crash safety start it later. */
  readonly startRelay?: boolean;
  readonly retryDelaysMs?: readonly number[];
  /** Carrier adapters besides the built-in own fleet (none exist yet; tests plug in fakes). */
  readonly carriers?: readonly Carrier[];
}

export interface PakLogApp {
  readonly http: HttpApp;
  readonly db: Database;
  readonly bus: EventBus;
  readonly apiKeys: ApiKeys;
  readonly modules: readonly ContextModule[];
  /** The admin key generated on this start, when none existed and none was configured. */
  readonly generatedAdminKey: string | undefined;
  close(): Promise<void>;
}

/** The configured event transport (PAKLOG_BUS): in-process by default, or a broker shared by several processes. */
function transportFor(config: Config): Transport {
  switch (config.bus) {
    case 'kafka':
      return new KafkaTransport({ brokers: config.kafkaBrokers ?? [], namespace: config.busNamespace });
    case 'nats':
      return new NatsTransport({ servers: config.natsUrl ?? '', namespace: config.busNamespace });
    case 'inline':
      // Consumers run side by side, each holding a transaction and perhaps a second connection for another context's
      // API: leave connections for the relay and for requests.
      return new InlineTransport(Math.max(1, Math.floor((config.dbPoolSize - 2) / 3)));
    default:
      return assertNever(config.bus);
  }
}

export const ALL_CONTEXTS = ['catalog', 'location-master', 'inventory', 'orders', 'waves', 'tasks', 'picking', 'pack-ship'] as const;

/**
 * The composition root: platform + the selected contexts → a ready fastify instance (no listen).
 * Contexts know each other only through contracts; here each gets the implementations it needs.
 */
export async function buildApp(config: Config, databaseUrl: string, options: BuildOptions = {}): Promise<PakLogApp> {
  // The contexts' error codes, from their contracts, join the platform's in the one HTTP mapper.
  registerErrors(contextErrors());
  const log = createLogger(config.logLevel, config.logFormat);
  const db = new Database(databaseUrl, { max: config.dbPoolSize });
  const metrics = new Metrics();
  const ids = options.ids ?? uuidv7Ids;
  const clock = options.clock ?? systemClock;
  const transport = options.transport ?? transportFor(config);
  const invalidEvents = metrics.counter('paklog_events_invalid_total', 'Events refused by their contract schema and dead-lettered, by stage (publish, receipt)', ['stage', 'consumer', 'type']);
  const bus = new EventBus({
    db, ids, clock, transport, log, maxAttempts: config.busMaxAttempts,
    ...(options.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.retryDelaysMs }),
    onDelivered: (consumer, type, outcome) => metrics.eventsDelivered.inc({ consumer, type, outcome }),
    // The contracts' event schemas, like their error codes, reach the platform from here: events are validated on the wire.
    contract: PublishedEvents,
    onInvalid: (stage, consumer, type) => invalidEvents.inc({ stage, consumer, type }),
  });
  const apiKeys = new ApiKeys(db, ids);
  const workers = new WorkerPool({ threads: config.workerThreads, maxQueue: config.workerQueue });
  const cache: Cache = config.redisUrl === undefined ? new MemoryCache()
    // One namespace per installation: the processes sharing this database share their cache entries, nobody else does.
    : new RedisCache({ url: config.redisUrl, namespace: `${config.busNamespace}:${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`, metrics, log });
  const deps: PlatformDeps = { db, bus, clock, ids, metrics, log, idempotency: new IdempotencyKeys(db), workers, cache };

  const catalog = catalogContext(deps);
  const locations = locationMasterContext(deps);
  const catalogApi: CatalogApi = catalog.api;
  const locationsApi: LocationMasterApi = locations.api;
  const inventory = inventoryContext(deps, { catalog: catalogApi, locations: locationsApi });
  const inventoryApi: InventoryApi = inventory.api;
  // Orders asks pack-ship which carriers it can book, so an order for another carrier is refused at intake.
  const packShip = packShipContext(deps, { catalog: catalogApi, ...(options.carriers === undefined ? {} : { carriers: options.carriers }) });
  const packShipApi: PackShipApi = packShip.api;
  const all: ContextModule[] = [
    catalog,
    locations,
    inventory,
    ordersContext(deps, { catalog: catalogApi, inventory: inventoryApi, locations: locationsApi, packShip: packShipApi }),
    wavesContext(deps, { locations: locationsApi, inventory: inventoryApi }),
    tasksContext(deps, { assignTimeoutS: config.taskAssignTimeoutS, locations: locationsApi }),
    pickingContext(deps, { catalog: catalogApi, locations: locationsApi }),
    packShip,
  ];
  const selected = config.contexts === 'all' ? all : all.filter((m) => config.contexts.includes(m.name));

  await migrate(db, [
    { schema: 'platform', migrations: loadMigrations(new URL('./platform/migrations/', import.meta.url)) },
    ...selected.map((m) => ({ schema: m.schema, migrations: m.migrations, inbox: (m.subscriptions?.length ?? 0) > 0 })),
  ]);
  const generatedAdminKey = await apiKeys.ensureAdmin(config.adminApiKey);

  const http = await createHttp({ logLevel: config.logLevel, logFormat: config.logFormat, metrics, apiKeys, version: VERSION, limits: config.http });
  await platformRoutes(http, { db, bus, metrics, apiKeys });
  for (const m of selected) {
    const routes = m.routes;
    if (routes !== undefined) await http.register(async (scope) => routes(scope), { prefix: '/api/v1' });
    if (m.subscriptions !== undefined && m.subscriptions.length > 0) await bus.subscribe(m.schema, m.subscriptions);
  }
  await http.ready();
  if (options.startRelay !== false) bus.start();
  const jobs = jobRunner(log, selected.flatMap((m) => m.jobs ?? []));
  jobs.start();

  return {
    http, db, bus, apiKeys, modules: selected, generatedAdminKey,
    async close() {
      await http.close();
      await jobs.stop();
      await workers.close();
      await cache.close();
      await bus.stop();
      await transport.close();
      await db.close();
    },
  };
}
