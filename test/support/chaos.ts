/**
 * Chaos over real processes (issue 18, scope 7): orders flow from intake to shipment through `paklog` processes while
 * one of them at a time is SIGKILLed at a random moment and restarted (from a warm standby, paklog-process.ts), then
 * the end is checked over the API: every order once and SHIPPED, each event once, units conserved, no dead letter.
 * Two targets: `all` (one `paklog start` process, inline bus) and `split` (gateway + three services over a broker,
 * split-cluster.ts; the services are the victims). Shared by test/e2e/split-faults.test.ts and
 * `npm run bench -- chaos`. Nothing here uses vitest: the checks return the problems they found.
 */
import { randomBytes } from 'node:crypto';
import { createOrder, planAndRelease, until, workTasks, type Call, type Warehouse } from './flow-driver.ts';
import { cleanEnv, crashAndRestart, freePort, standbyPakLog, startPakLog, type Restartable } from './paklog-process.ts';
import { packAndShipWhenReady, resilientClient, startSplitCluster, type SplitBus, type SplitCluster } from './split-cluster.ts';

export type ChaosMode = 'all' | 'split';

/** A deployment whose processes can be killed: through its `gatewayUrl` (the server itself when all-in-one). */
export interface ChaosTarget {
  readonly mode: ChaosMode;
  readonly gatewayUrl: string;
  readonly adminKey: string;
  /** The processes the chaos picks from. */
  readonly victims: readonly string[];
  /** SIGKILL `name` and start it again (same port, same database); resolves once it is ready. */
  crashAndRestart(name: string): Promise<void>;
  close(): Promise<void>;
}

/** One `paklog start` process (every context, inline bus) on `databaseUrl`. */
export async function startAllInOne(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<ChaosTarget> {
  const adminKey = `pk_chaos_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const env = cleanEnv({
    DATABASE_URL: databaseUrl, PORT: String(port), PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false', PAKLOG_LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn', PAKLOG_WORKER_THREADS: '0', ...extraEnv,
  });
  const slot: Restartable = { env, process: await startPakLog(env) };
  // Standing by from the start: the first kill is as cheap as the others.
  slot.standby = standbyPakLog(env);
  return {
    mode: 'all', gatewayUrl: `http://127.0.0.1:${port}`, adminKey, victims: ['paklog'],
    crashAndRestart: () => crashAndRestart(slot, 'paklog'),
    async close() {
      slot.standby?.dismiss();
      await slot.process.stop();
    },
  };
}

/** A split deployment (gateway + three services) whose services are the victims; the gateway is not killed. */
export function splitTarget(cluster: SplitCluster): ChaosTarget {
  return {
    mode: 'split', gatewayUrl: cluster.gatewayUrl, adminKey: cluster.adminKey, victims: cluster.services.map((s) => s.name),
    crashAndRestart: (name) => cluster.crashAndRestart(name),
    close: () => cluster.close(),
  };
}

export async function startSplit(bus: SplitBus, databases: { gateway: string; services: readonly string[] }): Promise<ChaosTarget> {
  return splitTarget(await startSplitCluster({ bus, databases, standby: true }));
}

/** Clients through the target that ride out its restarts (Idempotency-Key on every command), and the orders sent. */
export interface Harness {
  readonly admin: Call;
  readonly call: Call;
  readonly floor: Call;
  get(url: string): Promise<any>;
  readonly orders: { id: string; lines: { sku: string; quantity: number }[] }[];
}

export async function harness(target: Pick<ChaosTarget, 'gatewayUrl' | 'adminKey'>): Promise<Harness> {
  const admin = resilientClient(target.gatewayUrl, target.adminKey);
  const keyFor = async (role: string): Promise<string> => {
    const res = await admin('key', 'POST', '/api/v1/api-keys', { name: `chaos ${role}`, role });
    if (res.status !== 201) throw new Error(`api key ${role}: ${res.status}`);
    return (res.body as { key: string }).key;
  };
  const get = async (url: string): Promise<any> => {
    const res = await admin('get', 'GET', url);
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return { admin, call: resilientClient(target.gatewayUrl, await keyFor('manager')), floor: resilientClient(target.gatewayUrl, await keyFor('operator')), get, orders: [] };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One round: `n` orders from intake to shipment, waiting on each asynchronous step. */
export async function round(h: Harness, w: Warehouse, tag: string, n: number): Promise<void> {
  const mine: string[] = [];
  for (let i = 0; i < n; i++) {
    const lines = [{ sku: w.products[i % w.products.length]!.sku, quantity: 1 + (i % 2) }];
    if (i % 2 === 0) lines.push({ sku: w.products[(i + 1) % w.products.length]!.sku, quantity: 1 });
    const order = await createOrder(h.call, w.siteId, { externalId: `${tag}-${i}`, lines });
    mine.push(order.id);
    h.orders.push({ id: order.id, lines });
  }
  const status = async (id: string): Promise<string> => (await h.get(`/api/v1/orders/${id}`)).status;
  for (const id of mine) await until(`order ${id} allocated`, () => status(id), (s) => s === 'ALLOCATED', 120_000);
  await until('the pool holds the round', async () => new Set((await h.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).items
    .map((o: { orderId: string }) => o.orderId)), (pool) => mine.every((id) => pool.has(id)), 120_000);
  const wave = await planAndRelease(h.call, w.siteId, 100);
  if ([...wave.orderIds].sort().join() !== [...mine].sort().join()) throw new Error(`round ${tag}: the wave took ${wave.orderIds.join()} instead of ${mine.join()}`);
  const lists = (): Promise<{ status: string }[]> => h.get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`).then((b) => b.items);
  const count = (await until('pick lists', lists, (l) => l.length > 0, 120_000)).length;
  for (let pass = 0; ; pass++) {
    await workTasks(h.floor, w.siteId, ['w1', 'w2'], { expectedTasks: count });
    if ((await lists()).every((l) => ['COMPLETED', 'PARTIAL', 'CANCELLED'].includes(l.status))) break;
    if (pass > 20) throw new Error(`round ${tag}: pick lists never closed`);
    await sleep(500);
  }
  for (const id of mine) await until(`order ${id} picked`, () => status(id), (s) => s === 'PICKED', 120_000);
  for (const id of mine) await packAndShipWhenReady(h.floor, id);
  for (const id of mine) await until(`order ${id} shipped`, () => status(id), (s) => s === 'SHIPPED', 120_000);
}

/** Every page of a list endpoint that pages by `cursor`. */
async function all<T>(h: Harness, url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor?: string | null } = await h.get(`${url}${cursor === null ? '' : `${sep}cursor=${encodeURIComponent(cursor)}`}`);
    items.push(...page.items);
    cursor = page.nextCursor ?? null;
  } while (cursor !== null);
  return items;
}

/** What the checks looked at, and every rule that broke (empty: nothing lost or duplicated). */
export interface ConservationReport {
  readonly orders: number;
  readonly events: number;
  readonly skus: number;
  readonly problems: string[];
}

/**
 * Nothing lost or duplicated, once the flow is over: every order sent once and SHIPPED; the event store holds each event
 * id once, one intake and one shipment per order; per SKU what was received left as shipments and the ledger adds up
 * to the balances, nothing reserved or allocated; no dead letter.
 */
export async function conservation(h: Harness, w: Warehouse, receivedPerSku: number): Promise<ConservationReport> {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const ordered = new Map<string, number>();
  for (const o of h.orders) for (const l of o.lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
  const listed = await all<{ id: string; status: string }>(h, `/api/v1/orders?siteId=${w.siteId}&limit=500`);
  const sent = h.orders.map((o) => o.id).sort();
  check(listed.map((o) => o.id).sort().join() === sent.join(), `orders: ${listed.length} listed, ${sent.length} sent (or other ids)`);
  for (const o of listed) check(o.status === 'SHIPPED', `order ${o.id} is ${o.status}, not SHIPPED`);
  try {
    await until('the event store has every shipment', async () => (await h.get('/api/v1/events?type=orders.order.shipped.v1&limit=1000')).items.length,
      (n) => n >= Math.min(1000, h.orders.length), 120_000);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const events = await all<{ id: string; type: string; subject: string }>(h, '/api/v1/events?limit=1000');
  check(new Set(events.map((e) => e.id)).size === events.length, `event store: ${events.length - new Set(events.map((e) => e.id)).size} duplicate event ids`);
  for (const type of ['orders.order.received.v1', 'orders.order.shipped.v1', 'inventory.stock.shipped.v1', 'pack-ship.shipment.dispatched.v1']) {
    const subjects = events.filter((e) => e.type === type).map((e) => e.subject);
    check(new Set(subjects).size === subjects.length, `${type}: ${subjects.length - new Set(subjects).size} subjects twice`);
    if (type.startsWith('orders.')) check(subjects.length === h.orders.length, `${type}: ${subjects.length} events for ${h.orders.length} orders`);
  }
  try {
    await until('inventory settled', async () => all<{ allocated: number; reserved: number }>(h, `/api/v1/inventory/summary?siteId=${w.siteId}`),
      (items) => items.every((s) => s.allocated === 0 && s.reserved === 0), 120_000);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const summary = await all<{ sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number }>(
    h, `/api/v1/inventory/summary?siteId=${w.siteId}`);
  for (const s of summary) {
    check(s.received === receivedPerSku, `${s.sku}: received ${s.received}, expected ${receivedPerSku}`);
    check(s.shipped === (ordered.get(s.sku) ?? 0), `${s.sku}: shipped ${s.shipped}, ordered ${ordered.get(s.sku) ?? 0}`);
    check(s.adjusted === 0, `${s.sku}: adjusted ${s.adjusted}`);
    check(s.received - s.shipped === s.onHand, `${s.sku}: received − shipped ${s.received - s.shipped} ≠ on hand ${s.onHand}`);
    check(s.ledgerOnHand === s.onHand, `${s.sku}: ledger ${s.ledgerOnHand} ≠ on hand ${s.onHand}`);
  }
  const dead = (await h.get('/api/v1/dead-letters')).items as { consumer: string; type: string }[];
  check(dead.length === 0, `${dead.length} dead letters: ${dead.slice(0, 5).map((d) => `${d.consumer} ${d.type}`).join(', ')}`);
  return { orders: listed.length, events: events.length, skus: summary.length, problems };
}

export interface ChaosOptions {
  /** Kills to reach; rounds of orders run until then. */
  readonly kills: number;
  readonly ordersPerRound: number;
  /** Pause before each kill, drawn between these (ms), after the previous victim came back. */
  readonly gapMs?: readonly [number, number];
  readonly tag?: string;
  readonly onKill?: (kills: number, victim: string, restartMs: number) => void;
}

export interface ChaosRun {
  readonly kills: number;
  readonly killed: ReadonlyMap<string, number>;
  /** Kill → ready of each restart (ms). */
  readonly restartsMs: readonly number[];
  readonly rounds: number;
  readonly durationMs: number;
}

/**
 * Rounds of orders (`round`) while, one victim down at a time, a random process is SIGKILLed a random moment after the
 * previous one came back and restarted, until `kills` kills. A restart that fails fails the run with its cause.
 */
export async function runChaos(target: ChaosTarget, h: Harness, w: Warehouse, o: ChaosOptions): Promise<ChaosRun> {
  const [lo, hi] = o.gapMs ?? [200, 2_500];
  const t0 = performance.now();
  let kills = 0;
  let stop = false;
  const killed = new Map<string, number>();
  const restartsMs: number[] = [];
  const failed: unknown[] = [];
  const chaos = (async () => {
    while (!stop && kills < o.kills) {
      await sleep(lo + Math.random() * (hi - lo));
      if (stop) return;
      const victim = target.victims[Math.floor(Math.random() * target.victims.length)]!;
      const k0 = performance.now();
      try {
        await target.crashAndRestart(victim);
      } catch (e) {
        failed.push(e);
        return;
      }
      const ms = performance.now() - k0;
      restartsMs.push(ms);
      killed.set(victim, (killed.get(victim) ?? 0) + 1);
      kills++;
      o.onKill?.(kills, victim, ms);
    }
  })();
  let rounds = 0;
  try {
    for (; kills < o.kills; rounds++) {
      if (failed.length > 0) throw failed[0];
      await round(h, w, `${o.tag ?? 'CHAOS'}-${rounds}`, o.ordersPerRound);
    }
  } catch (e) {
    // A process that did not come back makes the flow fail too: the cause is the restart, so report that.
    stop = true;
    await chaos;
    throw failed.length > 0 ? failed[0] : e;
  } finally {
    stop = true;
    await chaos;
  }
  if (failed.length > 0) throw failed[0];
  return { kills, killed, restartsMs, rounds, durationMs: performance.now() - t0 };
}

/** p50 and max of a list of durations (ms), rounded. */
export function spread(ms: readonly number[]): { p50: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: Math.round(sorted[sorted.length >> 1] ?? 0), max: Math.round(sorted.at(-1) ?? 0) };
}
