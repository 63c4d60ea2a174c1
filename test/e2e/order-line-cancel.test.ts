import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WavesApi } from '../../src/contracts/waves.ts';
import { mulberry32 } from '../../src/optimize/random.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndReleasePooled, setupWarehouse, until, untilPooled, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * ADR 0046 addendum 2026-12-05: units of one order line can be cancelled before a wave takes the order
 * (`POST /orders/{id}/lines/{lineId}/cancel`), through the pending-change path of a change of the lines. The line keeps
 * its id and counts them `cancelled`, inventory releases what they held (ATP back), the last open line cancels the order,
 * and once a wave has the order the answer is 409 ORDER_IN_FULFILMENT with nothing changed. Through HTTP, stock conserved.
 */
let t: TestApp;
let w: Warehouse;
let call: Call;
beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'LNCX', aisles: 1, bays: 3, levels: 1, skus: 3 });
  for (const [i, p] of w.products.entries()) {
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: p.sku, locationId: w.storage[i]!.id, quantity: 20 })).status).toBe(201);
  }
  await t.settle();
}, 60_000);
afterAll(async () => t.close());

interface Line { id: string; sku: string; ordered: number; allocated: number; cancelled: number }
interface OrderView { id: string; status: string; version: number; waveId: string | null; lines: Line[]; statusHistory: { from: string | null; to: string; cause: string | null }[] }
type Answer = OrderView & { code?: string; detail?: string; errors?: { field: string }[] };
const order = async (id: string): Promise<OrderView> => (await call<OrderView>('get', 'GET', `/api/v1/orders/${id}`)).body;
const cancelLine = (id: string, lineId: string, body?: { quantity?: number; reason?: string }, headers?: Record<string, string>) =>
  t.request<Answer>('POST', `/api/v1/orders/${id}/lines/${lineId}/cancel`, { ...(body === undefined ? {} : { body }), role: 'manager', ...(headers === undefined ? {} : { headers }) });
const atp = async (sku: string): Promise<{ atp: number; allocated: number }> =>
  (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0];
const conserved = (when: string) => assertStockConserved(t.databaseUrl, { siteId: w.siteId, when });
const allocated = async (id: string): Promise<OrderView> => {
  await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
  await t.settle();
  return order(id);
};

describe('cancelling an order line before waving', () => {
  it('cancels one line of an allocated two-line order: its units go back to ATP, the other line stays allocated; again is unchanged', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const [atpA, atpB] = [(await atp(a)).atp, (await atp(b)).atp];
    const created = await createOrder(call, w.siteId, { externalId: 'LNC-1', lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }] });
    const before = await allocated(created.id);
    expect((await atp(a)).atp).toBe(atpA - 3);
    const lineA = before.lines.find((l) => l.sku === a)!;

    const res = await cancelLine(created.id, lineA.id, { reason: 'Customer removed the item' }, { 'idempotency-key': 'lnc-1-a' });
    expect(res.status).toBe(200);
    expect(res.body.lines.find((l) => l.id === lineA.id)).toMatchObject({ ordered: 3, cancelled: 3, allocated: 0 });
    expect(res.body.statusHistory.at(-1)).toMatchObject({ to: 'RECEIVED', cause: expect.stringMatching(/3 cancelled: Customer removed the item/) });
    const after = await allocated(created.id);
    expect(after.lines.map((l) => [l.id, l.ordered, l.allocated, l.cancelled])).toEqual([[lineA.id, 3, 0, 3], [before.lines[1]!.id, 2, 2, 0]]);
    // Stock: the cancelled line's three units are available again, the other line's two still allocated to it.
    expect((await atp(a)).atp).toBe(atpA);
    expect((await atp(b)).atp).toBe(atpB - 2);
    const event = (await t.get(`/api/v1/events?type=orders.order.lines-changed.v1&subject=${created.id}`)).body.items as { data: Record<string, unknown> }[];
    expect(event.at(-1)?.data).toMatchObject({
      lineCancelled: { lineId: lineA.id, sku: a, quantity: 3, reason: 'Customer removed the item' },
      lines: [{ lineId: before.lines[1]!.id, sku: b, quantity: 2 }],
    });

    // The same request again (Idempotency-Key) replays the answer; without it, nothing is open on the line: 200 unchanged.
    expect((await cancelLine(created.id, lineA.id, { reason: 'Customer removed the item' }, { 'idempotency-key': 'lnc-1-a' })).body.version).toBe(res.body.version);
    const again = await cancelLine(created.id, lineA.id);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(after.version);
    // A quantity is checked against the open units (none now): 422 with a pointer; so are quantities below 1.
    const tooMany = await cancelLine(created.id, lineA.id, { quantity: 1 });
    expect([tooMany.status, tooMany.body.code, tooMany.body.errors?.map((e) => e.field)]).toEqual([422, 'UNPROCESSABLE', ['/quantity']]);
    const zero = await cancelLine(created.id, before.lines[1]!.id, { quantity: 0 });
    expect([zero.status, zero.body.errors?.map((e) => e.field)]).toEqual([422, ['/quantity']]);
    expect((await cancelLine(created.id, 'oln_nosuchline')).status).toBe(404);
    expect((await cancelLine('ord_nosuchorder', lineA.id)).status).toBe(404);
    await conserved('after a line cancel');
  });

  it('cancels part of a line, then the last open units: the order is CANCELLED through the whole-order path', async () => {
    const c = w.products[2]!.sku;
    const atpC = (await atp(c)).atp;
    const created = await createOrder(call, w.siteId, { externalId: 'LNC-2', lines: [{ sku: c, quantity: 4 }] });
    const line = (await allocated(created.id)).lines[0]!;
    // Over GraphQL (one REST command, the same answer).
    const part = await gqlClient(t.app, t.keys.manager)(`mutation($id: ID!, $lineId: ID!) { cancelOrderLine(id: $id, lineId: $lineId, quantity: 1) { __typename ... on Order { status } } }`,
      { id: created.id, lineId: line.id });
    expect(part.data.cancelOrderLine).toEqual({ __typename: 'Order', status: 'RECEIVED' });
    const after = await allocated(created.id);
    expect(after.lines[0]).toMatchObject({ ordered: 4, cancelled: 1, allocated: 3 });
    expect((await atp(c)).atp).toBe(atpC - 3);

    const last = await cancelLine(created.id, line.id, { reason: 'Out of budget' });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'Out of budget' });
    expect(last.body.lines[0]).toMatchObject({ ordered: 4, cancelled: 4 });
    await t.settle();
    expect((await atp(c)).atp).toBe(atpC);
    expect((await t.get(`/api/v1/events?type=orders.order.cancelled.v1&subject=${created.id}`)).body.items).toHaveLength(1);
    // A cancelled order's lines answer with the order's code.
    const twice = await cancelLine(created.id, line.id);
    expect([twice.status, twice.body.code]).toEqual([409, 'ORDER_CANCELLED']);
    await conserved('after the last line was cancelled');
  });

  it('refuses once a wave has the order (409 ORDER_IN_FULFILMENT naming the wave and the ways out), changing nothing', async () => {
    const a = w.products[0]!.sku;
    const created = await createOrder(call, w.siteId, { externalId: 'LNC-3', lines: [{ sku: a, quantity: 1 }, { sku: w.products[1]!.sku, quantity: 1 }] });
    await allocated(created.id);
    const wave = await planAndReleasePooled(call, w.siteId, [created.id], 10);
    expect(wave.orderIds).toContain(created.id);
    await t.settle();
    const before = await order(created.id);
    const res = await cancelLine(created.id, before.lines[0]!.id);
    expect([res.status, res.body.code]).toEqual([409, 'ORDER_IN_FULFILMENT']);
    expect(res.body.detail).toMatch(new RegExp(`in wave ${wave.waveId}.*cancel the whole order.*short the line`));
    const now = await order(created.id);
    expect(now.version).toBe(before.version);
    expect(now.lines.map((l) => l.cancelled)).toEqual([0, 0]);
    // GraphQL's cancelOrderLine is the same operation: the same Conflict.
    const gql = await gqlClient(t.app, t.keys.manager)(`mutation($id: ID!, $lineId: ID!) { cancelOrderLine(id: $id, lineId: $lineId) { __typename ... on BusinessError { code } } }`,
      { id: created.id, lineId: before.lines[0]!.id });
    expect(gql.data.cancelOrderLine).toEqual({ __typename: 'Conflict', code: 'ORDER_IN_FULFILMENT' });
    // A clerk may not cancel lines (as for the whole order).
    expect((await t.request('POST', `/api/v1/orders/${created.id}/lines/${before.lines[0]!.id}/cancel`, { role: 'operator' })).status).toBe(403);
    // The whole order can still be cancelled.
    expect((await t.post(`/api/v1/orders/${created.id}/cancel`, {})).body.status).toBe('CANCELLED');
    await t.settle();
    await conserved('after a refused line cancel');
  });
});

/**
 * Two requests at once on one order, from two moments (RECEIVED with its allocation in flight, or ALLOCATED), sent
 * three ways: the second 0–3 ms after the first (seeded; PAKLOG_RACE_SEED replays a run), or both queued behind a held
 * lock on the order's row and let go together, with and without Idempotency-Keys. Each answer is 200 or a documented
 * refusal (409 ORDER_CANCELLED when the other cancelled the order; 422 `/quantity` when the other's units left too few
 * open; 409 CONFLICT, the guard for a replaced pending change), never a 5xx, and a refusal only when the other went
 * through; the line counts exactly the units the 200s cancelled, never more than it ordered; nothing stays pending or
 * held; stock is conserved (ADR 0046 addendum 2026-12-05, "One transaction per line cancel": unkeyed requests answered
 * 409 CONFLICT, sometimes both of them, for units that were cancelled).
 */
describe('racing line cancels', () => {
  const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 20261205);
  const rng = mulberry32(SEED);
  const MOMENTS = ['received', 'allocated'] as const;
  type Moment = (typeof MOMENTS)[number];
  // With an Idempotency-Key a command is one transaction (its key, its work, its answer: docs/adr/0010); without one a
  // line cancel ran its decision, waves' gate and its apply as three (the defect `queued` found).
  const WAYS = ['lagged', 'queued', 'queued with keys'] as const;
  type Way = (typeof WAYS)[number];
  type Ask = { quantity?: number };
  interface Sent { ask: Ask; status: number; code: string | undefined; fields: string[] }

  /** A two-line order (3 of A, 1 of B) or one line (3 of A); at `received` the requests go before the allocation is known. */
  const placed = async (externalId: string, moment: Moment, twoLines: boolean): Promise<OrderView> => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const created = await createOrder(call, w.siteId, { externalId, lines: twoLines ? [{ sku: a, quantity: 3 }, { sku: b, quantity: 1 }] : [{ sku: a, quantity: 3 }] });
    return moment === 'allocated' ? allocated(created.id) : order(created.id);
  };
  const send = async (o: OrderView, lineId: string, ask: Ask, reason: string, keyed: boolean): Promise<Sent> => {
    const res = await cancelLine(o.id, lineId, { ...ask, reason }, keyed ? { 'idempotency-key': `${o.id}-${reason}` } : {});
    return { ask, status: res.status, code: res.body.code, fields: res.body.errors?.map((e) => e.field) ?? [] };
  };
  const whole = async (id: string, keyed: boolean): Promise<Sent> => {
    const res = await t.request<Answer>('POST', `/api/v1/orders/${id}/cancel`, { body: { reason: 'whole order' }, role: 'manager', headers: keyed ? { 'idempotency-key': `${id}-whole` } : {} });
    return { ask: {}, status: res.status, code: res.body.code, fields: [] };
  };
  /**
   * Both requests at once. `lagged`: the second 0–3 ms after the first. `queued`: a session holds the order's row lock
   * until both requests wait for it (their first transactions), then lets them go one right after the other.
   */
  const race = async <A, B>(way: Way, orderId: string, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> => {
    if (way === 'lagged') {
      const lag = Math.floor(rng() * 4);
      return Promise.all([first(), new Promise<B>((resolve, rejectLag) => { setTimeout(() => { second().then(resolve, rejectLag); }, lag); })]);
    }
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM orders.orders WHERE id = $1 FOR UPDATE', [orderId]);
      const [pid] = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows.map((r) => r.pid);
      const both = Promise.all([first(), second()]);
      // Read outside the blocker's transaction (pg_stat_activity is a snapshot per transaction). The first waiter waits
      // for the blocker, the next for the first (the row's tuple lock).
      await until('both requests wait for the order\'s row', async () => Number((await t.app.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity a WHERE $1 = ANY(pg_blocking_pids(a.pid)) OR EXISTS (
           SELECT 1 FROM pg_stat_activity b WHERE $1 = ANY(pg_blocking_pids(b.pid)) AND b.pid = ANY(pg_blocking_pids(a.pid)))`, [pid]))[0]!.n), (n) => n >= 2, 10_000);
      await blocker.query('COMMIT');
      return await both;
    } finally {
      await blocker.end();
    }
  };
  /** After the dust: no pending change, no held pool row, every line allocated its open units (or the order CANCELLED). */
  const settled = async (id: string, what: string): Promise<OrderView> => {
    await t.settle();
    const now = await until(`${what}: allocated or cancelled`, () => order(id), (o) => o.status === 'ALLOCATED' || o.status === 'CANCELLED');
    await t.settle();
    expect(await t.app.db.query('SELECT change_id FROM orders.pending_changes WHERE order_id = $1', [id]), what).toEqual([]);
    expect(await t.app.db.query('SELECT held_for FROM waves.order_pool WHERE order_id = $1 AND held_for IS NOT NULL', [id]), what).toEqual([]);
    for (const l of now.lines) {
      expect(l.cancelled, `${what}: ${l.sku} cancelled`).toBeLessThanOrEqual(l.ordered);
      if (now.status === 'ALLOCATED') expect(l.allocated + l.cancelled, `${what}: ${l.sku} allocated its open units`).toBe(l.ordered);
    }
    return now;
  };
  const ok = (s: Sent): boolean => s.status === 200;

  it('two cancels of one line at once: each answers what it did, the line counts exactly the units the 200s cancelled', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const [atpA, atpB] = [(await atp(a)).atp, (await atp(b)).atp];
    // Each pair: two quantities that cannot both fit (2 + 2 of 3), two that can (1 + 1), all twice, all and one; and
    // on a one-line order, where all of it cancels the whole order.
    const PAIRS: { asks: [Ask, Ask]; twoLines: boolean }[] = [
      { asks: [{ quantity: 2 }, { quantity: 2 }], twoLines: true },
      { asks: [{ quantity: 1 }, { quantity: 1 }], twoLines: true },
      { asks: [{}, {}], twoLines: true },
      { asks: [{}, { quantity: 1 }], twoLines: true },
      { asks: [{ quantity: 1 }, {}], twoLines: false },
      { asks: [{}, {}], twoLines: false },
    ];
    const seen = new Map<string, number>();
    let n = 0;
    for (const moment of MOMENTS) for (const way of WAYS) {
      for (const { asks, twoLines } of PAIRS) {
        const what = `LNR-${++n} (${moment}, ${way}, ${JSON.stringify(asks)}${twoLines ? '' : ', one line'}, seed ${SEED})`;
        const o = await placed(`LNR-${n}`, moment, twoLines);
        const line = o.lines[0]!;
        const sent = await race(way, o.id, () => send(o, line.id, asks[0], 'first', way !== 'queued'), () => send(o, line.id, asks[1], 'second', way !== 'queued'));
        const now = await settled(o.id, what);
        const after = now.lines.find((l) => l.id === line.id)!;
        for (const [i, s] of sent.entries()) {
          const other = sent[1 - i]!;
          seen.set(`${s.status} ${s.code ?? ''}`, (seen.get(`${s.status} ${s.code ?? ''}`) ?? 0) + 1);
          if (ok(s)) continue;
          // The other request went first: it cancelled the order (its last open units), left too few open, or (the guard) replaced this one's change.
          expect(ok(other), `${what}: a refusal only when the other went through: ${JSON.stringify(sent)}`).toBe(true);
          if (s.status === 409) {
            expect(s.code === 'CONFLICT' || (s.code === 'ORDER_CANCELLED' && now.status === 'CANCELLED'), `${what}: ${JSON.stringify(sent)}`).toBe(true);
          } else {
            expect([s.status, s.code, s.fields], `${what}: ${JSON.stringify(sent)}`).toEqual([422, 'UNPROCESSABLE', ['/quantity']]);
            expect(s.ask.quantity! + (other.ask.quantity ?? line.ordered), `${what}: 422 only when both could not fit`).toBeGreaterThan(line.ordered);
          }
        }
        expect(sent.some(ok), `${what}: one of them went through: ${JSON.stringify(sent)}`).toBe(true);
        // Exactly what the 200s cancelled: their quantities, all of the line for one without a quantity.
        const all = sent.some((s) => ok(s) && s.ask.quantity === undefined);
        const units = sent.filter((s) => ok(s)).reduce((q, s) => q + (s.ask.quantity ?? 0), 0);
        expect(after.cancelled, `${what}: ${JSON.stringify(sent)}`).toBe(all ? line.ordered : units);
        expect(now.status, what).toBe(after.cancelled === line.ordered && !twoLines ? 'CANCELLED' : 'ALLOCATED');
        if (twoLines) expect(now.lines[1], what).toMatchObject({ cancelled: 0, allocated: 1 });
        // ATP: the order holds its open units, no more.
        expect((await atp(a)).atp, what).toBe(atpA - (line.ordered - after.cancelled));
        expect((await atp(b)).atp, what).toBe(atpB - (twoLines ? 1 : 0));
        if (now.status !== 'CANCELLED') expect((await whole(o.id, false)).status).toBe(200);
        await t.settle();
      }
    }
    expect([(await atp(a)).atp, (await atp(b)).atp]).toEqual([atpA, atpB]);
    expect(seen.get('200 '), JSON.stringify([...seen])).toBeGreaterThan(0);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    await conserved('after the racing line cancels');
  }, 120_000);

  it('a line cancel racing a whole-order cancel: the order ends CANCELLED, every unit of it released, the line cancel 200 or 409', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const [atpA, atpB] = [(await atp(a)).atp, (await atp(b)).atp];
    const ASKS: { ask: Ask; twoLines: boolean }[] = [{ ask: { quantity: 1 }, twoLines: true }, { ask: {}, twoLines: true }, { ask: {}, twoLines: false }];
    let n = 0;
    // Keyed requests queued behind the lock take it in turn as the lagged ones mostly do: two ways are enough here.
    for (const moment of MOMENTS) for (const way of ['lagged', 'queued'] as const) {
      for (const { ask, twoLines } of ASKS) {
        for (const lineFirst of [true, false]) {
          const what = `LNW-${++n} (${moment}, ${way}, ${JSON.stringify(ask)}${twoLines ? '' : ', one line'}, ${lineFirst ? 'line' : 'order'} first, seed ${SEED})`;
          const o = await placed(`LNW-${n}`, moment, twoLines);
          const line = o.lines[0]!;
          const [lineCancel, orderCancel] = lineFirst
            ? await race(way, o.id, () => send(o, line.id, ask, 'line', way !== 'queued'), () => whole(o.id, way !== 'queued'))
            : (await race(way, o.id, () => whole(o.id, way !== 'queued'), () => send(o, line.id, ask, 'line', way !== 'queued'))).reverse() as [Sent, Sent];
          expect([orderCancel.status, orderCancel.code], what).toEqual([200, undefined]);
          if (!ok(lineCancel)) expect([lineCancel.status, ['ORDER_CANCELLED', 'CONFLICT'].includes(lineCancel.code ?? '')], `${what}: ${JSON.stringify(lineCancel)}`).toEqual([409, true]);
          const now = await settled(o.id, what);
          expect(now.status, what).toBe('CANCELLED');
          expect(now.lines.map((l) => l.cancelled), what).toEqual(now.lines.map((l) => l.ordered));
          expect([(await atp(a)).atp, (await atp(b)).atp], what).toEqual([atpA, atpB]);
        }
      }
    }
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    await conserved('after the line cancels racing whole-order cancels');
  }, 120_000);

  it('answers 200 for a cancel it made when waves.order.held is handled before the request applies it (no request key)', async () => {
    // The gate's answer comes back late (a remote waves, a pause): the bus has delivered waves.order.held to orders by
    // then, and orders applies the pending change it finds. Before the fix the request then found no pending change and
    // answered 409 CONFLICT ("retry") for a cancel that was made: a retry would cancel the units twice.
    const a = w.products[0]!.sku;
    const atpA = (await atp(a)).atp;
    const o = await placed('LNR-LATE', 'allocated', true);
    await untilPooled(call, w.siteId, [o.id]);
    const wavesApi = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
    const real = { ...wavesApi };
    const outside = new pg.Client({ connectionString: t.databaseUrl });
    await outside.connect();
    wavesApi.holdForChange = async (input, meta) => {
      const answer = await real.holdForChange(input, meta);
      // Until nobody else could see the order's pending change, or it was applied by the handler (5 s at most).
      await until('the pending change applied or invisible', async () => (await outside.query('SELECT 1 FROM orders.pending_changes WHERE order_id = $1', [o.id])).rowCount,
        (n) => n === 0, 5_000);
      return answer;
    };
    try {
      const res = await cancelLine(o.id, o.lines[0]!.id, { quantity: 2, reason: 'late gate' });
      expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([200, undefined]);
      expect(res.body.lines[0]).toMatchObject({ ordered: 3, cancelled: 2 });
    } finally {
      Object.assign(wavesApi, real);
      await outside.end();
    }
    const now = await settled(o.id, 'LNR-LATE');
    expect(now.lines.map((l) => [l.ordered, l.cancelled, l.allocated])).toEqual([[3, 2, 1], [1, 0, 1]]);
    expect((await atp(a)).atp).toBe(atpA - 1);
    expect((await whole(o.id, true)).status).toBe(200);
    await t.settle();
    await conserved('after a line cancel whose gate answered late');
  }, 60_000);
});

describe('line cancels racing a wave plan and release', () => {
  it('a cancel answered 200 never has its units picked nor shipped; a refused one leaves the line whole; every line adds up', async () => {
    const site = await setupWarehouse(call, { siteCode: 'LNCWAVE', aisles: 1, bays: 3, levels: 1, skus: 2 });
    for (const [i, p] of site.products.entries()) {
      expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: site.siteId, sku: p.sku, locationId: site.storage[i]!.id, quantity: 80 })).status).toBe(201);
    }
    await t.settle();
    const [a, b] = [site.products[0]!.sku, site.products[1]!.sku];
    const rng = mulberry32(Number(process.env.PAKLOG_RACE_SEED ?? 20261206));
    const ROUNDS = 12;
    const results: { id: string; status: number; code: string | undefined; waved: boolean }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const created = await createOrder(call, site.siteId, { externalId: `LNCWAVE-${r}`, lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }] });
      await until('allocated', () => orderStatus(call, created.id), (s) => s === 'ALLOCATED');
      await t.settle();
      await untilPooled(call, site.siteId, [created.id]);
      const o = await order(created.id);
      const lineA = o.lines.find((l) => l.sku === a)!;
      const lag = Math.floor(rng() * 40);
      const cancelFirst = rng() < 0.5;
      const cancel = () => cancelLine(o.id, lineA.id, { quantity: 1, reason: `race ${r}` });
      const plan = async () => {
        const planned = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: site.siteId, maxOrders: 1 });
        if (planned.status !== 201) return false;
        expect((await call('release', 'POST', `/api/v1/waves/${planned.body.id}/release`)).status).toBe(200);
        return planned.body.orderIds.includes(o.id);
      };
      const later = <T>(f: () => Promise<T>) => new Promise<T>((resolve, fail) => { setTimeout(() => { f().then(resolve, fail); }, lag); });
      const [res, waved] = cancelFirst ? await Promise.all([cancel(), later(plan)]) : await Promise.all([later(cancel), plan()]).then(([x, y]) => [x, y] as const);
      results.push({ id: o.id, status: res.status, code: res.body.code, waved });
      if (res.status !== 200) expect(res.body.code, JSON.stringify(res.body)).toBe('ORDER_IN_FULFILMENT');
      await t.settle();
      // An order the racing plan did not take is planned now (before the next round's order joins the pool).
      if (!waved) {
        await until('allocated again', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
        await t.settle();
        expect((await planAndReleasePooled(call, site.siteId, [o.id], 1)).orderIds).toEqual([o.id]);
        await t.settle();
      }
    }
    const released = (await t.get(`/api/v1/events?type=waves.wave.released.v1&limit=200`)).body.items as { data: { orders: { orderId: string; lines: { sku: string; quantity: number }[] }[] } }[];
    for (const x of results) {
      const inWaves = released.flatMap((e) => e.data.orders).filter((e) => e.orderId === x.id);
      expect(inWaves, `${x.id} in exactly one released wave`).toHaveLength(1);
      const qa = inWaves[0]!.lines.filter((l) => l.sku === a).reduce((n, l) => n + l.quantity, 0);
      expect(qa, `${x.id}: the released wave carries ${x.status === 200 ? 2 : 3} of A (cancel ${x.status})`).toBe(x.status === 200 ? 2 : 3);
    }
    await workTasks(call, site.siteId, ['lncw-1', 'lncw-2'], { expectedTasks: ROUNDS });
    for (const x of results) {
      await until('picked', () => orderStatus(call, x.id), (s) => s === 'PICKED');
      await packAndShip(call, x.id);
    }
    await t.settle();
    for (const x of results) {
      const now = (await call<{ status: string; lines: { sku: string; ordered: number; shipped: number; cancelled: number; shorted: number; shortAtPack: number }[] }>('get', 'GET', `/api/v1/orders/${x.id}`)).body;
      expect(now.status).toBe('SHIPPED');
      for (const l of now.lines) {
        expect(l.ordered, `${x.id} ${l.sku} adds up`).toBe(l.shipped + l.cancelled + l.shorted + l.shortAtPack);
        if (l.sku === a) expect(l.cancelled, `${x.id}: cancel ${x.status}`).toBe(x.status === 200 ? 1 : 0);
      }
    }
    console.log(`line cancels racing a plan: ${results.filter((x) => x.status === 200).length} of ${ROUNDS} accepted, ${results.filter((x) => x.waved).length} waved by the racing plan`);
    await assertStockConserved(t.databaseUrl, { siteId: site.siteId, when: 'after line cancels raced a wave' });
    expect(await t.app.db.query('SELECT allocated FROM inventory.sku_stock WHERE site_id = $1 AND allocated <> 0', [site.siteId])).toEqual([]);
    expect(await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE held_for IS NOT NULL')).toEqual([]);
  }, 240_000);
});
