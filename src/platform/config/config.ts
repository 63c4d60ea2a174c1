import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readPartnerPorts, type PartnerPortsConfig } from './ports.ts';
import type { SettingName } from './settings.ts';

/** Process configuration: read from the environment once, at boot, validated with a clear message per bad value. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** External PostgreSQL; when absent the embedded server is started. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `pretty` (one readable line per entry) on a terminal, JSON otherwise; `PAKLOG_LOG_FORMAT` chooses, `ecs` for
   * Elastic Common Schema (Filebeat/Elastic).
   */
  readonly logFormat: 'json' | 'pretty' | 'ecs';
  /** `service.name` of logs and traces (OTEL_SERVICE_NAME, default `paklog`): one per role in a cluster. */
  readonly serviceName: string;
  /** OTLP/HTTP collector (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. Jaeger's `http://jaeger:4318`): traces on when set. */
  readonly otlpEndpoint: string | undefined;
  /** Bootstrap admin API key; generated and printed once on first start when absent. */
  readonly adminApiKey: string | undefined;
  /** Which contexts this process runs (all by default). */
  readonly contexts: readonly string[] | 'all';
  readonly seedDemo: boolean;
  readonly dbPoolSize: number;
  /** Refuse a second connection asked for while a transaction is open in the same call (PAKLOG_DB_STRICT_NESTING; tests). */
  readonly dbStrictNesting: boolean;
  /** Parameterised statements run as named prepared statements (PAKLOG_DB_PREPARED, default on; ADR 0042). */
  readonly dbPrepared: boolean;
  readonly busMaxAttempts: number;
  /**
   * The `ack_wait` of the NATS durables this process makes (PAKLOG_BUS_ACK_WAIT_MS, default 30 s): how long after a
   * consumer process dies the messages it had pulled and not acked are delivered again. Tests that kill consumers
   * shorten it; an existing durable keeps its own.
   */
  readonly busAckWaitMs: number;
  /** Seconds an ASSIGNED task may wait to be started before it goes back to the queue. */
  readonly taskAssignTimeoutS: number;
  /** A task reported FAILED this many times stays FAILED for a supervisor (exception TASK_FAILED); below it, it is re-queued. */
  readonly taskMaxFailures: number;
  /** Orchestration (docs/operations/exceptions.md): an order in one non-final state this long raises ORDER_NOT_MOVING. */
  readonly orderStallS: number;
  /** A task QUEUED this long without being taken raises TASK_NOT_STARTED. */
  readonly taskStallS: number;
  /** A task IN_PROGRESS or PAUSED this long without a move raises TASK_NOT_FINISHED. */
  readonly taskWorkStallS: number;
  /** Labels (ADR 0032): the GS1 company prefix SSCCs are made from (PAKLOG_GS1_COMPANY_PREFIX, 6-12 digits). */
  readonly gs1CompanyPrefix: string;
  /** The SSCC extension digit (PAKLOG_SSCC_EXTENSION_DIGIT, 0-9). */
  readonly ssccExtensionDigit: number;
  /** A JSON file of rate-table and REST carriers (PAKLOG_CARRIERS_FILE; docs/dev/carriers.md). */
  readonly carriersFile: string | undefined;
  /** How often carriers with a tracking API are polled (PAKLOG_TRACKING_POLL_MS). */
  readonly trackingPollMs: number;
  /**
   * Remote carriers' bookings owed (ADR 0056): how long an attempt holds one while it asks the carrier
   * (PAKLOG_CARRIER_CALL_LEASE_S; longer than every REST carrier's `timeoutMs`, checked at start), how old an owed one
   * is before the carrier-calls job asks again (PAKLOG_CARRIER_CALL_GRACE_S), and the attempts before it is given to a
   * person as LABEL_BOOKING_UNSETTLED (PAKLOG_CARRIER_CALL_ATTEMPTS).
   */
  readonly carrierCalls: { readonly leaseMs: number; readonly graceMs: number; readonly attempts: number };
  /** CUTOFF_AT_RISK is raised for an order not packed this many minutes before its carrier's cut-off. */
  readonly cutoffMarginMin: number;
  /** Period of the stuck-work scan (dead letters, tasks nobody takes), milliseconds. */
  readonly exceptionScanMs: number;
  /** Period of the saga runner, milliseconds. */
  readonly sagaTickMs: number;
  /** Outbound webhooks (docs/operations/webhooks.md): the delivery job's period, retries, timeout, when a subscription is disabled. */
  readonly webhooks: {
    readonly tickMs: number; readonly retryBaseMs: number; readonly retryMaxMs: number; readonly timeoutMs: number; readonly maxFailures: number; readonly allowPrivate: boolean;
  };
  /** ERP and TMS ports of integrations (`PAKLOG_ERP*`, `PAKLOG_TMS*`, `PAKLOG_PARTNER_*`; ADR 0039). */
  readonly partners: PartnerPortsConfig;
  /** Crash tests only: `<step>:<before|after>:<run|compensate>` at which the process SIGKILLs itself. */
  readonly sagaCrashAt: string | undefined;
  /** Worker threads for heavy optimisation (slotting, wave batching); 0 runs it on the event loop. */
  readonly workerThreads: number;
  /** Heavy computations that may wait for a worker thread; more are refused with 503 BUSY. */
  readonly workerQueue: number;
  /** Event transport between processes: `inline` (one process, the default), `nats` (NATS JetStream) or `kafka`. */
  readonly bus: 'inline' | 'nats' | 'kafka';
  /** Broker topic/stream namespace, so several installations (or test runs) can share one broker. */
  readonly busNamespace: string;
  /** `host:port` list of Kafka brokers (KAFKA_BROKERS). */
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly natsUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** The RTLS feed (location-tracking): `mqtt://host:1883`; positions are consumed from it only when set. */
  readonly mqttUrl: string | undefined;
  /** Location tracking (`PAKLOG_RTLS_*`, docs/operations/location-tracking.md). */
  readonly rtls: {
    readonly siteMarginM: number;
    readonly snapM: number;
    readonly idleRadiusM: number;
    readonly stagedMaxMin: number;
    readonly idleMaxMin: number;
    readonly alertScanMs: number;
  };
  /** Split mode: port of this process's gRPC server for the contract APIs of the contexts it runs (PAKLOG_RPC_PORT). */
  readonly rpcPort: number | undefined;
  /**
   * Port of the public gRPC API (floor and integration services) of `paklog start` (all contexts) and `paklog gateway`
   * (PAKLOG_GRPC_PORT; default 50051, 0 = any free port, `off` = not served). Split-mode services never serve it.
   */
  readonly grpcPort: number | undefined;
  /** Split mode: `context=host:port` of the processes running the contexts this one calls (PAKLOG_RPC_PEERS). */
  readonly rpcPeers: Readonly<Record<string, string>>;
  /** Split mode: shared by the gateway and the services; the gateway signs the callers it authenticated with it. */
  readonly gatewaySecret: string | undefined;
  /** The gateway: base URLs of the service processes it routes to (PAKLOG_SERVICES). */
  readonly services: readonly string[];
  /** Limits against slow and idle clients (`PAKLOG_HTTP_*`). */
  readonly http: {
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly maxConnections: number;
  };
  /** Largest request body accepted, in bytes (`PAKLOG_HTTP_BODY_LIMIT_BYTES`); more is 413. */
  readonly bodyLimitBytes: number;
  /** Requests per minute per API key and route class (0 = unlimited), and refused keys per client address (`PAKLOG_RATE_LIMIT_*`). */
  readonly rateLimits: {
    readonly readPerMin: number;
    readonly commandPerMin: number;
    readonly heavyPerMin: number;
    readonly authFailuresPerMin: number;
  };
  /** Browser origins allowed to call the API (`PAKLOG_CORS_ORIGINS`; `*` for any); empty = no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** `Strict-Transport-Security` max-age in seconds, only behind TLS (`PAKLOG_HSTS_MAX_AGE_S`); 0 = not sent. */
  readonly hstsMaxAgeS: number;
  /**
   * Which reverse proxies' `X-Forwarded-For` names the client (`PAKLOG_TRUST_PROXY`): their addresses or CIDRs, or `true`
   * for any. `false` (unset): the client is the connection's peer.
   */
  readonly trustProxy: TrustProxy;
  /** GraphiQL at `/graphiql`: on unless `NODE_ENV=production` (it loads its scripts from a CDN). */
  readonly graphiql: boolean;
  /** Where `/metrics` is served: a separate loopback port, behind a bearer key, or (neither) open on the main port. */
  readonly metricsEndpoint: {
    readonly port: number | undefined;
    readonly host: string;
    readonly key: string | undefined;
  };
  /** People's sessions (ADR 0019): see `PAKLOG_JWT_*` and `PAKLOG_OIDC_*` in the README. */
  readonly identity: IdentityConfig;
}

/** Sign-in of people: PakLog's own access JWTs and refresh tokens, and an optional external OIDC provider. */
export interface IdentityConfig {
  /** HS256 secret of PakLog's access tokens; absent: one is generated at first start and kept in the database. */
  readonly jwtSecret: string | undefined;
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
  /** How long a used refresh token may be presented again as the retry of a refresh whose answer was lost (0: never). */
  readonly refreshReuseGraceS: number;
  readonly oidc: OidcConfig | undefined;
}

export interface OidcConfig {
  readonly issuer: string;
  /** Absent: the issuer's discovery document's `jwks_uri`, else `<issuer>/.well-known/jwks.json`. */
  readonly jwksUrl: string | undefined;
  readonly audience: string;
  /** The claim naming the PakLog user (its `oidc_subject`); `sub` by default. */
  readonly subjectClaim: string;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Connections per process unless PAKLOG_DB_POOL_SIZE says otherwise: 3 per core, at least 6 and at most 20 (6 on
 * 2 cores, 12 on 4, 20 from 7; ADR 0050). Each connection is a PostgreSQL process with its own catalog and prepared-statement caches
 * (several MiB); more of them than the machine can run only queue, and hold that memory (ADR 0048).
 */
export function defaultDbPoolSize(cores: number): number {
  return Math.min(20, Math.max(6, 3 * cores));
}

/** `stdoutIsTerminal` decides the default log format: people read a terminal, machines read the rest. */
/**
 * The folder `data` defaults to: the project's (the nearest folder at or above `cwd` with a package.json, where
 * `npm start` runs), else `cwd`. It was `cwd` itself, so a command run from a subfolder of the project (`npx paklog
 * inventory reconcile` in docs/) made a new, empty embedded PostgreSQL there, printed a new admin key and reported on
 * that empty database as if it were the warehouse's.
 */
export function projectFolder(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, stdoutIsTerminal = process.stdout.isTTY === true, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: SettingName): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: SettingName, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const num = (name: SettingName, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const bool = (name: SettingName, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  };
  const url = (name: SettingName, protocols: readonly string[]): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const logLevelRaw = str('LOG_LEVEL') ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelRaw) ? (logLevelRaw as Config['logLevel']) : undefined;
  if (logLevel === undefined) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);

  const logFormatRaw = str('PAKLOG_LOG_FORMAT')?.toLowerCase();
  if (logFormatRaw !== undefined && logFormatRaw !== 'json' && logFormatRaw !== 'pretty' && logFormatRaw !== 'ecs') {
    problems.push(`PAKLOG_LOG_FORMAT must be json, ecs or pretty, got "${logFormatRaw}"`);
  }
  const logFormat = logFormatRaw === 'json' || logFormatRaw === 'pretty' || logFormatRaw === 'ecs' ? logFormatRaw : stdoutIsTerminal ? 'pretty' : 'json';

  const adminApiKey = str('PAKLOG_ADMIN_API_KEY');
  if (adminApiKey !== undefined && adminApiKey.length < 16) {
    problems.push('PAKLOG_ADMIN_API_KEY must be at least 16 characters long');
  }
  // GS1's own example prefix (General Specifications) until the installation configures the one GS1 issued to it.
  const gs1CompanyPrefix = str('PAKLOG_GS1_COMPANY_PREFIX') ?? '0614141';
  if (!/^[0-9]{6,12}$/.test(gs1CompanyPrefix)) problems.push(`PAKLOG_GS1_COMPANY_PREFIX must be 6 to 12 digits, got "${gs1CompanyPrefix}"`);
  const contextsRaw = str('PAKLOG_CONTEXTS');
  const contexts = contextsRaw === undefined || contextsRaw === 'all' ? 'all' : contextsRaw.split(',').map((c) => c.trim()).filter((c) => c !== '');

  const busRaw = str('PAKLOG_BUS')?.toLowerCase() ?? 'inline';
  const bus = busRaw === 'inline' || busRaw === 'nats' || busRaw === 'kafka' ? busRaw : 'inline';
  if (bus !== busRaw) problems.push(`PAKLOG_BUS must be inline, nats or kafka, got "${busRaw}"`);
  const kafkaBrokers = str('KAFKA_BROKERS')?.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (kafkaBrokers?.some((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)) === true) problems.push('KAFKA_BROKERS must be a comma-separated list of host:port');
  if (bus === 'kafka' && (kafkaBrokers === undefined || kafkaBrokers.length === 0)) problems.push('PAKLOG_BUS=kafka needs KAFKA_BROKERS (e.g. 127.0.0.1:9092)');
  if (bus === 'nats' && str('NATS_URL') === undefined) problems.push('PAKLOG_BUS=nats needs NATS_URL (e.g. nats://127.0.0.1:4222)');
  const busNamespace = str('PAKLOG_BUS_NAMESPACE') ?? 'paklog';
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(busNamespace)) problems.push('PAKLOG_BUS_NAMESPACE must be lower-case letters, digits and dashes (at most 40), starting with a letter');

  const rpcPortRaw = str('PAKLOG_RPC_PORT');
  const rpcPort = rpcPortRaw === undefined ? undefined : int('PAKLOG_RPC_PORT', 0, 0, 65535);
  const grpcPortRaw = str('PAKLOG_GRPC_PORT')?.toLowerCase();
  const grpcPort = grpcPortRaw === 'off' ? undefined : int('PAKLOG_GRPC_PORT', 50051, 0, 65535);
  const rpcPeers: Record<string, string> = {};
  for (const entry of (str('PAKLOG_RPC_PEERS') ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const m = /^([a-z][a-z-]*)=([A-Za-z0-9.-]+:\d{1,5})$/.exec(entry);
    if (m === null) problems.push(`PAKLOG_RPC_PEERS must be a comma-separated list of context=host:port, got "${entry}"`);
    else rpcPeers[m[1] ?? ''] = m[2] ?? '';
  }
  const gatewaySecret = str('PAKLOG_GATEWAY_SECRET');
  if (gatewaySecret !== undefined && gatewaySecret.length < 32) problems.push('PAKLOG_GATEWAY_SECRET must be at least 32 characters long');
  const services = (str('PAKLOG_SERVICES') ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
  for (const u of services) {
    if (!/^https?:\/\/[^\s/]+\/?$/.test(u)) problems.push(`PAKLOG_SERVICES must be a comma-separated list of base URLs (http://host:port), got "${u}"`);
  }

  const corsOrigins = (str('PAKLOG_CORS_ORIGINS') ?? '').split(',').map((o) => o.trim().replace(/\/$/, '')).filter((o) => o !== '');
  for (const o of corsOrigins) {
    if (o !== '*' && !/^https?:\/\/[^\s/]+$/.test(o)) problems.push(`PAKLOG_CORS_ORIGINS must be * or a comma-separated list of origins (https://host[:port]), got "${o}"`);
  }
  const trustProxy = parseTrustProxy(str('PAKLOG_TRUST_PROXY'), problems);
  if (corsOrigins.includes('*') && corsOrigins.length > 1) problems.push('PAKLOG_CORS_ORIGINS is either * alone or a list of origins');
  const metricsPort = str('PAKLOG_METRICS_PORT') === undefined ? undefined : int('PAKLOG_METRICS_PORT', 0, 0, 65535);
  const metricsKey = str('PAKLOG_METRICS_KEY');
  if (metricsKey !== undefined && metricsKey.length < 16) problems.push('PAKLOG_METRICS_KEY must be at least 16 characters long');
  if (metricsKey !== undefined && metricsPort !== undefined) problems.push('PAKLOG_METRICS_PORT and PAKLOG_METRICS_KEY are alternatives: set one');
  const mainPort = int('PORT', 8080, 0, 65535);
  const jwtSecret = str('PAKLOG_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) problems.push('PAKLOG_JWT_SECRET must be at least 32 characters long');
  const oidcIssuer = url('PAKLOG_OIDC_ISSUER', ['https:', 'http:']);
  const oidcAudience = str('PAKLOG_OIDC_AUDIENCE');
  if (oidcIssuer !== undefined && oidcAudience === undefined) problems.push('PAKLOG_OIDC_ISSUER needs PAKLOG_OIDC_AUDIENCE (the client id tokens are issued for)');
  const oidcJwksUrl = url('PAKLOG_OIDC_JWKS_URL', ['https:', 'http:']);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === mainPort) problems.push('PAKLOG_METRICS_PORT must differ from PORT');
  if (grpcPort !== undefined && grpcPort !== 0 && [mainPort, rpcPort, metricsPort].includes(grpcPort)) {
    problems.push('PAKLOG_GRPC_PORT must differ from PORT, PAKLOG_RPC_PORT and PAKLOG_METRICS_PORT');
  }

  function sagaCrashAt(): string | undefined {
    const v = str('PAKLOG_SAGA_CRASH_AT');
    if (v !== undefined && !/^[a-z0-9-]+:(before|after):(run|compensate)$/.test(v)) problems.push(`PAKLOG_SAGA_CRASH_AT must be <step>:<before|after>:<run|compensate>, got "${v}"`);
    return v;
  }

  const config: Config = {
    port: mainPort,
    host: str('HOST') ?? '127.0.0.1',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: str('PAKLOG_DATA_DIR') ?? join(projectFolder(cwd), 'data'),
    logLevel: logLevel ?? 'info',
    logFormat,
    serviceName: str('OTEL_SERVICE_NAME') ?? 'paklog',
    otlpEndpoint: url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
    adminApiKey,
    contexts,
    seedDemo: bool('PAKLOG_SEED_DEMO', true),
    dbPoolSize: int('PAKLOG_DB_POOL_SIZE', defaultDbPoolSize(availableParallelism()), 2, 500),
    dbStrictNesting: bool('PAKLOG_DB_STRICT_NESTING', false),
    dbPrepared: bool('PAKLOG_DB_PREPARED', true),
    busMaxAttempts: int('PAKLOG_BUS_MAX_ATTEMPTS', 5, 1, 100),
    busAckWaitMs: int('PAKLOG_BUS_ACK_WAIT_MS', 30_000, 1_000, 3_600_000),
    taskAssignTimeoutS: int('PAKLOG_TASK_ASSIGN_TIMEOUT_S', 300, 10, 86_400),
    taskMaxFailures: int('PAKLOG_TASK_MAX_FAILURES', 3, 1, 100),
    orderStallS: int('PAKLOG_ORDER_STALL_S', 3_600, 1, 30 * 86_400),
    taskStallS: int('PAKLOG_TASK_STALL_S', 900, 1, 30 * 86_400),
    taskWorkStallS: int('PAKLOG_TASK_WORK_STALL_S', 3_600, 1, 30 * 86_400),
    cutoffMarginMin: int('PAKLOG_CUTOFF_MARGIN_MIN', 60, 0, 24 * 60),
    gs1CompanyPrefix,
    ssccExtensionDigit: int('PAKLOG_SSCC_EXTENSION_DIGIT', 0, 0, 9),
    carriersFile: str('PAKLOG_CARRIERS_FILE'),
    trackingPollMs: int('PAKLOG_TRACKING_POLL_MS', 300_000, 500, 86_400_000),
    carrierCalls: {
      leaseMs: int('PAKLOG_CARRIER_CALL_LEASE_S', 30, 1, 3_600) * 1_000,
      graceMs: int('PAKLOG_CARRIER_CALL_GRACE_S', 60, 0, 86_400) * 1_000,
      attempts: int('PAKLOG_CARRIER_CALL_ATTEMPTS', 5, 1, 100),
    },
    exceptionScanMs: int('PAKLOG_EXCEPTION_SCAN_MS', 30_000, 100, 3_600_000),
    sagaTickMs: int('PAKLOG_SAGA_TICK_MS', 1_000, 20, 60_000),
    sagaCrashAt: sagaCrashAt(),
    webhooks: {
      tickMs: int('PAKLOG_WEBHOOK_TICK_MS', 1_000, 20, 60_000),
      retryBaseMs: int('PAKLOG_WEBHOOK_RETRY_BASE_MS', 1_000, 10, 3_600_000),
      retryMaxMs: int('PAKLOG_WEBHOOK_RETRY_MAX_MS', 300_000, 10, 86_400_000),
      timeoutMs: int('PAKLOG_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      maxFailures: int('PAKLOG_WEBHOOK_MAX_FAILURES', 50, 1, 100_000),
      // Loopback and private networks as webhook receivers (an ERP on the LAN); link-local (cloud metadata) never.
      allowPrivate: bool('PAKLOG_WEBHOOK_ALLOW_PRIVATE', true),
    },
    partners: readPartnerPorts({ str, int, url }, problems),
    // One thread per spare core (at least one): the event loop keeps a core for requests.
    workerThreads: int('PAKLOG_WORKER_THREADS', Math.max(1, Math.min(4, availableParallelism() - 1)), 0, 64),
    workerQueue: int('PAKLOG_WORKER_QUEUE', 16, 0, 10_000),
    bus,
    busNamespace,
    kafkaBrokers,
    natsUrl: url('NATS_URL', ['nats:', 'tls:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    mqttUrl: url('MQTT_URL', ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']),
    rtls: {
      siteMarginM: num('PAKLOG_RTLS_SITE_MARGIN_M', 10, 0, 1_000),
      snapM: num('PAKLOG_RTLS_SNAP_M', 2, 0.1, 100),
      idleRadiusM: num('PAKLOG_RTLS_IDLE_RADIUS_M', 1.5, 0, 100),
      stagedMaxMin: int('PAKLOG_RTLS_STAGED_MAX_MIN', 120, 1, 30 * 24 * 60),
      idleMaxMin: int('PAKLOG_RTLS_IDLE_MAX_MIN', 10, 1, 24 * 60),
      alertScanMs: int('PAKLOG_RTLS_ALERT_SCAN_MS', 30_000, 100, 3_600_000),
    },
    rpcPort,
    grpcPort,
    rpcPeers,
    gatewaySecret,
    services: services.map((u) => u.replace(/\/$/, '')),
    http: {
      requestTimeoutMs: int('PAKLOG_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      headersTimeoutMs: int('PAKLOG_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
      keepAliveTimeoutMs: int('PAKLOG_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 3_600_000),
      idleTimeoutMs: int('PAKLOG_HTTP_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
      maxConnections: int('PAKLOG_HTTP_MAX_CONNECTIONS', 1_000, 1, 1_000_000),
    },
    bodyLimitBytes: int('PAKLOG_HTTP_BODY_LIMIT_BYTES', 2 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    // Generous: a scanner or an integration never meets them; a runaway client loop does (ADR 0018).
    rateLimits: {
      readPerMin: int('PAKLOG_RATE_LIMIT_READ_PER_MIN', 6_000, 0, 10_000_000),
      commandPerMin: int('PAKLOG_RATE_LIMIT_COMMAND_PER_MIN', 3_000, 0, 10_000_000),
      heavyPerMin: int('PAKLOG_RATE_LIMIT_HEAVY_PER_MIN', 120, 0, 10_000_000),
      authFailuresPerMin: int('PAKLOG_AUTH_FAILURES_PER_MIN', 30, 0, 10_000_000),
    },
    corsOrigins,
    hstsMaxAgeS: int('PAKLOG_HSTS_MAX_AGE_S', 0, 0, 100_000_000),
    trustProxy,
    graphiql: env.NODE_ENV !== 'production',
    metricsEndpoint: { port: metricsPort, host: str('PAKLOG_METRICS_HOST') ?? '127.0.0.1', key: metricsKey },
    identity: {
      jwtSecret,
      accessTokenTtlS: int('PAKLOG_JWT_ACCESS_TTL_S', 900, 30, 86_400),
      refreshTokenTtlS: int('PAKLOG_JWT_REFRESH_TTL_S', 14 * 86_400, 300, 365 * 86_400),
      refreshReuseGraceS: int('PAKLOG_JWT_REFRESH_REUSE_GRACE_S', 30, 0, 300),
      oidc: oidcIssuer === undefined || oidcAudience === undefined ? undefined : {
        issuer: oidcIssuer, jwksUrl: oidcJwksUrl, audience: oidcAudience, subjectClaim: str('PAKLOG_OIDC_SUBJECT_CLAIM') ?? 'sub',
      },
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The key prefix of one installation in a shared Redis (cache entries, rate-limit counters): the processes sharing a
 * database share it, nobody else does.
 */
export function installationNamespace(config: Pick<Config, 'busNamespace'>, databaseUrl: string): string {
  return `${config.busNamespace}:${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`;
}

/** Fastify's `trustProxy`: off, any proxy, or these proxy addresses/CIDRs. */
export type TrustProxy = boolean | readonly string[];

/**
 * `PAKLOG_TRUST_PROXY` (ADR 0018): unset or `false` = off; `true` = trust any `X-Forwarded-For` (only when nothing but
 * the proxy can reach PakLog); else a comma-separated list of the proxies' addresses or CIDRs (`10.0.0.0/8, 192.168.1.5`),
 * the safest. A number of hops is refused: Fastify 5 trusts no peer for it (a direct caller could name any address).
 */
export function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const e of entries) {
    const [address, bits, ...rest] = e.split('/');
    const family = isIP(address ?? '');
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !okBits || rest.length > 0) {
      problems.push(`PAKLOG_TRUST_PROXY is true, false or a comma-separated list of proxy addresses or CIDRs; "${e}" is none of these`);
      return false;
    }
  }
  return entries.length === 0 ? false : entries;
}
