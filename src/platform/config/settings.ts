import { TOOLING_SETTINGS } from '../tooling-settings.ts';

/**
 * Every environment variable PakLog reads, in one place: `loadConfig`'s readers take only these names (a read of a name
 * not listed does not compile), the CLI's own (`PAKLOG_URL`, `PAKLOG_API_KEY`, `PAKLOG_GATEWAY_URL`) are here too, and
 * test/config-settings.test.ts greps src/ for `PAKLOG_…` and fails on any name not listed. At start, a `PAKLOG_…`
 * variable of the environment that is none of these (nor the tooling's) is said: a port set under a mistyped name was
 * served quietly on 8080.
 */
export const SETTINGS = [
  'PORT', 'HOST', 'DATABASE_URL', 'LOG_LEVEL', 'NODE_ENV', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT',
  'KAFKA_BROKERS', 'NATS_URL', 'REDIS_URL', 'MQTT_URL',
  'PAKLOG_LOG_FORMAT', 'PAKLOG_ADMIN_API_KEY', 'PAKLOG_DATA_DIR', 'PAKLOG_CONTEXTS', 'PAKLOG_SEED_DEMO',
  'PAKLOG_DB_POOL_SIZE', 'PAKLOG_DB_STRICT_NESTING', 'PAKLOG_DB_PREPARED',
  'PAKLOG_BUS', 'PAKLOG_BUS_NAMESPACE', 'PAKLOG_BUS_MAX_ATTEMPTS', 'PAKLOG_BUS_ACK_WAIT_MS',
  'PAKLOG_TASK_ASSIGN_TIMEOUT_S', 'PAKLOG_TASK_MAX_FAILURES', 'PAKLOG_ORDER_STALL_S', 'PAKLOG_TASK_STALL_S', 'PAKLOG_TASK_WORK_STALL_S',
  'PAKLOG_CUTOFF_MARGIN_MIN', 'PAKLOG_EXCEPTION_SCAN_MS', 'PAKLOG_SAGA_TICK_MS', 'PAKLOG_SAGA_CRASH_AT',
  'PAKLOG_GS1_COMPANY_PREFIX', 'PAKLOG_SSCC_EXTENSION_DIGIT', 'PAKLOG_CARRIERS_FILE', 'PAKLOG_TRACKING_POLL_MS',
  'PAKLOG_CARRIER_CALL_LEASE_S', 'PAKLOG_CARRIER_CALL_GRACE_S', 'PAKLOG_CARRIER_CALL_ATTEMPTS',
  'PAKLOG_WEBHOOK_TICK_MS', 'PAKLOG_WEBHOOK_RETRY_BASE_MS', 'PAKLOG_WEBHOOK_RETRY_MAX_MS', 'PAKLOG_WEBHOOK_TIMEOUT_MS',
  'PAKLOG_WEBHOOK_MAX_FAILURES', 'PAKLOG_WEBHOOK_ALLOW_PRIVATE',
  'PAKLOG_ERP', 'PAKLOG_ERP_URL', 'PAKLOG_ERP_TOKEN', 'PAKLOG_ERP_DIR', 'PAKLOG_ERP_POLL_MS', 'PAKLOG_ERP_SNAPSHOT_SITES',
  'PAKLOG_ERP_SNAPSHOT_EVERY_MS', 'PAKLOG_TMS', 'PAKLOG_TMS_URL', 'PAKLOG_TMS_TOKEN', 'PAKLOG_TMS_CARRIERS',
  'PAKLOG_PARTNER_TICK_MS', 'PAKLOG_PARTNER_RETRY_BASE_MS', 'PAKLOG_PARTNER_RETRY_MAX_MS', 'PAKLOG_PARTNER_TIMEOUT_MS',
  'PAKLOG_PARTNER_MAX_ATTEMPTS',
  'PAKLOG_WORKER_THREADS', 'PAKLOG_WORKER_QUEUE',
  'PAKLOG_RTLS_SITE_MARGIN_M', 'PAKLOG_RTLS_SNAP_M', 'PAKLOG_RTLS_IDLE_RADIUS_M', 'PAKLOG_RTLS_STAGED_MAX_MIN',
  'PAKLOG_RTLS_IDLE_MAX_MIN', 'PAKLOG_RTLS_ALERT_SCAN_MS',
  'PAKLOG_RPC_PORT', 'PAKLOG_GRPC_PORT', 'PAKLOG_RPC_PEERS', 'PAKLOG_GATEWAY_SECRET', 'PAKLOG_SERVICES',
  'PAKLOG_HTTP_REQUEST_TIMEOUT_MS', 'PAKLOG_HTTP_HEADERS_TIMEOUT_MS', 'PAKLOG_HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'PAKLOG_HTTP_IDLE_TIMEOUT_MS', 'PAKLOG_HTTP_MAX_CONNECTIONS', 'PAKLOG_HTTP_BODY_LIMIT_BYTES',
  'PAKLOG_RATE_LIMIT_READ_PER_MIN', 'PAKLOG_RATE_LIMIT_COMMAND_PER_MIN', 'PAKLOG_RATE_LIMIT_HEAVY_PER_MIN',
  'PAKLOG_AUTH_FAILURES_PER_MIN',
  'PAKLOG_CORS_ORIGINS', 'PAKLOG_HSTS_MAX_AGE_S', 'PAKLOG_TRUST_PROXY',
  'PAKLOG_METRICS_PORT', 'PAKLOG_METRICS_HOST', 'PAKLOG_METRICS_KEY',
  'PAKLOG_JWT_SECRET', 'PAKLOG_JWT_ACCESS_TTL_S', 'PAKLOG_JWT_REFRESH_TTL_S', 'PAKLOG_JWT_REFRESH_REUSE_GRACE_S',
  'PAKLOG_OIDC_ISSUER', 'PAKLOG_OIDC_AUDIENCE', 'PAKLOG_OIDC_JWKS_URL', 'PAKLOG_OIDC_SUBJECT_CLAIM',
  // The CLI's commands that call a running PakLog (commander's `.env(…)`).
  'PAKLOG_URL', 'PAKLOG_API_KEY', 'PAKLOG_GATEWAY_URL',
] as const;

export type SettingName = (typeof SETTINGS)[number];

const KNOWN = new Set<string>(SETTINGS);

/** A name PakLog (or its tooling) reads. */
export function isKnownSetting(name: string): boolean {
  return KNOWN.has(name) || TOOLING_SETTINGS.some((t) => (t.endsWith('_') ? name.startsWith(t) : name === t));
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The known setting nearest `name`, when one is near: compared without the `PAKLOG_` prefix (so a
 * `PORT` under that prefix is `PORT`, a `DATADIR` is `PAKLOG_DATA_DIR`), at most 2 edits apart (3 for names of 10 letters and more).
 */
export function closestSetting(name: string): SettingName | undefined {
  const bare = (n: string): string => n.replace(/^PAKLOG_/, '');
  const wanted = bare(name);
  let best: { name: SettingName; d: number } | undefined;
  for (const s of SETTINGS) {
    const d = distance(wanted, bare(s));
    if (best === undefined || d < best.d) best = { name: s, d };
  }
  return best !== undefined && best.d <= (wanted.length >= 10 ? 3 : 2) ? best.name : undefined;
}

export interface UnknownSetting {
  readonly name: string;
  readonly closest: SettingName | undefined;
  /** One line: `<name> is not a PakLog setting and is ignored: did you mean PORT?`. */
  readonly message: string;
}

/** The `PAKLOG_…` variables of `env` PakLog does not read, each with the known setting nearest it. */
export function unknownSettings(env: Readonly<Record<string, string | undefined>>): UnknownSetting[] {
  return Object.keys(env).filter((n) => n.startsWith('PAKLOG_') && !isKnownSetting(n)).sort().map((name) => {
    const closest = closestSetting(name);
    const message = `${name} is not a PakLog setting and is ignored${closest === undefined ? ' (README, Configuration lists them)' : `: did you mean ${closest}?`}`;
    return { name, closest, message };
  });
}
