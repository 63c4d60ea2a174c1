import { readFileSync } from 'node:fs';
import { MemoryCache, RedisCache, type Cache } from './platform/cache/cache.ts';
import { ConfigError, installationNamespace, type Config } from './platform/config/config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { Database } from './platform/db/database.ts';
import { registerErrors } from './platform/errors.ts';
import { warnIfAutovacuumOff } from './platform/db/maintenance.ts';
import { loadMigrations, migrate, type MigrationSet } from './platform/db/migrations.ts';
import { registerPlatformGauges } from './platform/telemetry/platform-gauges.ts';
import { EventBus } from './platform/bus/event-bus.ts';
import { requestMeta } from './platform/bus/envelope.ts';
import { InlineTransport, type Transport, type TransportLog } from './platform/bus/transport.ts';
import { KafkaTransport } from './platform/bus/kafka-transport.ts';
import { assertNever } from './platform/errors.ts';
import { NatsTransport } from './platform/bus/nats-transport.ts';
import { ApiKeys, Authenticator, credentialsFrom, type SiteLookups } from './platform/http/auth.ts';
import { identityRoutes } from './platform/http/identity-routes.ts';
import { liveRoutes } from './platform/http/live-routes.ts';
import { uiRoutes } from './platform/http/ui-routes.ts';
import { Identity } from './platform/identity/identity.ts';
import { OidcVerifier } from './platform/identity/oidc.ts';
import type { LocationMasterApi, LocationMasterCommands } from './contracts/location-master.ts';
import { IdempotencyKeys } from './platform/http/idempotency.ts';
import { platformRoutes } from './platform/http/platform-routes.ts';
import { rateLimiterFor, type RateLimiter } from './platform/http/rate-limit.ts';
import { createHttp, type HttpApp, type HttpOptions } from './platform/http/server.ts';
import { uuidv7Ids, type IdGenerator } from './platform/ids.ts';
import { databaseJobSchedule, jobRunner } from './platform/jobs.ts';
import type { ContextModule, PlatformDeps } from './platform/module.ts';
import { WorkerPool } from './platform/workers/worker-pool.ts';
import type { Logger } from 'pino';
import { createLogger } from './platform/telemetry/logger.ts';
import { Metrics } from './platform/telemetry/metrics.ts';
import { contextErrors } from './contracts/errors.ts';
import type { ContractApis } from './rpc/contract-rpc.ts';
import { PublishedEvents } from './contracts/events.ts';
import { ALL_CONTEXTS, type ContextName } from './context-names.ts';
import { catalogContext } from './contexts/catalog/index.ts';
import { locationMasterContext } from './contexts/location-master/index.ts';
import { inventoryContext } from './contexts/inventory/index.ts';
import { ordersContext } from './contexts/orders/index.ts';
import { wavesContext } from './contexts/waves/index.ts';
import { tasksContext } from './contexts/tasks/index.ts';
import { pickingContext } from './contexts/picking/index.ts';
import { packShipContext } from './contexts/pack-ship/index.ts';
import { orchestrationContext } from './contexts/orchestration/index.ts';
import { qualityContext } from './contexts/quality/index.ts';
import { workloadContext } from './contexts/workload/index.ts';
import { physicalTrackingContext } from './contexts/physical-tracking/index.ts';
import { locationTrackingContext } from './contexts/location-tracking/index.ts';
import { integrationsContext } from './contexts/integrations/index.ts';
import type { InventoryApi, InventoryCommands } from './contracts/inventory.ts';
import type { PackShipApi, PackShipCommands } from './contracts/pack-ship.ts';
import type { PickingApi } from './contracts/picking.ts';
import type { OrderCommands } from './contracts/orders.ts';
import type { CatalogApi, CatalogCommands } from './contracts/catalog.ts';
import type { TaskCommands } from './contracts/tasks.ts';
import type { Carrier } from './contexts/pack-ship/domain/carrier.ts';
import { parseCarriersFile } from './contexts/pack-ship/carriers/config.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface BuildOptions {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly transport?: Transport;
  /** Start the outbox relay (default true); tests of crash safety start it later. */
  readonly startRelay?: boolean;
  /** Start the contexts' background jobs (default true); a benchmark that must hold derived data still turns them off. */
  readonly startJobs?: boolean;
  readonly retryDelaysMs?: readonly number[];
  /** Carrier adapters besides the built-in own fleet (none exist yet; tests plug in fakes). */
  readonly carriers?: readonly Carrier[];
  /** APIs of contexts this process does not run (split mode): gRPC clients to the processes that run them. */
  readonly remoteApis?: RemoteApis;
  /** Called on the HTTP app before any route is added (tests add hooks that check every response against the OpenAPI document). */
  readonly configureHttp?: (http: HttpApp) => void;
  /** Where the logs go (default stdout): the one-shot commands log to stderr, their stdout is their report (JSON for `--json`). */
  readonly logTo?: NodeJS.WritableStream;
  /**
   * Called before the admin key's transaction starts, with what it will answer: the key it generated and stored, or
   * undefined (an admin key exists, or one is configured). `paklog start` shows a generated key if stopped before its
   * banner; called before the transaction, so that no moment is left where the key is stored and the handler not in
   * place (a signal there killed the process, and the key was never shown: start-output.test.ts, 2026-12-06).
   */
  readonly onAdminKey?: (generated: Promise<string | undefined>, shown: () => Promise<void>) => void;
  /**
   * The caller prints a key this app generates, then calls `apiKeys.adminKeyShown()` (`paklog start`, the CLI's
   * commands): until then the key counts as never shown, and a start after this process died before printing it
   * replaces it with one it shows (ApiKeys.ensureAdmin).
   */
  readonly showsAdminKey?: boolean;
  /**
   * Called with the migration sets this app is about to run (the platform's, then each selected context's), before
   * anything touches the database. The tests' template database (test/support/test-database.ts) learns them here and
   * throws to stop the build: it then runs exactly these migrations on an empty database, once, without the rows a
   * start adds (admin key, JWT secret).
   */
  readonly beforeMigrations?: (sets: readonly MigrationSet[]) => void;
}

export interface PakLogApp {
  readonly http: HttpApp;
  readonly db: Database;
  readonly bus: EventBus;
  readonly apiKeys: ApiKeys;
  /** People: users, per-site grants, sessions (ADR 0019). */
  readonly identity: Identity;
  /** Credentials → principal, for every transport (REST, GraphQL, gRPC). */
  readonly authenticator: Authenticator;
  readonly modules: readonly ContextModule[];
  /** The admin key generated on this start, when none existed and none was configured. */
  readonly generatedAdminKey: string | undefined;
  readonly rateLimiter: RateLimiter;
  close(): Promise<void>;
}

/** The HTTP settings the all-in-one process and the gateway share: body size, CORS, HSTS, where `/metrics` is, trusted proxies. */
export function httpHygiene(config: Config): Pick<HttpOptions, 'bodyLimitBytes' | 'corsOrigins' | 'hstsMaxAgeS' | 'metricsEndpoint' | 'trustProxy'> {
  return {
    bodyLimitBytes: config.bodyLimitBytes, corsOrigins: config.corsOrigins, hstsMaxAgeS: config.hstsMaxAgeS, metricsEndpoint: config.metricsEndpoint,
    trustProxy: config.trustProxy,
  };
}

/** How long a worker id's case-folded look-up is kept (siteLookups' workerNamed). */
const WORKER_NAME_TTL_MS = 60_000;

/**
 * How per-site roles learn a request's site (ADR 0019): a site code through location-master (wherever it runs), a
 * resource id through the context owning its prefix, if it runs here. A resource lookup that fails leaves the
 * reference as is; a site's lookup that fails is the site guard's to judge (auth.ts, siteNamed).
 */
export function siteLookups(
  modules: readonly ContextModule[], locations: () => LocationMasterApi | undefined, users?: (typed: string) => Promise<string | undefined>,
): Required<SiteLookups> {
  const byPrefix = new Map<string, (id: string) => Promise<string | null | undefined>>();
  // Another context's copy of a resource's site first (split mode: its owner runs elsewhere), the owner's own over it.
  for (const m of modules) for (const [prefix, find] of Object.entries(m.projectedSitesOf ?? {})) if (find !== undefined && !byPrefix.has(prefix)) byPrefix.set(prefix, find);
  for (const m of modules) for (const [prefix, find] of Object.entries(m.sitesOf ?? {})) if (find !== undefined) byPrefix.set(prefix, find);
  // A location whose context runs elsewhere: asked of location-master's API (the one that resolves site codes).
  if (!byPrefix.has('loc')) {
    byPrefix.set('loc', async (id) => {
      try {
        return (await locations()?.getLocations([id]))?.get(id)?.siteId;
      } catch {
        return undefined;
      }
    });
  }
  const holding = modules.flatMap((m) => (m.workerHolding === undefined ? [] : [m.workerHolding]));
  const named = new Map<string, { id: string; at: number }>();
  // Who a typed worker id is: a user's worker id first (people), then what the contexts here know (profiles, holders).
  const naming = [...(users === undefined ? [] : [users]), ...modules.flatMap((m) => (m.workerNamed === undefined ? [] : [m.workerNamed]))];
  return {
    // Undefined when no site has this id or code; location-master out of reach is its error (503 UNAVAILABLE): the
    // site guard lets a caller's own site id through without it, and refuses nothing else as another site's.
    resolveSite: async (ref) => (await locations()?.getSite(ref))?.id,
    siteCode: async (id) => {
      try {
        return (await locations()?.getSite(id))?.code;
      } catch {
        return undefined;
      }
    },
    siteOfResource: async (id) => byPrefix.get(id.slice(0, id.indexOf('_')))?.(id),
    workerHolding: async (id, caller) => {
      let other: string | undefined;
      for (const find of holding) {
        const worker = await find(id, caller);
        if (worker !== undefined && worker === caller) return worker;
        other ??= worker;
      }
      return other;
    },
    workerNamed: async (typed) => {
      // Floor commands of one worker come in a row (claim, start, confirm, complete): the id a case-folded worker id
      // was found to be (or, when none was known, the first one typed) is kept for a minute, so a command costs no
      // look-up after the first (a task's start and completion stay one statement each).
      const folded = typed.toLowerCase();
      const now = Date.now();
      const cached = named.get(folded);
      if (cached !== undefined && now - cached.at < WORKER_NAME_TTL_MS) return cached.id;
      let found: string | undefined;
      for (const find of naming) {
        found = await find(typed);
        if (found !== undefined) break;
      }
      if (named.size >= 10_000) named.clear();
      named.set(folded, { id: found ?? typed, at: now });
      return found;
    },
  };
}

/** The configured event transport (PAKLOG_BUS): in-process by default, or a broker shared by several processes. */
export function transportFor(config: Config, log?: TransportLog): Transport {
  switch (config.bus) {
    case 'kafka':
      return new KafkaTransport({ brokers: config.kafkaBrokers ?? [], namespace: config.busNamespace, ...(log === undefined ? {} : { log }) });
    case 'nats':
      return new NatsTransport({ servers: config.natsUrl ?? '', namespace: config.busNamespace, ackWaitMs: config.busAckWaitMs, ...(log === undefined ? {} : { log }) });
    case 'inline':
      // Consumers run side by side, one connection each (a handler never asks for a second: ADR 0016); the relay
      // holds one while they run, and requests need the rest.
      return new InlineTransport(Math.max(1, Math.min(4, Math.floor(config.dbPoolSize / 2) - 1)));
    default:
      return assertNever(config.bus);
  }
}

export { ALL_CONTEXTS, type ContextName };

export const API_OWNERS: Readonly<Record<keyof ContractApis, ContextName>> = {
  catalog: 'catalog', locations: 'location-master', inventory: 'inventory', packShip: 'pack-ship', waves: 'waves', picking: 'picking',
  physicalTracking: 'physical-tracking', inventoryCommands: 'inventory', taskCommands: 'tasks', packShipCommands: 'pack-ship',
};

/** The contract APIs that are a context's commands (its module's `commands`), not its query API (its `api`). */
const COMMAND_APIS: ReadonlySet<keyof ContractApis> = new Set(['inventoryCommands', 'taskCommands', 'packShipCommands']);

/** Where a process finds an API whose context runs in another process (gRPC clients in split mode). */
export type RemoteApis = <K extends keyof ContractApis>(api: K, owner: ContextName) => ContractApis[K];

/**
 * The contexts this process runs (`PAKLOG_CONTEXTS`), each handed the contract APIs it requires: the in-process
 * implementation when the owning context runs here, a remote one otherwise — the context cannot tell which. Only
 * selected contexts are built, so a process never touches the tables of a context it does not run.
 */
function composeContexts(config: Config, deps: PlatformDeps, options: BuildOptions, databaseUrl: string): ContextModule[] {
  const runs = (name: ContextName): boolean => config.contexts === 'all' || config.contexts.includes(name);
  const unknown = config.contexts === 'all' ? [] : config.contexts.filter((c) => !(ALL_CONTEXTS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new ConfigError([`PAKLOG_CONTEXTS names unknown contexts: ${unknown.join(', ')} (known: ${ALL_CONTEXTS.join(', ')})`]);
  const local: Partial<Record<keyof ContractApis, ContractApis[keyof ContractApis]>> = {};
  const api = <K extends keyof ContractApis>(name: K): ContractApis[K] => {
    const here = local[name] as ContractApis[K] | undefined;
    if (here !== undefined) return here;
    if (options.remoteApis === undefined) {
      throw new ConfigError([`a context of this process needs the ${API_OWNERS[name]} API: run ${API_OWNERS[name]} here too, or give its gRPC address in PAKLOG_RPC_PEERS`]);
    }
    return options.remoteApis(name, API_OWNERS[name]);
  };
  /** An API of a context this process does not run, when PAKLOG_RPC_PEERS says where it runs; undefined otherwise. */
  const peered = <K extends keyof ContractApis>(name: K): ContractApis[K] | undefined =>
    options.remoteApis !== undefined && config.rpcPeers[API_OWNERS[name]] !== undefined ? options.remoteApis(name, API_OWNERS[name]) : undefined;
  const modules: ContextModule[] = [];
  // The in-process commands orchestration's exception actions run, of the contexts this process runs.
  const commands: { orders?: OrderCommands; inventory?: InventoryCommands; tasks?: TaskCommands; catalog?: CatalogCommands; packShip?: PackShipCommands } = {};
  let locationCommands: LocationMasterCommands | undefined;
  if (runs('catalog')) {
    const m = catalogContext(deps);
    local.catalog = m.api;
    commands.catalog = m.commands;
    modules.push(m);
  }
  if (runs('location-master')) {
    // Asked lazily: inventory, composed next, needs the locations API; a deactivation asks it for open counts.
    const m = locationMasterContext(deps, {
      inventory: () => (local.inventory as InventoryApi | undefined) ?? (runs('inventory') || options.remoteApis === undefined ? undefined : options.remoteApis('inventory', 'inventory')),
      catalog: () => (local.catalog as CatalogApi | undefined) ?? (runs('catalog') || options.remoteApis === undefined ? undefined : options.remoteApis('catalog', 'catalog')),
    });
    local.locations = m.api;
    locationCommands = m.commands;
    modules.push(m);
  }
  if (runs('inventory')) {
    const m = inventoryContext(deps, { catalog: api('catalog'), locations: api('locations') });
    local.inventory = m.api;
    commands.inventory = m.commands;
    modules.push(m);
  }
  if (runs('pack-ship')) {
    // Orders asks pack-ship which carriers it can book, so an order for another carrier is refused at intake.
    const m = packShipContext(deps, {
      catalog: api('catalog'), locations: api('locations'),
      ...(options.carriers === undefined ? {} : { carriers: options.carriers }),
      carrierConfigs: config.carriersFile === undefined ? [] : parseCarriersFile(readFileSync(config.carriersFile, 'utf8'), config.carriersFile).carriers,
      gs1: { companyPrefix: config.gs1CompanyPrefix, extensionDigit: config.ssccExtensionDigit }, trackingPollMs: config.trackingPollMs,
      carrierCalls: config.carrierCalls,
    });
    local.packShip = m.api;
    commands.packShip = m.commands;
    modules.push(m);
  }
  // Waves before orders: a line change asks waves to hold the order (ADR 0046).
  if (runs('waves')) {
    const m = wavesContext(deps, { locations: api('locations'), inventory: api('inventory') });
    local.waves = m.api;
    modules.push(m);
  }
  if (runs('orders')) {
    const m = ordersContext(deps, {
      catalog: api('catalog'), inventory: api('inventory'), locations: api('locations'), packShip: api('packShip'), waves: api('waves'),
      // A cancel stops picking before it is answered (ADR 0011): here, or over gRPC where PAKLOG_RPC_PEERS names picking.
      picking: () => (local.picking as PickingApi | undefined) ?? (runs('picking') ? undefined : peered('picking')),
    });
    commands.orders = m.commands;
    modules.push(m);
  }
  // Picking before tasks: completing a PICK task by hand asks picking whether its list still has open lines (and a
  // PUTAWAY, REPLENISH, MOVE or COUNT task asks inventory whether its work is).
  if (runs('picking')) {
    // A confirm or short of a stale handheld asks pack & ship whether the cancel was decided (here, or its peer when
    // configured); without either the floor goes on and a pick of a cancelled order goes back by its return (ADR 0011).
    const m = pickingContext(deps, { packShip: (local.packShip as PackShipApi | undefined) ?? peered('packShip') });
    local.picking = m.api;
    modules.push(m);
  }
  if (runs('tasks')) {
    const m = tasksContext(deps, {
      assignTimeoutS: config.taskAssignTimeoutS, maxFailures: config.taskMaxFailures, locations: api('locations'), picking: api('picking'), inventory: api('inventory'),
      packShip: api('packShip'),
    });
    commands.tasks = m.commands;
    modules.push(m);
  }
  if (runs('quality')) modules.push(qualityContext(deps, { catalog: api('catalog'), locations: api('locations'), inventory: api('inventory') }));
  if (runs('orchestration')) {
    modules.push(orchestrationContext(deps, {
      locations: api('locations'),
      // A cut-off table names carriers pack & ship can book: asked here, or over gRPC where PAKLOG_RPC_PEERS names it.
      packShip: () => (local.packShip as PackShipApi | undefined) ?? (runs('pack-ship') ? undefined : peered('packShip')),
      ports: {
        ...commands,
        // Retry (backorders, label voids) and reprioritise/requeue reach inventory, pack & ship and tasks over gRPC when they run in another process (ADR 0054).
        inventory: commands.inventory ?? (runs('inventory') ? undefined : peered('inventoryCommands')),
        tasks: commands.tasks ?? (runs('tasks') ? undefined : peered('taskCommands')),
        packShip: commands.packShip ?? (runs('pack-ship') ? undefined : peered('packShipCommands')),
        deadLetters: { open: () => deps.bus.openDeadLetters(), replay: (id) => deps.bus.replayDeadLetter(id), discard: (id) => deps.bus.discardDeadLetter(id) },
      },
      orderStallS: config.orderStallS, taskStallS: config.taskStallS, taskWorkStallS: config.taskWorkStallS, cutoffMarginMin: config.cutoffMarginMin,
      scanEveryMs: config.exceptionScanMs, sagaTickMs: config.sagaTickMs, sagaBoundary: sagaCrashHook(config.sagaCrashAt),
    }));
  }
  if (runs('workload')) modules.push(workloadContext(deps, { locations: api('locations') }));
  // Physical tracking before location tracking: an LPN is tracked only when physical tracking knows it.
  if (runs('physical-tracking')) {
    const m = physicalTrackingContext(deps, { locations: api('locations'), inventory: api('inventory'), catalog: api('catalog'), packShip: api('packShip') });
    local.physicalTracking = m.api;
    modules.push(m);
  }
  if (runs('location-tracking')) {
    modules.push(locationTrackingContext(deps, {
      physicalTracking: api('physicalTracking'),
      mqttUrl: config.mqttUrl,
      // Live positions are shared by the installation's processes in Redis, under the installation's namespace.
      redis: config.redisUrl === undefined ? undefined : { url: config.redisUrl, namespace: installationNamespace(config, databaseUrl) },
      settings: {
        marginM: config.rtls.siteMarginM, snapM: config.rtls.snapM, idleRadiusM: config.rtls.idleRadiusM,
        stagedMaxS: config.rtls.stagedMaxMin * 60, idleMaxS: config.rtls.idleMaxMin * 60,
      },
      alertScanMs: config.rtls.alertScanMs,
    }));
  }
  if (runs('integrations')) {
    const w = config.webhooks;
    modules.push(integrationsContext(deps, {
      locations: api('locations'), packShip: api('packShip'),
      // The storefront intake calls orders in-process (OrderCommands has no gRPC form): run both in one process.
      orders: () => commands.orders,
      catalog: () => (runs('catalog') ? api('catalog') : undefined),
      catalogCommands: () => commands.catalog,
      locationCommands: () => locationCommands, inventoryCommands: () => commands.inventory,
      // A subscription's owner filter names one of inventory's owners: asked here, or over gRPC in a split deployment.
      inventory: () => (local.inventory as InventoryApi | undefined) ?? (runs('inventory') || options.remoteApis === undefined ? undefined : options.remoteApis('inventory', 'inventory')),
      webhooks: { baseMs: w.retryBaseMs, maxMs: w.retryMaxMs, timeoutMs: w.timeoutMs, maxFailures: w.maxFailures, batch: 20, destinations: { allowPrivate: w.allowPrivate } },
      tickMs: w.tickMs,
      // The ERP and TMS ports (ADR 0039) call inventory and pack-ship in-process when they run here.
      partners: { config: config.partners, inventory: () => commands.inventory, packShip: () => commands.packShip },
    }));
  }
  const order = (m: ContextModule): number => (ALL_CONTEXTS as readonly string[]).indexOf(m.name);
  return modules.sort((a, b) => order(a) - order(b));
}

/** PAKLOG_SAGA_CRASH_AT (crash tests only): SIGKILL this process at that saga step boundary, as a power cut would. */
function sagaCrashHook(at: string | undefined): ((b: { step: string; when: string; kind: string }) => void) | undefined {
  if (at === undefined) return undefined;
  return (b) => {
    if (`${b.step}:${b.when}:${b.kind}` === at) process.kill(process.pid, 'SIGKILL');
  };
}

/** The in-process contract APIs of the contexts a process runs (served over gRPC to the other processes). */
function localApis(modules: readonly ContextModule[]): Partial<ContractApis> {
  const out: Partial<Record<keyof ContractApis, unknown>> = {};
  for (const [key, owner] of Object.entries(API_OWNERS) as [keyof ContractApis, ContextName][]) {
    const m: (ContextModule & { commands?: unknown }) | undefined = modules.find((x) => x.name === owner);
    const impl = COMMAND_APIS.has(key) ? m?.commands : m?.api;
    if (impl !== undefined) out[key] = impl;
  }
  return out as Partial<ContractApis>;
}

/**
 * gRPC clients to the processes named in PAKLOG_RPC_PEERS, one channel per address, made when first needed. The gRPC
 * modules (grpc-js, protobufjs, the protos) load only in a split process: an all-in-one start does not pay for them.
 */
async function remotePeers(config: Config, log: Logger): Promise<{ option: Pick<BuildOptions, 'remoteApis'>; close(): void }> {
  if (Object.keys(config.rpcPeers).length === 0) return { option: {}, close: () => undefined };
  const { rpcClients } = await import('./rpc/contract-rpc.ts');
  const channels = new Map<string, ReturnType<typeof rpcClients>>();
  const remoteApis: RemoteApis = (api, owner) => {
    const target = config.rpcPeers[owner];
    if (target === undefined) {
      throw new Error(`a context of this process needs the ${owner} API: run ${owner} here too, or add ${owner}=host:port to PAKLOG_RPC_PEERS`);
    }
    let clients = channels.get(target);
    if (clients === undefined) {
      clients = rpcClients(target);
      channels.set(target, clients);
      log.info({ owner, target }, 'calling a remote context over gRPC');
    }
    return clients[api];
  };
  return { option: { remoteApis }, close: () => { for (const c of channels.values()) c.close(); } };
}

/**
 * The composition root: platform + the selected contexts → a ready fastify instance (no listen).
 * Contexts know each other only through contracts; here each gets the implementations it needs.
 */
export async function buildApp(config: Config, databaseUrl: string, options: BuildOptions = {}): Promise<PakLogApp> {
  // The contexts' error codes, from their contracts, join the platform's in the one HTTP mapper.
  registerErrors(contextErrors());
  const log = createLogger(config.logLevel, config.logFormat, options.logTo ?? process.stdout, config.serviceName);
  const db = new Database(databaseUrl, { max: config.dbPoolSize, strictNesting: config.dbStrictNesting, prepared: config.dbPrepared });
  const metrics = new Metrics();
  const ids = options.ids ?? uuidv7Ids;
  const clock = options.clock ?? systemClock;
  const transport = options.transport ?? transportFor(config, log);
  const invalidEvents = metrics.counter('paklog_events_invalid_total', 'Events refused by their contract schema and dead-lettered, by stage (publish, receipt)', ['stage', 'consumer', 'type']);
  registerPlatformGauges(metrics, db);
  const bus = new EventBus({
    db, ids, clock, transport, log, maxAttempts: config.busMaxAttempts,
    // One outbox orders every event in one process: an event that is not ready there never will be (and waiting would
    // hold the relay). Across a broker the other stream may just be behind.
    notReadyTimeoutMs: config.bus === 'inline' ? 0 : 600_000,
    ...(options.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.retryDelaysMs }),
    onDelivered: (consumer, type, outcome) => metrics.eventsDelivered.inc({ consumer, type, outcome }),
    onHandled: (consumer, _type, seconds) => metrics.eventHandledLatency.observe({ consumer }, seconds),
    // The contracts' event schemas, like their error codes, reach the platform from here: events are validated on the wire.
    contract: PublishedEvents,
    onInvalid: (stage, consumer, type) => invalidEvents.inc({ stage, consumer, type }),
  });
  const apiKeys = new ApiKeys(db, ids);
  const workers = new WorkerPool({ threads: config.workerThreads, maxQueue: config.workerQueue });
  const cache: Cache = config.redisUrl === undefined ? new MemoryCache()
    // One namespace per installation: the processes sharing this database share their cache entries, nobody else does.
    : new RedisCache({ url: config.redisUrl, namespace: installationNamespace(config, databaseUrl), metrics, log });
  const deps: PlatformDeps = { db, bus, clock, ids, metrics, log, idempotency: new IdempotencyKeys(db), workers, cache };

  const peers = await remotePeers(config, log);
  const selected = composeContexts(config, deps, options.remoteApis === undefined ? { ...options, ...peers.option } : options, databaseUrl);
  const migrationSets: MigrationSet[] = [
    { schema: 'platform', migrations: loadMigrations(new URL('./platform/migrations/', import.meta.url)) },
    ...selected.map((m) => ({ schema: m.schema, migrations: m.migrations, inbox: (m.subscriptions?.length ?? 0) > 0 })),
  ];
  options.beforeMigrations?.(migrationSets);
  await migrate(db, migrationSets);
  await warnIfAutovacuumOff(db, log);
  const adminKey = apiKeys.ensureAdmin(config.adminApiKey, { shows: options.showsAdminKey === true });
  options.onAdminKey?.(adminKey, () => apiKeys.adminKeyShown());
  const generatedAdminKey = await adminKey;
  const identity = new Identity(db, ids, clock, config.identity);
  await identity.ensureJwtSecret(config.identity.jwtSecret);
  const oidc = config.identity.oidc === undefined ? undefined : new OidcVerifier(config.identity.oidc);
  const authenticator = new Authenticator(apiKeys, identity, oidc);
  const locations = (): LocationMasterApi | undefined => {
    const here = selected.find((m) => m.name === 'location-master')?.api as LocationMasterApi | undefined;
    if (here !== undefined) return here;
    const remote = options.remoteApis ?? peers.option.remoteApis;
    return remote?.('locations', 'location-master');
  };
  const lookups = siteLookups(selected, locations, (typed) => identity.workerNamed(typed));
  const ownerExists = async (id: string): Promise<boolean | undefined> => {
    try {
      const here = selected.find((m) => m.name === 'inventory')?.api as InventoryApi | undefined;
      const inventory: Pick<InventoryApi, 'getOwner'> | undefined = here ?? (options.remoteApis ?? peers.option.remoteApis)?.('inventory', 'inventory');
      return inventory === undefined ? undefined : await inventory.getOwner(id) !== undefined;
    } catch {
      return undefined;
    }
  };

  const rateLimiter = rateLimiterFor(config, databaseUrl, metrics, log);
  const http = await createHttp({
    logLevel: config.logLevel, logFormat: config.logFormat, serviceName: config.serviceName, metrics, apiKeys, authenticator, siteLookups: lookups, version: VERSION, limits: config.http,
    gatewaySecret: config.gatewaySecret, ...httpHygiene(config), rateLimiter,
  });
  options.configureHttp?.(http);
  await platformRoutes(http, {
    db, bus, metrics, apiKeys, idempotency: deps.idempotency, metricsEndpoint: config.metricsEndpoint, resolveSite: lookups.resolveSite, ownerExists,
    ...(config.contexts === 'all' ? {} : { contexts: selected.map((m) => m.name) }),
  });
  await identityRoutes(http, {
    identity, failures: rateLimiter, resolveSite: lookups.resolveSite, idempotency: deps.idempotency,
    // An admin's changes to people are recorded for GET /audit in their transaction (ADR 0019 addendum).
    audit: (req) => (tx, events) => bus.append(tx, 'platform', events, requestMeta(req)),
  });
  // The browser apps: the console at /, the handheld at /rf/, and the live event stream they follow (ADR 0035).
  await liveRoutes(http, {
    events: (listener) => bus.observe(listener),
    // A stream's caller is checked again by its credentials; one the gateway forwarded (no credentials here) is kept.
    reauthenticate: async (req) => {
      const credentials = credentialsFrom(req.headers);
      return Authenticator.presents(credentials) ? authenticator.authenticate(credentials) : req.principal;
    },
  });
  await uiRoutes(http);
  for (const m of selected) {
    const routes = m.routes;
    if (routes !== undefined) await http.register(async (scope) => routes(scope), { prefix: '/api/v1' });
  }
  // All of them at once: on Kafka one consumer group for the process's contexts (ADR 0014 addendum).
  await bus.subscribeAll(selected.flatMap((m) => (m.subscriptions !== undefined && m.subscriptions.length > 0 ? [{ consumer: m.schema, subscriptions: m.subscriptions }] : [])));
  // GraphQL over the REST routes of this process; subscriptions hear the events its relay publishes. A process that
  // runs only some contexts (PAKLOG_CONTEXTS: a service of a split deployment) serves none: the gateway serves GraphQL
  // over every service's routes and never forwards /graphql, and this process's own would reach only its contexts'
  // routes. Loaded only here, so such a service never loads mercurius and graphql (~15 % of its start's CPU).
  if (config.contexts === 'all') {
    const { registerGraphql } = await import('./gateway/graphql/graphql.ts');
    await registerGraphql(http, { events: (listener) => bus.observe(listener), graphiql: config.graphiql });
  }
  await http.ready();
  // Split mode: the contract APIs of the contexts running here, served to the other processes.
  const rpc = config.rpcPort === undefined ? undefined : await (await import('./rpc/contract-rpc.ts')).serveRpc({ host: config.host, port: config.rpcPort, apis: localApis(selected), log });
  if (options.startRelay !== false) bus.start();
  const jobs = jobRunner(log, selected.flatMap((m) => m.jobs ?? []), databaseJobSchedule(db), metrics);
  if (options.startJobs !== false) jobs.start();

  return {
    http, db, bus, apiKeys, identity, authenticator, modules: selected, generatedAdminKey, rateLimiter,
    async close() {
      await http.close();
      await rpc?.close();
      await jobs.stop();
      await workers.close();
      await cache.close();
      await rateLimiter.close();
      await bus.stop();
      await transport.close();
      peers.close();
      await apiKeys.close();
      await db.close();
    },
  };
}
