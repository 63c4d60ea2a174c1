/**
 * `paklog start` killed (SIGKILL) during EDI batches and order changes the other crash tests do not kill: a 940 batch
 * of orders and a 943 transfer killed mid-interchange and re-sent (by a partner: no Idempotency-Key, the ISA13 is the
 * identity), a 940 change of an order's lines (ADR 0046) killed part-way and re-sent, an order hold (ADR 0052) and a
 * line cancel killed part-way and retried with their Idempotency-Key. After each restart: every order and ASN once,
 * one 997 per interchange, the change applied once, nothing left held or pending, the order still goes on (pooled
 * for a wave), and the ledger conserved. Last, killed once more with every event of these flows put back in the outbox
 * (a relay killed between its publish and its delete): every consumer drops every copy and nothing changes.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { receiveStock, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, eventsDelivered, type Answer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
let kills = 0;
const metricsKey = randomBytes(24).toString('hex');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);
/** The import or interchange's transaction is open and writing (or has written) rows of `table`. */
const writing = (table: string) => async (): Promise<boolean> => await n(
  `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND query ILIKE $1`, [`%INSERT INTO ${table}%`]) > 0;

function interchange(control: string, group: 'OW' | 'AR', sets: string[][]): string {
  const type = group === 'OW' ? '940' : '943';
  const body = sets.flatMap((segments, i) => {
    const st = String(i + 1).padStart(4, '0');
    return [`ST*${type}*${st}~`, ...segments, `SE*${segments.length + 2}*${st}~`];
  });
  return [
    `ISA*00*          *00*          *ZZ*${'CRASHCO'.padEnd(15)}*ZZ*PAKLOG         *261201*0900*U*00401*${control}*0*T*>~`,
    `GS*${group}*CRASHCO*PAKLOG*20261201*0900*${Number(control)}*X*004010~`, ...body, `GE*${sets.length}*${Number(control)}~`, `IEA*1*${control}~`,
  ].join('\n');
}

const order940 = (kind: 'N' | 'R', po: string, lines: { sku: string; quantity: number }[]): string[] => [
  `W05*${kind}*${po}*PO-${po}~`, 'N1*ST*Ada Lovelace~', 'N3*12 Analytical Row~', 'N4*Springfield*IL*62701*US~',
  ...lines.flatMap((l, i) => [`LX*${i + 1}~`, `W01*${l.quantity}*EA**SK*${l.sku}~`]),
  `W76*${lines.reduce((a, l) => a + l.quantity, 0)}~`,
];

/** One POST of an interchange (no Idempotency-Key: its ISA13 is its identity); undefined when the server was killed or the answer was transient. */
const postX12 = (raw: string): Promise<Answer | undefined> => s.send('/api/v1/edi/x12', raw, { contentType: 'text/plain', timeoutMs: 30_000 });

/** Sends the interchange, kills the server once `moment()` holds (or it answered), restarts, and sends it again (a partner's resend) until answered. */
async function x12KilledDuring(raw: string, moment: () => Promise<boolean>): Promise<{ first: Answer | undefined; answer: Answer }> {
  let answered = false;
  const first = postX12(raw).finally(() => { answered = true; });
  const deadline = Date.now() + 30_000;
  while (!answered && !(await moment())) {
    if (Date.now() > deadline) throw new Error('the interchange: its moment never came');
    await sleep(1);
  }
  await s.crash();
  kills++;
  const lost = await first;
  for (let i = 0; ; i++) {
    const res = await postX12(raw);
    if (res !== undefined) return { first: lost, answer: res };
    if (i > 200) throw new Error('the interchange: no definitive answer after the restart');
    await sleep(50);
  }
}

beforeAll(async () => {
  s = await crashServer({ env: { PAKLOG_METRICS_KEY: metricsKey } });
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  call = s.call;
  w = await setupWarehouse(call, { siteCode: 'CRORD', aisles: 1, bays: 6, levels: 1, skus: 3 });
  await receiveStock(call, w, 200, 1);
  const partner = await call('partner', 'POST', '/api/v1/edi/partners', { name: 'Crash Co', isaQualifier: 'ZZ', isaId: 'CRASHCO', siteId: w.siteId, carrier: 'OWN_FLEET' });
  expect(partner.status, JSON.stringify(partner.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

interface OrderView { id: string; status: string; lines: { id: string; sku: string; ordered: number; cancelled: number }[] }
const orderOf = async (externalId: string): Promise<OrderView> => {
  const found = (await call<{ items: { id: string }[] }>('order', 'GET', `/api/v1/orders?externalId=${encodeURIComponent(externalId)}`)).body.items[0]!;
  return (await call<OrderView>('order', 'GET', `/api/v1/orders/${found.id}`)).body;
};
/** A set accepted: in the answer, or — a resend of an interchange the first request committed — in the first 997 (AK5*A). */
const accepted = (body: any): boolean => body.duplicate === true ? /AK5\*A~/.test(body.acknowledgement.body) : body.transactionSets.every((x: { status: string }) => x.status === 'ACCEPTED');

describe('paklog start killed during EDI batches and order changes', () => {
  it('a 940 batch killed mid-interchange and re-sent: every order once, one 997', async () => {
    const [a, b, c] = w.products.map((p) => p.sku) as [string, string, string];
    const sets = Array.from({ length: 30 }, (_, i) => order940('N', `CR-${i}`, [{ sku: a, quantity: 1 }, { sku: i % 2 === 0 ? b : c, quantity: 2 }]));
    const raw = interchange('000000101', 'OW', sets);
    const { first, answer } = await x12KilledDuring(raw, writing('orders.'));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ACCEPTED' });
    console.log(`940 batch: first answer ${first === undefined ? 'lost' : first.status}; the resend duplicate: ${answer.body.duplicate}`);
    expect(answer.body.transactionSets.map((t: { status: string }) => t.status)).toEqual(sets.map(() => 'ACCEPTED'));
    // Sent once more: the first 997, nothing made.
    const again = await postX12(raw);
    expect(again?.body).toMatchObject({ duplicate: true, acknowledgement: answer.body.acknowledgement });
    expect(await n(`SELECT count(*) AS n FROM orders.orders WHERE external_id LIKE 'EDI-CRASHCO-CR-%'`)).toBe(30);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.received.v1'`)).toBe(30);
    const ids = (await probe.query<{ id: string }>(`SELECT id FROM orders.orders WHERE external_id LIKE 'EDI-CRASHCO-CR-%'`)).rows.map((r) => r.id);
    await untilPooled(call, w.siteId, ids);
  }, 60_000);

  it('a 943 killed mid-interchange and re-sent: one ASN', async () => {
    const raw = interchange('000000102', 'AR', [[
      'W06*N*CR-TR-1*20261203*TRUCK-1**PO-1~', 'N1*SF*Crash North DC~', `W04*10*EA**SK*${w.products[0]!.sku}~`, `W04*4*EA**SK*${w.products[1]!.sku}~`, 'W03*14~',
    ]]);
    const { answer } = await x12KilledDuring(raw, writing('inventory.'));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(accepted(answer.body), JSON.stringify(answer.body)).toBe(true);
    expect(await n(`SELECT count(*) AS n FROM inventory.asns`)).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM inventory.asn_lines`)).toBe(2);
  }, 60_000);

  it('a 940 change of lines killed part-way and re-sent: applied once, the order pooled again with its new lines', async () => {
    const [a, , c] = w.products.map((p) => p.sku) as [string, string, string];
    const before = await orderOf('EDI-CRASHCO-CR-0');
    const raw = interchange('000000103', 'OW', [order940('R', 'CR-0', [{ sku: c, quantity: 3 }, { sku: a, quantity: 1 }])]);
    // Killed once the interchange's transaction is seen recording the change or holding the order, or at once after the answer.
    const { answer } = await x12KilledDuring(raw, async () => await n(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND (query ILIKE '%pending_changes%' OR query ILIKE '%order_pool%')`) > 0);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(accepted(answer.body), JSON.stringify(answer.body)).toBe(true);
    if (answer.body.duplicate !== true) expect(answer.body.transactionSets[0]).toMatchObject({ orderId: before.id });
    await until('the order allocated with its new lines', () => orderOf('EDI-CRASHCO-CR-0'), (o) => o.status === 'ALLOCATED'
      && JSON.stringify(o.lines.map((l) => [l.sku, l.ordered]).sort()) === JSON.stringify([[a, 1], [c, 3]].sort()), 30_000);
    await untilPooled(call, w.siteId, [before.id]);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.lines-changed.v1'`)).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM waves.order_pool WHERE held_for IS NOT NULL`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM orders.pending_changes`)).toBe(0);
  }, 60_000);

  it('an order hold and a line cancel killed part-way, retried with their keys: each once, the order goes on', async () => {
    const held = await orderOf('EDI-CRASHCO-CR-1');
    const hold = await s.killedDuring(`/api/v1/orders/${held.id}/hold`, { reason: 'crash' },
      async () => await n(`SELECT count(*) AS n FROM waves.order_pool WHERE held_for IS NOT NULL`) > 0);
    kills++;
    expect(hold.status, JSON.stringify(hold.body)).toBe(200);
    expect(hold.body).toMatchObject({ status: 'ON_HOLD' });
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.held.v1' AND subject = $1`, [held.id])).toBe(1);
    const releaseHold = await call<{ status: string }>('release', 'POST', `/api/v1/orders/${held.id}/release-hold`, {});
    expect(releaseHold.status, JSON.stringify(releaseHold.body)).toBe(200);
    await untilPooled(call, w.siteId, [held.id]);

    // A client without keys (a handheld, a script): killed once waves holds the order, before or after orders applied
    // the hold; its plain retry answers ON_HOLD, the hold made once (completed from `waves.order.held` if the request died).
    const bare = await orderOf('EDI-CRASHCO-CR-3');
    const bareHold = await s.killedDuring(`/api/v1/orders/${bare.id}/hold`, { reason: 'crash, no key' },
      async () => await n(`SELECT count(*) AS n FROM waves.order_pool WHERE order_id = $1 AND held_for IS NOT NULL`, [bare.id]) > 0, { keyless: true });
    kills++;
    expect(bareHold.status, JSON.stringify(bareHold.body)).toBe(200);
    expect(bareHold.body).toMatchObject({ status: 'ON_HOLD' });
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.held.v1' AND subject = $1`, [bare.id])).toBe(1);
    expect((await call('release', 'POST', `/api/v1/orders/${bare.id}/release-hold`, {})).status).toBe(200);
    await untilPooled(call, w.siteId, [bare.id]);

    const cut = await orderOf('EDI-CRASHCO-CR-2');
    const line = cut.lines.find((l) => l.ordered === 2)!;
    const cancelled = await s.killedDuring(`/api/v1/orders/${cut.id}/lines/${line.id}/cancel`, { quantity: 1, reason: 'crash' },
      async () => await n(`SELECT count(*) AS n FROM waves.order_pool WHERE held_for IS NOT NULL`) > 0);
    kills++;
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.lines-changed.v1' AND subject = $1`, [cut.id])).toBe(1);
    await until('the order allocated again', () => orderOf('EDI-CRASHCO-CR-2'), (o) => o.status === 'ALLOCATED', 30_000);
    await untilPooled(call, w.siteId, [cut.id]);
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 30_000);
    expect(await n(`SELECT count(*) AS n FROM waves.order_pool WHERE held_for IS NOT NULL`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM orders.pending_changes`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM orders.pending_holds`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    // Allocated is what the orders still want.
    const open = await n(`SELECT coalesce(sum(ordered - cancelled), 0) AS n FROM orders.order_lines`);
    expect(await n(`SELECT coalesce(sum(allocated), 0) AS n FROM inventory.allocations WHERE status = 'ALLOCATED'`)).toBe(open);
    await assertStockConserved(s.db.url, { when: 'after the kills during EDI batches and order changes' });
    console.log(`crash-order-changes: ${kills} kills`);
  }, 60_000);

  it('every event of these flows published again after a kill: every consumer drops every copy, nothing changes', async () => {
    const delivered = (): Promise<Record<string, number>> => eventsDelivered(s.base, metricsKey);
    const rows = async (sql: string): Promise<unknown[]> => (await probe.query(sql)).rows;
    const state = async (): Promise<string> => JSON.stringify({
      balances: await rows(`SELECT location_id, sku, status, on_hand, reserved FROM inventory.balances ORDER BY location_id, sku, status`),
      movements: await rows(`SELECT type, count(*) AS n, sum(delta_on_hand) AS units FROM inventory.movements GROUP BY type ORDER BY type`),
      allocations: await rows(`SELECT order_id, line_id, status, allocated FROM inventory.allocations ORDER BY order_id, line_id`),
      orders: await rows(`SELECT id, status FROM orders.orders ORDER BY id`),
      pool: await rows(`SELECT order_id, held_for, wave_id FROM waves.order_pool ORDER BY order_id`),
      asns: await rows(`SELECT count(*) AS n FROM inventory.asns`),
      events: await rows(`SELECT type, count(*) AS n FROM platform.events GROUP BY type ORDER BY type`),
    });
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 30_000);
    let previous = '';
    let stable = 0;
    const before = await until('consumers settled', async () => {
      const now = await state();
      stable = now === previous ? stable + 1 : 0;
      previous = now;
      return stable >= 10 ? now : undefined;
    }, (x) => x !== undefined, 30_000);
    await s.crash();
    kills++;
    // The restarted process's counters (its own deliveries since the start: none handled yet, the outbox was drained).
    const handledBefore = (await delivered()).handled ?? 0;
    const requeued = await probe.query(
      `INSERT INTO platform.outbox (event_id, source, type, subject, envelope)
       SELECT event_id, source, type, subject, envelope FROM platform.events ORDER BY seq ON CONFLICT (event_id) DO NOTHING`);
    expect(requeued.rowCount).toBeGreaterThan(50);
    await until('outbox drained again', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 40_000);
    const after = await until('every copy delivered', delivered, (d) => (d.duplicate ?? 0) > 0 && ((d.handled ?? 0) > handledBefore || (d['dead-lettered'] ?? 0) > 0
      || (d.duplicate ?? 0) >= requeued.rowCount! - 5), 40_000);
    expect(after['dead-lettered'] ?? 0).toBe(0);
    expect(after.handled ?? 0, JSON.stringify(after)).toBe(handledBefore);
    expect(await state()).toEqual(before);
    console.log(`crash-order-changes: ${requeued.rowCount} events published again, ${JSON.stringify(after)}; ${kills} kills`);
  }, 60_000);
});
