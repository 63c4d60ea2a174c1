/**
 * A split deployment in real processes, as docs/operations/distributed.md runs it by hand: a gateway and service
 * processes, each on its own database, talking over a broker (Kafka or NATS) and gRPC. Used by the split end-to-end
 * test, the split fault test and `npm run bench -- flow --mode split`.
 */
import { randomBytes } from 'node:crypto';
import { until, type Call } from './flow-driver.ts';
import { cleanEnv, cpuProfileEnv, crashAndRestart, freePort, standbyPakLog, startPakLog, type Restartable, type StartedPakLog } from './paklog-process.ts';
import { createTestDatabase } from './test-database.ts';

export type SplitBus = 'kafka' | 'nats';

/** The services of acceptance (b): orders + waves; catalog + location-master + inventory; tasks + picking + pack-ship (+ physical-tracking). */
export const SPLIT_SERVICES = [
  { name: 'stock', contexts: ['catalog', 'location-master', 'inventory', 'location-tracking'] },
  { name: 'flow', contexts: ['orders', 'waves', 'orchestration', 'workload', 'integrations'] },
  { name: 'floor', contexts: ['tasks', 'picking', 'pack-ship', 'quality', 'physical-tracking'] },
] as const;

/** Which service answers for a context's gRPC API. */
const API_CONTEXTS = ['catalog', 'location-master', 'inventory', 'pack-ship', 'physical-tracking', 'tasks'] as const;

interface ServiceProcess extends Restartable {
  readonly name: string;
  readonly contexts: readonly string[];
  readonly url: string;
}

export interface SplitCluster {
  readonly gatewayUrl: string;
  /** The gateway's public gRPC API (`host:port`). */
  readonly grpcTarget: string;
  readonly adminKey: string;
  readonly services: readonly ServiceProcess[];
  readonly gateway: StartedPakLog;
  /** Each process's database (the gateway's first), for a post-mortem (test/support/chaos.ts, `diagnose`). */
  readonly databases: readonly { readonly name: string; readonly url: string }[];
  /** The broker the processes talk over: its kind, address and the namespace of this cluster's topics and consumers. */
  readonly broker: { readonly bus: SplitBus; readonly url: string; readonly namespace: string };
  /** An HTTP client through the gateway. */
  client(key: string, timings?: Map<string, number[]>): Call;
  /** kill -9 a service and start it again on the same port and database; resolves once it is ready. */
  crashAndRestart(name: string): Promise<void>;
  /** Stops a service (SIGTERM) and leaves it down until {@link SplitCluster.startService}: a peer out of reach for a while. */
  stopService(name: string): Promise<void>;
  /** Starts a stopped service again on its port and database; resolves once it is ready. */
  startService(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface SplitOptions {
  readonly bus: SplitBus;
  /** One fresh database URL per process: the gateway's and one per service. */
  readonly databases: { gateway: string; services: readonly string[] };
  readonly extraEnv?: Record<string, string>;
  /** Keep a warm standby of each service from the start (fault tests): the first kill of each is as cheap as the others. */
  readonly standby?: boolean;
}

export function brokerEnv(bus: SplitBus): Record<string, string> {
  return bus === 'kafka'
    ? { PAKLOG_BUS: 'kafka', KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' }
    : { PAKLOG_BUS: 'nats', NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' };
}

/**
 * The four databases of a split deployment, in `startSplitCluster`'s order: the gateway's (empty), then each service's, a
 * clone of a template of its contexts' migrations (made once per run: test-database.ts), so that a cluster's start does
 * not run them again. Each service still runs `migrate` at its start, which finds them applied.
 */
export function splitTestDatabases(): Promise<{ url: string; drop: () => Promise<void> }[]> {
  return Promise.all([createTestDatabase(), ...SPLIT_SERVICES.map((s) => createTestDatabase({ migrated: s.contexts }))]);
}

export async function startSplitCluster(o: SplitOptions): Promise<SplitCluster> {
  const adminKey = `pk_split_${randomBytes(16).toString('hex')}`;
  const common: Record<string, string> & { PAKLOG_BUS_NAMESPACE: string } = {
    ...brokerEnv(o.bus),
    PAKLOG_BUS_NAMESPACE: `split-${randomBytes(4).toString('hex')}`,
    PAKLOG_GATEWAY_SECRET: randomBytes(24).toString('hex'),
    PAKLOG_ADMIN_API_KEY: adminKey,
    PAKLOG_SEED_DEMO: 'false',
    PAKLOG_LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    PAKLOG_WORKER_THREADS: '0',
    ...o.extraEnv,
  };
  const ports = await Promise.all(SPLIT_SERVICES.map(async () => ({ http: await freePort(), rpc: await freePort() })));
  const peers = API_CONTEXTS.map((c) => {
    const i = SPLIT_SERVICES.findIndex((s) => (s.contexts as readonly string[]).includes(c));
    return `${c}=127.0.0.1:${ports[i]!.rpc}`;
  }).join(',');
  const services: ServiceProcess[] = SPLIT_SERVICES.map((s, i) => ({
    name: s.name, contexts: s.contexts, url: `http://127.0.0.1:${ports[i]!.http}`, process: undefined as unknown as StartedPakLog,
    env: cleanEnv({
      ...common, OTEL_SERVICE_NAME: `paklog-${s.name}`, DATABASE_URL: o.databases.services[i]!, PAKLOG_CONTEXTS: s.contexts.join(','),
      PORT: String(ports[i]!.http), PAKLOG_RPC_PORT: String(ports[i]!.rpc), PAKLOG_RPC_PEERS: peers,
      ...cpuProfileEnv(s.name),
    }),
  }));
  const started: StartedPakLog[] = [];
  const starting = services.map(async (s) => {
    s.process = await startPakLog(s.env);
    started.push(s.process);
  });
  try {
    await Promise.all(starting);
    const [gatewayPort, grpcPort] = [await freePort(), await freePort()];
    const gateway = await startPakLog(cleanEnv({
      ...common, OTEL_SERVICE_NAME: 'paklog-gateway', DATABASE_URL: o.databases.gateway, PORT: String(gatewayPort), PAKLOG_GRPC_PORT: String(grpcPort),
      PAKLOG_SERVICES: services.map((s) => s.url).join(','), ...cpuProfileEnv('gateway'),
    }), undefined, 'gateway');
    started.push(gateway);
    if (o.standby === true) for (const s of services) s.standby = standbyPakLog(s.env);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const serviceNamed = (name: string): ServiceProcess => {
      const s = services.find((x) => x.name === name);
      if (s === undefined) throw new Error(`no service ${name}`);
      return s;
    };
    return {
      gatewayUrl, grpcTarget: `127.0.0.1:${grpcPort}`, adminKey, services, gateway,
      databases: [{ name: 'gateway', url: o.databases.gateway }, ...services.map((s) => ({ name: s.name, url: s.env.DATABASE_URL! }))],
      broker: { bus: o.bus, url: (o.bus === 'kafka' ? common.KAFKA_BROKERS : common.NATS_URL) ?? '', namespace: common.PAKLOG_BUS_NAMESPACE },
      client: (key, timings) => httpClient(gatewayUrl, key, timings),
      async crashAndRestart(name) {
        const s = services.find((x) => x.name === name);
        if (s === undefined) throw new Error(`no service ${name}`);
        await crashAndRestart(s, `service ${name}`);
      },
      async stopService(name) {
        await serviceNamed(name).process.stop();
      },
      async startService(name) {
        const s = serviceNamed(name);
        s.process = await startPakLog(s.env);
      },
      async close() {
        for (const s of services) s.standby?.dismiss();
        await gateway.stop();
        await Promise.all(services.map((s) => s.process.stop()));
      },
    };
  } catch (e) {
    // The services still starting when one failed are stopped too, once up: left running, they would stay members of
    // the namespace's consumer groups (a retry reuses it) and take partitions from the next attempt's services.
    await Promise.allSettled(starting);
    await Promise.all(started.map((p) => p.stop()));
    throw e;
  }
}

/** A client over real HTTP (fetch), with per-step timings like the in-process one. */
export function httpClient(baseUrl: string, key: string, timings?: Map<string, number[]>, headers: Record<string, string> = {}): Call {
  return async (step, method, url, body) => {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...headers, 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const elapsed = performance.now() - t0;
    if (timings !== undefined) {
      const list = timings.get(step) ?? [];
      list.push(elapsed);
      timings.set(step, list);
    }
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/**
 * A client that rides out a service restarting behind the gateway: each logical call carries its own
 * `Idempotency-Key` (POSTs), and is sent again with the same key on a network error, a 5xx or 409 IDEMPOTENCY_IN_PROGRESS
 * — so a command that committed before its process died is answered from its stored response, never run twice.
 */
export function resilientClient(baseUrl: string, key: string, o: { giveUpMs?: number; retries?: { n: number } } = {}): Call {
  return async (step, method, url, body) => {
    const idempotencyKey = `${step.replace(/[^A-Za-z0-9]/g, '-')}-${randomBytes(8).toString('hex')}`;
    const deadline = Date.now() + (o.giveUpMs ?? 90_000);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${baseUrl}${url}`, {
          method,
          headers: {
            'x-api-key': key, ...(method === 'POST' ? { 'idempotency-key': idempotencyKey } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        const parsed: unknown = text === '' ? undefined : JSON.parse(text);
        const code = (parsed as { code?: string } | undefined)?.code;
        const transient = res.status >= 500 || (res.status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS');
        if (!transient || Date.now() > deadline) return { status: res.status, body: parsed as never };
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`${step}: ${method} ${url} kept failing: ${(e as Error).message}`);
      }
      if (o.retries !== undefined) o.retries.n++;
      await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** Math.min(attempt, 5))));
    }
  };
}

/**
 * Pack-ship learns of the picks and of the end of picking through the broker. It says "still being picked" (409
 * CONFLICT) to a shipment until the end of picking arrived, and that end waits until pack-ship has heard of as many
 * picks as picking made: once it answers NOTHING_TO_SHIP instead, every unit is there to pack.
 */
export async function packAndShipWhenReady(floor: Call, orderId: string): Promise<void> {
  await until(`pack-ship knows ${orderId} is picked`, async () => (await floor('probe shipment', 'POST', '/api/v1/shipments', { orderId })).body as { code?: string },
    (b) => b.code === 'NOTHING_TO_SHIP', 120_000);
  const packed = await floor('pack', 'POST', '/api/v1/packages', { orderId });
  if (packed.status !== 201) throw new Error(`pack ${orderId} → ${packed.status} ${JSON.stringify(packed.body)}`);
  const shipment = await floor('create shipment', 'POST', '/api/v1/shipments', { orderId });
  if (shipment.status !== 201) throw new Error(`shipment ${orderId} → ${shipment.status} ${JSON.stringify(shipment.body)}`);
  const dispatched = await floor('dispatch', 'POST', `/api/v1/shipments/${(shipment.body as { id: string }).id}/dispatch`);
  if (dispatched.status !== 200) throw new Error(`dispatch ${orderId} → ${dispatched.status} ${JSON.stringify(dispatched.body)}`);
}

