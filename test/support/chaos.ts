/**
 * Chaos over real processes (issue 18, scope 7): orders flow from intake to shipment through `paklog` processes while
 * one of them at a time is SIGKILLed at a random moment and restarted (from a warm standby, paklog-process.ts), then
 * the end is checked over the API: every order once and SHIPPED, each event once, units conserved, no dead letter.
 * Two targets: `all` (one `paklog start` process, inline bus) and `split` (gateway + three services over a broker,
 * split-cluster.ts; the services are the victims). Shared by test/e2e/split-faults.test.ts and
 * `npm run bench -- chaos`. Nothing here uses vitest: the checks return the problems they found.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createOrder, planAndRelease, until, workTasks, type Call, type Warehouse } from './flow-driver.ts';
import { cleanEnv, crashAndRestart, freePort, standbyPakLog, startPakLog, type Restartable, type StartedPakLog } from './paklog-process.ts';
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
  /** Each process's database, by process name (the post-mortem, `diagnose`, reads them). */
  readonly databases: readonly { readonly name: string; readonly url: string }[];
  /** The broker between the processes (split), for the post-mortem. */
  readonly broker?: { readonly bus: SplitBus; readonly url: string; readonly namespace: string };
  /** The processes running now, by name: the post-mortem prints their state and last warnings. */
  processes(): readonly { readonly name: string; readonly process: StartedPakLog }[];
}

/** One `paklog start` process (every context, inline bus) on `databaseUrl`. */
export async function startAllInOne(databaseUrl: string, extraEnv: Record<string, string> = {}, o: { standby?: boolean } = {}): Promise<ChaosTarget> {
  const adminKey = `pk_chaos_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const env = cleanEnv({
    DATABASE_URL: databaseUrl, PORT: String(port), PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false', PAKLOG_LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn', PAKLOG_WORKER_THREADS: '0', ...extraEnv,
  });
  const slot: Restartable = { env, process: await startPakLog(env) };
  // Standing by from the start: the first kill is as cheap as the others. (Not for a target nobody kills: a standby is
  // a second process that loads every module, and a restart without one is a cold start.)
  if (o.standby !== false) slot.standby = standbyPakLog(env);
  return {
    mode: 'all', gatewayUrl: `http://127.0.0.1:${port}`, adminKey, victims: ['paklog'],
    crashAndRestart: () => crashAndRestart(slot, 'paklog'),
    databases: [{ name: 'paklog', url: databaseUrl }],
    processes: () => [{ name: 'paklog', process: slot.process }],
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
    databases: cluster.databases, broker: cluster.broker,
    processes: () => [{ name: 'gateway', process: cluster.gateway }, ...cluster.services.map((s) => ({ name: s.name, process: s.process }))],
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
  /** Where the current round is (`round` keeps it): what the post-mortem looks at. */
  readonly progress: RoundProgress;
}

export interface RoundProgress {
  round: string;
  step: string;
  orderIds: string[];
  waveId: string | null;
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
  return { admin, call: resilientClient(target.gatewayUrl, await keyFor('manager')), floor: resilientClient(target.gatewayUrl, await keyFor('operator')), get, orders: [],
    progress: { round: '', step: 'setup', orderIds: [], waveId: null } };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `until`, but a dead letter fails it at once (checked every 2 s): a dead-lettered event stops the round for good, so
 * waiting out the timeout only hides which event it was.
 */
async function untilAlive<T>(h: Harness, what: string, fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs: number): Promise<T> {
  let checked = Date.now();
  return until(what, async () => {
    if (Date.now() - checked >= 2_000) {
      checked = Date.now();
      const dead = ((await h.get('/api/v1/dead-letters')).items as { consumer: string; type: string; lastError: string | null; replayedAt: string | null }[])
        .filter((d) => d.replayedAt === null).slice(0, 5);
      if (dead.length > 0) {
        throw new Error(`waiting for ${what}: ${dead.length}+ dead letter(s): ${dead.map((d) => `${d.consumer} ${d.type}: ${d.lastError ?? ''}`).join('; ')}`);
      }
    }
    return fn();
  }, pred, timeoutMs);
}

/** One round: `n` orders from intake to shipment, waiting on each asynchronous step; a dead letter ends it at once. */
export async function round(h: Harness, w: Warehouse, tag: string, n: number): Promise<void> {
  const until = <T>(what: string, fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs: number): Promise<T> => untilAlive(h, what, fn, pred, timeoutMs);
  const mine: string[] = [];
  const at = (step: string): void => {
    h.progress.step = step;
  };
  Object.assign(h.progress, { round: tag, step: 'intake', orderIds: mine, waveId: null });
  for (let i = 0; i < n; i++) {
    const lines = [{ sku: w.products[i % w.products.length]!.sku, quantity: 1 + (i % 2) }];
    if (i % 2 === 0) lines.push({ sku: w.products[(i + 1) % w.products.length]!.sku, quantity: 1 });
    const order = await createOrder(h.call, w.siteId, { externalId: `${tag}-${i}`, lines });
    mine.push(order.id);
    h.orders.push({ id: order.id, lines });
  }
  const status = async (id: string): Promise<string> => (await h.get(`/api/v1/orders/${id}`)).status;
  at('allocation');
  for (const id of mine) await until(`order ${id} allocated`, () => status(id), (s) => s === 'ALLOCATED', 120_000);
  await until('the pool holds the round', async () => new Set((await h.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).items
    .map((o: { orderId: string }) => o.orderId)), (pool) => mine.every((id) => pool.has(id)), 120_000);
  at('plan and release');
  const wave = await planAndRelease(h.call, w.siteId, 100);
  h.progress.waveId = wave.waveId;
  at('pick lists');
  if ([...wave.orderIds].sort().join() !== [...mine].sort().join()) throw new Error(`round ${tag}: the wave took ${wave.orderIds.join()} instead of ${mine.join()}`);
  const lists = (): Promise<{ status: string }[]> => h.get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`).then((b) => b.items);
  const count = (await until('pick lists', lists, (l) => l.length > 0, 120_000)).length;
  at('picking');
  for (let pass = 0; ; pass++) {
    await workTasks(h.floor, w.siteId, ['w1', 'w2'], { expectedTasks: count });
    if ((await lists()).every((l) => ['COMPLETED', 'PARTIAL', 'CANCELLED'].includes(l.status))) break;
    if (pass > 20) throw new Error(`round ${tag}: pick lists never closed`);
    await sleep(500);
  }
  at('picked');
  for (const id of mine) await until(`order ${id} picked`, () => status(id), (s) => s === 'PICKED', 120_000);
  at('pack and ship');
  for (const id of mine) await packAndShipWhenReady(h.floor, id);
  at('shipped');
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

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/** `p`, or a failure once `ms` have passed: a post-mortem part never hangs the run it explains. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

/** One line per row, its columns as `name=value`. */
const rowLine = (r: Record<string, unknown>): string => Object.entries(r)
  .map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(' ');

/** What the wave of the current round is made of, where each context keeps it (a query runs where its table exists). */
const WAVE_STATE: readonly { table: string; sql: string; by: 'wave' | 'orders' }[] = [
  { table: 'waves.waves', sql: 'SELECT id, status, version, released_at FROM waves.waves WHERE id = $1', by: 'wave' },
  { table: 'waves.wave_orders', sql: 'SELECT order_id, active, picked FROM waves.wave_orders WHERE wave_id = $1 ORDER BY position', by: 'wave' },
  { table: 'orders.orders', sql: 'SELECT id, status, wave_id, updated_at FROM orders.orders WHERE id = ANY($1) ORDER BY id', by: 'orders' },
  { table: 'inventory.allocations', sql: 'SELECT order_id, sku, requested, allocated, status FROM inventory.allocations WHERE order_id = ANY($1) ORDER BY order_id, line_id', by: 'orders' },
  { table: 'inventory.reservations', sql: 'SELECT id, order_id, sku, quantity, picked, status FROM inventory.reservations WHERE wave_id = $1 ORDER BY id', by: 'wave' },
  { table: 'picking.pick_lists', sql: 'SELECT id, status, order_ids, created_at FROM picking.pick_lists WHERE wave_id = $1 ORDER BY id', by: 'wave' },
  { table: 'tasks.tasks', sql: 'SELECT id, type, reference, status, worker_id FROM tasks.tasks WHERE wave_id = $1 ORDER BY id', by: 'wave' },
];

/**
 * A post-mortem of a failed chaos run, to print before anything is dropped. Per process: alive or not, its last
 * warnings. Per database: the outbox backlog (count, oldest), long open transactions (a relay or a consumer stuck
 * holding rows), open dead letters, each consumer's inbox. For the current round: its wave and orders as each context
 * sees them (wave, allocations, reservations, pick lists, tasks) and the chain of their events: where each is stored,
 * still in an outbox, handled (inbox) or dead-lettered by which consumer. Then the broker's consumers (NATS: pending,
 * ack pending, redelivered; Kafka: lag). Whether an event was deferred as not ready lives only in a process's memory:
 * its warning ("event waits for an earlier one") shows in the process's last warnings. Every part is best effort.
 */
export async function diagnose(target: ChaosTarget, h?: Harness): Promise<string> {
  const out: string[] = [];
  const say = (line: string): void => {
    out.push(line);
  };
  const p = h?.progress;
  say(`== chaos post-mortem (${target.mode}), ${new Date().toISOString()}`);
  if (p !== undefined) say(`round ${p.round || '(none)'} at step "${p.step}"; wave ${p.waveId ?? '(none yet)'}; orders ${p.orderIds.join(' ') || '(none)'}`);
  for (const { name, process: proc } of target.processes()) {
    const c = proc.child;
    say(`process ${name}: ${c.exitCode !== null || c.signalCode !== null ? `EXITED (${c.exitCode ?? c.signalCode})` : `running, pid ${c.pid}`}`);
    // Warnings and errors (pino levels 40+), and anything that is not a JSON log line (a crash's stack) but the banner.
    const banner = /PakLog (gateway )?is ready|^\s+(Console|API|Docs|Health|Shell|gRPC):/;
    const noisy = proc.output().split('\n')
      .filter((l) => /"level":(40|50|60)\b/.test(l) || (l.trim() !== '' && !l.trimStart().startsWith('{') && !banner.test(l)));
    for (const l of noisy.slice(-15)) say(`  | ${l.slice(0, 500)}`);
  }
  const clients = new Map<string, pg.Client>();
  for (const db of target.databases) {
    const c = new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 5_000, statement_timeout: 15_000 });
    try {
      await within(10_000, c.connect());
      clients.set(db.name, c);
    } catch (e) {
      say(`database ${db.name} (${db.url}): no connection: ${messageOf(e)}`);
      void c.end().catch(() => undefined);
    }
  }
  const part = async (label: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await within(30_000, fn());
    } catch (e) {
      say(`  ${label}: failed: ${messageOf(e)}`);
    }
  };
  const inboxes = new Map<string, string[]>();
  try {
    for (const [name, c] of clients) {
      const q = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> => (await c.query<R>(sql, params)).rows;
      say(`database ${name} (${target.databases.find((d) => d.name === name)?.url}):`);
      await part('outbox', async () => {
        const [b] = await q<{ n: number; oldest: Date | null }>('SELECT count(*)::int AS n, min(created_at) AS oldest FROM platform.outbox WHERE dispatched_at IS NULL');
        say(`  outbox: ${b?.n ?? 0} pending${b?.oldest == null ? '' : `, oldest ${b.oldest.toISOString()}`}`);
        for (const r of await q('SELECT seq, type, subject, created_at FROM platform.outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 5')) say(`    ${rowLine(r)}`);
      });
      await part('open transactions', async () => {
        const rows = await q(`SELECT pid, application_name AS app, state, wait_event_type AS wait_type, wait_event AS wait, round(extract(epoch FROM now() - xact_start))::int AS age_s,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
          FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < now() - interval '5 seconds' ORDER BY xact_start LIMIT 10`);
        if (rows.length > 0) say(`  transactions open for more than 5 s: ${rows.length}`);
        for (const r of rows) say(`    ${rowLine(r)}`);
      });
      await part('dead letters', async () => {
        const [n] = await q<{ open: number; all: number }>('SELECT count(*) FILTER (WHERE replayed_at IS NULL)::int AS open, count(*)::int AS all FROM platform.dead_letters');
        say(`  dead letters: ${n?.open ?? 0} open, ${n?.all ?? 0} in all`);
        for (const r of await q(`SELECT consumer, type, envelope->>'subject' AS subject, event_id, attempts, created_at, left(last_error, 300) AS error
            FROM platform.dead_letters WHERE replayed_at IS NULL ORDER BY created_at DESC LIMIT 10`)) say(`    ${rowLine(r)}`);
      });
      await part('inboxes', async () => {
        const schemas = (await q<{ s: string }>(`SELECT table_schema AS s FROM information_schema.tables WHERE table_name = 'inbox' ORDER BY 1`)).map((r) => r.s);
        inboxes.set(name, schemas);
        const counts: string[] = [];
        for (const s of schemas) {
          const [r] = await q<{ n: number; last: Date | null }>(`SELECT count(*)::int AS n, max(handled_at) AS last FROM "${s}".inbox`);
          counts.push(`${s} ${r?.n ?? 0}${r?.last == null ? '' : ` (last ${r.last.toISOString().slice(11, 23)})`}`);
        }
        say(`  inboxes: ${counts.join(', ') || '(none)'}`);
      });
      if (p !== undefined && p.orderIds.length > 0) {
        await part('the round', async () => {
          for (const s of WAVE_STATE) {
            if (s.by === 'wave' && p.waveId === null) continue;
            const [exists] = await q<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [s.table]);
            if (exists?.ok !== true) continue;
            const rows = await q(s.sql, [s.by === 'wave' ? p.waveId : p.orderIds]);
            say(`  ${s.table}: ${rows.length === 0 ? '(none)' : ''}`);
            for (const r of rows) say(`    ${rowLine(r)}`);
          }
        });
      }
    }
    if (p !== undefined && p.orderIds.length > 0) await part('event chain', () => eventChain(clients, inboxes, p, say));
    if (target.broker !== undefined) await part(`broker ${target.broker.bus}`, () => brokerState(target.broker!, say));
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end().catch(() => undefined)));
  }
  return out.join('\n');
}

/**
 * The round's events (subject or payload naming its wave or one of its orders), from every event store, and where each
 * went: which outbox still holds it, which consumers' inboxes, which dead letters. A chain that stops shows where.
 */
async function eventChain(clients: ReadonlyMap<string, pg.Client>, inboxes: ReadonlyMap<string, string[]>, p: RoundProgress, say: (line: string) => void): Promise<void> {
  const subjects = p.waveId === null ? p.orderIds : [p.waveId, ...p.orderIds];
  const events = new Map<string, { type: string; subject: string; time: Date; data: string | null; stored: string[]; pending: string[]; handled: string[]; dead: string[] }>();
  for (const [name, c] of clients) {
    // The payload of the wave's own events (its release, its reservations) says what the next step was given.
    const { rows } = await c.query<{ event_id: string; type: string; subject: string; time: Date; data: string | null }>(
      `SELECT event_id, type, subject, time, CASE WHEN subject = $2 THEN left(envelope->>'data', 600) END AS data FROM platform.events
        WHERE subject = ANY($1) OR envelope->'data'->>'waveId' = $2 OR envelope->'data'->>'orderId' = ANY($1) ORDER BY time, seq LIMIT 300`,
      [subjects, p.waveId ?? ''],
    );
    for (const r of rows) {
      const e = events.get(r.event_id) ?? { type: r.type, subject: r.subject, time: r.time, data: r.data, stored: [], pending: [], handled: [], dead: [] };
      e.stored.push(name);
      events.set(r.event_id, e);
    }
  }
  const ids = [...events.keys()];
  for (const [name, c] of clients) {
    for (const r of (await c.query<{ event_id: string }>('SELECT event_id FROM platform.outbox WHERE event_id = ANY($1)', [ids])).rows) events.get(r.event_id)?.pending.push(name);
    for (const r of (await c.query<{ event_id: string; consumer: string }>('SELECT event_id, consumer FROM platform.dead_letters WHERE event_id = ANY($1)', [ids])).rows) {
      events.get(r.event_id)?.dead.push(`${name}/${r.consumer}`);
    }
    for (const s of inboxes.get(name) ?? []) {
      for (const r of (await c.query<{ event_id: string }>(`SELECT event_id FROM "${s}".inbox WHERE event_id = ANY($1)`, [ids])).rows) events.get(r.event_id)?.handled.push(`${name}/${s}`);
    }
  }
  say(`events of the round: ${events.size}`);
  for (const [id, e] of [...events].sort(([, a], [, b]) => a.time.getTime() - b.time.getTime())) {
    say(`  ${e.time.toISOString().slice(11, 23)} ${e.type} ${e.subject} ${id}: stored in ${e.stored.join(',')}`
      + `${e.pending.length > 0 ? `; PENDING in the outbox of ${e.pending.join(',')}` : ''}; handled by ${e.handled.join(',') || '(no consumer)'}`
      + `${e.dead.length > 0 ? `; DEAD-LETTERED by ${e.dead.join(',')}` : ''}`);
    if (e.data !== null) say(`    data ${e.data}`);
  }
}

/** The broker's view of this run's consumers: NATS durables (pending, ack pending, redelivered, waiting pulls) or Kafka lag. */
async function brokerState(broker: NonNullable<ChaosTarget['broker']>, say: (line: string) => void): Promise<void> {
  if (broker.bus === 'nats') {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: broker.url, timeout: 5_000, maxReconnectAttempts: 0, name: 'paklog-chaos-diagnosis' });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 10_000 });
      // As nats-transport.ts names them.
      const stream = broker.namespace.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase();
      const si = await jsm.streams.info(stream);
      say(`nats stream ${stream}: ${si.state.messages} messages, seq ${si.state.first_seq}–${si.state.last_seq}, ${si.state.consumer_count} consumers`);
      // A durable nobody pulls from (no waiting pull request) has lost its subscriber; one with messages pending or
      // unacknowledged is behind or stuck. The others are caught up: counted, not listed.
      let caughtUp = 0;
      for await (const ci of jsm.consumers.list(stream)) {
        if (ci.num_pending === 0 && ci.num_ack_pending === 0 && ci.num_redelivered === 0 && ci.num_waiting > 0) {
          caughtUp++;
          continue;
        }
        say(`  ${ci.name}: pending ${ci.num_pending}, ack pending ${ci.num_ack_pending}, redelivered ${ci.num_redelivered}, waiting pulls ${ci.num_waiting}, `
          + `delivered to ${ci.delivered.stream_seq}, acked to ${ci.ack_floor.stream_seq}, ack_wait ${Math.round((ci.config.ack_wait ?? 0) / 1e9)} s, max_deliver ${ci.config.max_deliver}`);
      }
      say(`  ${caughtUp} other consumers caught up (nothing pending, unacknowledged or redelivered; a pull waiting)`);
    } finally {
      await nc.close();
    }
    return;
  }
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'paklog-chaos-diagnosis', brokers: broker.url.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${broker.namespace}.`)).sort();
    const ends = new Map<string, Map<number, number>>();
    for (const groupId of groups) {
      const lags: string[] = [];
      for (const t of await admin.fetchOffsets({ groupId })) {
        if (!ends.has(t.topic)) ends.set(t.topic, new Map((await admin.fetchTopicOffsets(t.topic)).map((o) => [o.partition, Number(o.high)])));
        const lag = t.partitions.reduce((n, pt) => n + Math.max(0, (ends.get(t.topic)!.get(pt.partition) ?? 0) - Math.max(0, Number(pt.offset))), 0);
        lags.push(`${t.topic} lag ${lag}`);
      }
      say(`  kafka group ${groupId}: ${lags.join(', ') || '(no offsets)'}`);
    }
  } finally {
    await admin.disconnect();
  }
}
