import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { claimWaiting, insertWave, markPicked } from './store.ts';

let t: TestApp;
/** The sites the tests use, by code (the code is also how a request may name a site); filled with their ids. */
const S: Record<string, string> = {};
beforeAll(async () => {
  // Real orders feed the pool; allocation and picking events are appended by the test.
  // Orders takes only carriers pack-ship can book: plug fakes into the carrier port for planning by carrier.
  const fake = (code: string) => ({ code, book: async () => ({ trackingNumber: `${code}1`, labelZpl: '^XA^XZ' }) });
  t = await startTestApp({ env: { PAKLOG_CONTEXTS: 'catalog,location-master,orders,waves,pack-ship' }, contextsTemplate: true, carriers: [fake('DHL'), fake('UPS')] });
  for (const code of ['sit_C1', 'sit_K1', 'sit_K2', 'sit_P1', 'sit_P2', 'sit_P3', 'sit_R1', 'sit_RACE', 'sit_X1', 'sit_X2']) {
    const site = await t.post('/api/v1/sites', { code, name: code });
    expect(site.status).toBe(201);
    S[code] = site.body.id;
  }
  for (const sku of ['MUG', 'TEA']) {
    expect((await t.post('/api/v1/products', { sku, description: sku, lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 200 })).status).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

interface Line { id: string; lineNo: number; sku: string; ordered: number }
interface OrderBody { id: string; siteId: string; status: string; waveId: string | null; lines: Line[] }
interface WaveBody { id: string; orderIds: string[]; siteId: string; carrier: string; status: string; orderCount: number; version: number; orders: { orderId: string; position: number; active: boolean; removed: boolean; picked: boolean; lines: unknown[] }[] }

let seq = 0;
const count = async (sql: string, params: unknown[] = []): Promise<number> => (await t.app.db.query<{ n: number }>(sql, params))[0]!.n;
async function emit(source: string, type: string, subject: string, data: unknown): Promise<void> {
  await t.app.db.tx((tx) => t.app.bus.append(tx, source, [{ type, subject, data }]));
  await t.settle();
}
const events = async (type: string, subject: string): Promise<any[]> =>
  (await t.app.db.query<{ envelope: { data: unknown } }>(`SELECT envelope FROM platform.events WHERE type = $1 AND subject = $2 ORDER BY time`, [type, subject])).map((r) => r.envelope.data);
const order = async (id: string): Promise<OrderBody> => (await t.get<OrderBody>(`/api/v1/orders/${id}`)).body;

/** An order received through the API and allocated in full: it lands in the waves pool. */
async function pooledOrder(siteId: string, over: Record<string, unknown> = {}): Promise<OrderBody> {
  const res = await t.post<OrderBody>('/api/v1/orders', {
    externalId: `W-${++seq}`, siteId, shipTo: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'NL' },
    lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'TEA', quantity: 2 }], ...over,
  }, 'integration');
  expect(res.status).toBe(201);
  const o = res.body;
  await emit('inventory', 'inventory.stock.allocated.v1', o.id, {
    orderId: o.id, siteId, complete: true, lines: o.lines.map((l) => ({ lineId: l.id, sku: l.sku, requested: l.ordered, allocated: l.ordered })),
  });
  expect((await order(o.id)).status).toBe('ALLOCATED');
  return o;
}
const plan = (body: Record<string, unknown>, role: 'manager' | 'admin' | 'operator' | 'viewer' | null = 'manager') => t.post<WaveBody>('/api/v1/waves', body, role);

describe('wave planning', () => {
  it('plans by carrier of the first order (priority 1 first, then oldest), marks orders WAVED, then has nothing left', async () => {
    const a = await pooledOrder(S.sit_P1!, { priority: 5 });
    const b = await pooledOrder(S.sit_P1!, { priority: 1, carrier: 'DHL' });
    const c = await pooledOrder(S.sit_P1!, { priority: 3 });
    const d = await pooledOrder(S.sit_P1!, { priority: 3 });
    const pool = await t.get('/api/v1/waves/pool?siteId=sit_P1', 'viewer');
    expect(pool.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([b.id, c.id, d.id, a.id]);

    const first = await plan({ siteId: S.sit_P1! });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ siteId: S.sit_P1!, carrier: 'DHL', status: 'PLANNED', orderCount: 1, maxOrders: 50 });
    expect(first.body.id).toMatch(/^wav_/);
    expect(first.body.orders.map((o) => o.orderId)).toEqual([b.id]);
    expect(first.body.orderIds).toEqual([b.id]);

    const second = await plan({ siteId: S.sit_P1! });
    expect(second.body).toMatchObject({ carrier: 'OWN_FLEET', orderCount: 3 });
    expect(second.body.orders.map((o) => o.orderId)).toEqual([c.id, d.id, a.id]);

    await t.settle();
    expect(await events('waves.wave.planned.v1', second.body.id)).toEqual([{ waveId: second.body.id, siteId: S.sit_P1!, orderIds: [c.id, d.id, a.id] }]);
    for (const o of [a, c, d]) expect(await order(o.id)).toMatchObject({ status: 'WAVED', waveId: second.body.id });
    expect((await order(b.id)).waveId).toBe(first.body.id);

    const none = await plan({ siteId: S.sit_P1! });
    expect(none.status).toBe(422);
    expect((none.body as unknown as { code: string }).code).toBe('NOTHING_TO_PLAN');
  });

  it('honours maxOrders and an explicit carrier', async () => {
    const x = await pooledOrder(S.sit_P2!, { carrier: 'UPS' });
    const y = await pooledOrder(S.sit_P2!, { carrier: 'UPS' });
    await pooledOrder(S.sit_P2!, { priority: 1 });
    const res = await plan({ siteId: S.sit_P2!, carrier: 'UPS', maxOrders: 1 });
    expect(res.status).toBe(201);
    expect(res.body.orders.map((o) => o.orderId)).toEqual([x.id]);
    const rest = await plan({ siteId: S.sit_P2!, carrier: 'UPS' });
    expect(rest.body.orders.map((o) => o.orderId)).toEqual([y.id]);
    expect((await plan({ siteId: S.sit_P2!, carrier: 'UPS' })).status).toBe(422);
  });

  it('rejects bad input with 400 naming the fields, and writes nothing', async () => {
    await pooledOrder(S.sit_P3!);
    const before = await count('SELECT count(*) AS n FROM waves.waves');
    const bad = await plan({ maxOrders: 0, colour: 'red' });
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(expect.arrayContaining(['/siteId', '/maxOrders', '/colour']));
    const tooMany = await plan({ siteId: S.sit_P3!, maxOrders: 1001 });
    expect(tooMany.status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM waves.waves')).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM waves.order_pool WHERE site_id = '${S.sit_P3!}' AND wave_id IS NOT NULL`)).toBe(0);
  });

  it('answers 401 without a key, 403 for operator and viewer, 404 for an unknown wave', async () => {
    expect((await plan({ siteId: S.sit_P3! }, null)).status).toBe(401);
    expect((await plan({ siteId: S.sit_P3! }, 'operator')).status).toBe(403);
    expect((await plan({ siteId: S.sit_P3! }, 'viewer')).status).toBe(403);
    expect((await t.post('/api/v1/waves/wav_nope/release', {}, 'operator')).status).toBe(403);
    expect((await t.get('/api/v1/waves/wav_nope')).status).toBe(404);
    expect((await t.post('/api/v1/waves/wav_nope/release', {})).status).toBe(404);
    expect((await t.post('/api/v1/waves/wav_nope/cancel', {})).status).toBe(404);
  });

  it('never puts one order in two waves when plans run concurrently', async () => {
    const orders = [];
    for (let i = 0; i < 20; i++) orders.push(await pooledOrder(S.sit_RACE!));
    const results = await Promise.all(Array.from({ length: 8 }, () => plan({ siteId: S.sit_RACE!, maxOrders: 4 })));
    expect(results.every((r) => r.status === 201 || (r.status === 422 && (r.body as unknown as { code: string }).code === 'NOTHING_TO_PLAN'))).toBe(true);
    const waved = results.filter((r) => r.status === 201).flatMap((r) => r.body.orders.map((o) => o.orderId));
    expect(new Set(waved).size).toBe(waved.length);
    // Whatever a plan skipped while another held it is still waiting; plan the rest and everything is in exactly one wave.
    while ((await plan({ siteId: S.sit_RACE!, maxOrders: 4 })).status === 201) { /* drain */ }
    expect(await count(`SELECT count(*) AS n FROM waves.wave_orders wo JOIN waves.waves w ON w.id = wo.wave_id WHERE w.site_id = '${S.sit_RACE!}' AND wo.active`)).toBe(20);
    expect(await count(`SELECT count(DISTINCT order_id) AS n FROM waves.wave_orders wo JOIN waves.waves w ON w.id = wo.wave_id WHERE w.site_id = '${S.sit_RACE!}'`)).toBe(20);
    // The schema itself refuses a second active membership.
    const other = (await t.app.db.query<{ id: string }>(
      `SELECT id FROM waves.waves w WHERE site_id = '${S.sit_RACE!}' AND NOT EXISTS (SELECT 1 FROM waves.wave_orders o WHERE o.wave_id = w.id AND o.order_id = $1) LIMIT 1`,
      [orders[0]!.id],
    ))[0]!.id;
    await expect(t.app.db.query(
      `INSERT INTO waves.wave_orders (wave_id, order_id, position, priority, lines) VALUES ($1, $2, 99, 5, '[]')`, [other, orders[0]!.id],
    )).rejects.toThrow(/wave_orders_one_active_wave/);
    await t.settle();
    for (const o of orders) expect((await order(o.id)).status).toBe('WAVED');
  });
});

describe('wave release, cancellation and completion', () => {
  it('releases a PLANNED wave with its order lines, moves orders to RELEASED, and refuses a second release or a cancel', async () => {
    const o = await pooledOrder(S.sit_R1!);
    const wave = (await plan({ siteId: S.sit_R1! })).body;
    const res = await t.post<WaveBody>(`/api/v1/waves/${wave.id}/release`, {}, 'manager');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('RELEASED');
    await t.settle();
    expect(await events('waves.wave.released.v1', wave.id)).toEqual([{
      waveId: wave.id, siteId: S.sit_R1!, pickStrategy: 'discrete',
      orders: [{ orderId: o.id, lines: o.lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.ordered })) }],
    }]);
    expect((await order(o.id)).status).toBe('RELEASED');
    expect(await count(`SELECT count(*) AS n FROM waves.order_pool WHERE order_id = $1`, [o.id])).toBe(0);
    const again = await t.post(`/api/v1/waves/${wave.id}/release`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ILLEGAL_TRANSITION');
    const cancel = await t.post(`/api/v1/waves/${wave.id}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('ILLEGAL_TRANSITION');
  });

  it('cancels a PLANNED wave: orders return to the pool and to ALLOCATED, and can be planned again', async () => {
    const o1 = await pooledOrder(S.sit_C1!);
    const o2 = await pooledOrder(S.sit_C1!);
    const wave = (await plan({ siteId: S.sit_C1! })).body;
    const res = await t.post<WaveBody>(`/api/v1/waves/${wave.id}/cancel`, {}, 'admin');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('CANCELLED');
    await t.settle();
    expect(await events('waves.wave.cancelled.v1', wave.id)).toEqual([{ waveId: wave.id, siteId: S.sit_C1!, orderIds: [o1.id, o2.id] }]);
    for (const o of [o1, o2]) expect(await order(o.id)).toMatchObject({ status: 'ALLOCATED', waveId: null });
    const pool = await t.get('/api/v1/waves/pool?siteId=sit_C1');
    expect(pool.body.items.map((p: { waveId: string | null }) => p.waveId)).toEqual([null, null]);
    expect((await t.post(`/api/v1/waves/${wave.id}/release`, {})).body.code).toBe('ILLEGAL_TRANSITION');
    const replanned = await plan({ siteId: S.sit_C1! });
    expect(replanned.body.orders.map((o) => o.orderId)).toEqual([o1.id, o2.id]);
    const list = await t.get(`/api/v1/waves?siteId=sit_C1&status=CANCELLED`, 'viewer');
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([wave.id]);
  });

  it('drops a cancelled order from the pool and from its PLANNED wave; a wave left empty is cancelled', async () => {
    const waiting = await pooledOrder(S.sit_X1!);
    expect((await t.post(`/api/v1/orders/${waiting.id}/cancel`, {})).status).toBe(200);
    await t.settle();
    expect(await count(`SELECT count(*) AS n FROM waves.order_pool WHERE order_id = $1`, [waiting.id])).toBe(0);

    const o1 = await pooledOrder(S.sit_X1!);
    const o2 = await pooledOrder(S.sit_X1!);
    const wave = (await plan({ siteId: S.sit_X1! })).body;
    await t.settle();
    expect((await t.post(`/api/v1/orders/${o1.id}/cancel`, { reason: 'fraud' })).status).toBe(200);
    await t.settle();
    let now = (await t.get<WaveBody>(`/api/v1/waves/${wave.id}`)).body;
    expect(now).toMatchObject({ status: 'PLANNED', orderCount: 1 });
    expect(now.orders.find((o) => o.orderId === o1.id)).toMatchObject({ active: false, removed: true });
    expect((await t.post(`/api/v1/orders/${o2.id}/cancel`, {})).status).toBe(200);
    await t.settle();
    now = (await t.get<WaveBody>(`/api/v1/waves/${wave.id}`)).body;
    expect(now).toMatchObject({ status: 'CANCELLED', orderCount: 0 });
    expect(await events('waves.wave.cancelled.v1', wave.id)).toEqual([{ waveId: wave.id, siteId: S.sit_X1!, orderIds: [] }]);
    expect(await count(`SELECT count(*) AS n FROM platform.dead_letters`)).toBe(0);
  });

  it('a cancel handled while a plan holds the order\'s pool row still drops the order from the wave that plan commits', async () => {
    const o = await pooledOrder(S.sit_X2!);
    const cancelled = {
      specversion: '1.0', id: `evt_race_${++seq}`, type: 'orders.order.cancelled.v1', source: 'orders', subject: o.id, time: new Date().toISOString(),
      datacontenttype: 'application/json', data: { orderId: o.id, siteId: S.sit_X2!, previousStatus: 'ALLOCATED', lines: [], reason: null },
    } as const;
    const waveId = `wav_race_${seq}`;
    let delivery: Promise<unknown> | undefined;
    // What plan() does, with the cancel arriving between its claim of the pool row and its commit.
    await t.app.db.tx(async (tx) => {
      const claimed = await claimWaiting(tx, S.sit_X2!, 'OWN_FLEET', 10);
      expect(claimed.map((c) => c.orderId)).toEqual([o.id]);
      // Another consumer's delivery, started from inside this transaction only to time it: it runs on its own connection.
      delivery = t.app.db.handOff(() => t.app.bus.deliver('waves', cancelled));
      await new Promise((r) => setTimeout(r, 300));
      await insertWave(tx, { id: waveId, siteId: S.sit_X2!, carrier: 'OWN_FLEET', status: 'PLANNED', maxOrders: 10 }, claimed, new Date());
    });
    expect(await delivery).toBe('handled');
    expect(await count(`SELECT count(*) AS n FROM waves.wave_orders WHERE order_id = $1 AND active`, [o.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM waves.order_pool WHERE order_id = $1`, [o.id])).toBe(0);
    expect((await t.get<WaveBody>(`/api/v1/waves/${waveId}`)).body).toMatchObject({ status: 'CANCELLED', orderCount: 0 });
  });

  it('goes IN_PROGRESS on the first completed pick list and COMPLETED when every order is picked', async () => {
    const o1 = await pooledOrder(S.sit_K1!);
    const o2 = await pooledOrder(S.sit_K1!);
    const wave = (await plan({ siteId: S.sit_K1! })).body;
    await t.post(`/api/v1/waves/${wave.id}/release`, {});
    await t.settle();
    const list = (id: string, orderId: string) => ({ pickListId: id, waveId: wave.id, siteId: S.sit_K1!, orderIds: [orderId], status: 'COMPLETED' });
    await emit('picking', 'picking.list.completed.v1', 'pkl_K1', list('pkl_K1', o1.id));
    expect((await t.get<WaveBody>(`/api/v1/waves/${wave.id}`)).body.status).toBe('IN_PROGRESS');
    await emit('picking', 'picking.list.completed.v1', 'pkl_K1', list('pkl_K1', o1.id));
    expect((await t.get<WaveBody>(`/api/v1/waves/${wave.id}`)).body.status).toBe('IN_PROGRESS');
    await emit('picking', 'picking.list.completed.v1', 'pkl_K2', list('pkl_K2', o2.id));
    const done = (await t.get<WaveBody>(`/api/v1/waves/${wave.id}`)).body;
    expect(done.status).toBe('COMPLETED');
    expect(done.orders.every((o) => o.picked)).toBe(true);
    await emit('picking', 'picking.list.completed.v1', 'pkl_K2', list('pkl_K2', o2.id));
    expect(await events('waves.wave.completed.v1', wave.id)).toEqual([{ waveId: wave.id, siteId: S.sit_K1!, orderIds: [o1.id, o2.id] }]);
    for (const o of [o1, o2]) expect((await order(o.id)).status).toBe('PICKED');
    expect((await t.get('/api/v1/waves?status=COMPLETED&siteId=sit_K1')).body.items).toHaveLength(1);
  });

  // Issue 18 a (2026-12-06): a completed pick list's orders were marked in one statement and counted in another.
  it('marks a pick list\'s orders picked and counts those of the wave still to pick in one statement', async () => {
    const waveId = 'wav_mark1';
    await t.app.db.query(
      `INSERT INTO waves.waves (id, site_id, carrier, status, max_orders, created_at, updated_at) VALUES ($1, 'sit_M1', 'OWN_FLEET', 'IN_PROGRESS', 10, now(), now())`, [waveId],
    );
    await t.app.db.query(
      `INSERT INTO waves.wave_orders (wave_id, order_id, position, priority, lines, active, picked)
       VALUES ($1, 'ord_m_a', 1, 5, '[]', true, false), ($1, 'ord_m_b', 2, 5, '[]', true, false), ($1, 'ord_m_c', 3, 5, '[]', true, false),
              ($1, 'ord_m_gone', 4, 5, '[]', false, false)`, [waveId],
    );
    const mark = (ids: string[]) => t.app.db.countStatements(() => t.app.db.tx((tx) => markPicked(tx, waveId, ids)));
    const first = await mark(['ord_m_a']);
    expect(first.value).toBe(2);
    expect(first.statements.filter((q) => q.includes('waves.'))).toHaveLength(1);
    expect((await mark(['ord_m_a'])).value).toBe(2); // a repeat marks nothing more
    expect((await mark(['ord_m_b', 'ord_m_gone'])).value).toBe(1); // an order no longer in the wave is not marked, nor counted
    expect((await mark(['ord_m_c'])).value).toBe(0);
    expect(await t.app.db.query(`SELECT order_id, picked FROM waves.wave_orders WHERE wave_id = $1 ORDER BY order_id`, [waveId])).toEqual([
      { order_id: 'ord_m_a', picked: true }, { order_id: 'ord_m_b', picked: true }, { order_id: 'ord_m_c', picked: true }, { order_id: 'ord_m_gone', picked: false },
    ]);
  });

  it('a released wave whose order was cancelled before release (waves heard of it late) completes without that order', async () => {
    // What orders announces when an order is cancelled while WAVED; here it reaches waves only after the release.
    const cancelled = (o: OrderBody, previousStatus: string) => ({
      orderId: o.id, siteId: o.siteId, previousStatus, reason: null,
      lines: o.lines.map((l) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: l.ordered })),
    });
    const list = (waveId: string, id: string, orderId: string) => ({ pickListId: id, waveId, siteId: S.sit_K2!, orderIds: [orderId], status: 'COMPLETED' });
    const wave = async (): Promise<WaveBody> => {
      const w = (await plan({ siteId: S.sit_K2! })).body;
      expect((await t.post(`/api/v1/waves/${w.id}/release`, {})).status).toBe(200);
      await t.settle();
      return w;
    };

    // The cancel arrives first: the other order's pick list then completes the wave.
    const a1 = await pooledOrder(S.sit_K2!);
    const a2 = await pooledOrder(S.sit_K2!);
    const first = await wave();
    await emit('orders', 'orders.order.cancelled.v1', a1.id, cancelled(a1, 'WAVED'));
    let now = (await t.get<WaveBody>(`/api/v1/waves/${first.id}`)).body;
    expect(now.status).toBe('RELEASED');
    expect(now.orders.find((o) => o.orderId === a1.id)).toMatchObject({ active: false, removed: true });
    await emit('picking', 'picking.list.completed.v1', 'pkl_K3', list(first.id, 'pkl_K3', a2.id));
    expect((await t.get<WaveBody>(`/api/v1/waves/${first.id}`)).body.status).toBe('COMPLETED');
    expect(await events('waves.wave.completed.v1', first.id)).toEqual([{ waveId: first.id, siteId: S.sit_K2!, orderIds: [a2.id] }]);

    // The cancel arrives last, when every other order is picked: the cancel itself completes the wave (once).
    const b1 = await pooledOrder(S.sit_K2!);
    const b2 = await pooledOrder(S.sit_K2!);
    const second = await wave();
    await emit('picking', 'picking.list.completed.v1', 'pkl_K4', list(second.id, 'pkl_K4', b2.id));
    expect((await t.get<WaveBody>(`/api/v1/waves/${second.id}`)).body.status).toBe('IN_PROGRESS');
    await emit('orders', 'orders.order.cancelled.v1', b1.id, cancelled(b1, 'ALLOCATED'));
    await emit('orders', 'orders.order.cancelled.v1', b1.id, cancelled(b1, 'ALLOCATED'));
    now = (await t.get<WaveBody>(`/api/v1/waves/${second.id}`)).body;
    expect(now.status).toBe('COMPLETED');
    expect(await events('waves.wave.completed.v1', second.id)).toEqual([{ waveId: second.id, siteId: S.sit_K2!, orderIds: [b2.id] }]);

    // A cancel after release (previousStatus RELEASED): picking withdraws the order's lines, so it leaves the wave too.
    const c1 = await pooledOrder(S.sit_K2!);
    const c2 = await pooledOrder(S.sit_K2!);
    const third = await wave();
    await emit('picking', 'picking.list.completed.v1', 'pkl_K5', list(third.id, 'pkl_K5', c2.id));
    await emit('orders', 'orders.order.cancelled.v1', c1.id, cancelled(c1, 'RELEASED'));
    now = (await t.get<WaveBody>(`/api/v1/waves/${third.id}`)).body;
    expect(now.status).toBe('COMPLETED');
    expect(now.orders.find((o) => o.orderId === c1.id)).toMatchObject({ active: false, removed: true });

    // Orders the release could not reserve go back to allocation and leave the wave; nothing reserved → it completes.
    const d1 = await pooledOrder('sit_K2');
    const fourth = await wave();
    const back = { orderId: d1.id, lines: d1.lines.map((l) => ({ lineId: l.id, sku: l.sku, requested: l.ordered, allocated: 0 })) };
    await emit('inventory', 'inventory.stock.reserved.v1', fourth.id, { waveId: fourth.id, siteId: 'sit_K2', reservations: [], shortages: [], backordered: [back] });
    now = (await t.get<WaveBody>(`/api/v1/waves/${fourth.id}`)).body;
    expect(now.status).toBe('COMPLETED');
    expect(now.orders.find((o) => o.orderId === d1.id)).toMatchObject({ active: false, removed: true });
    expect(await count(`SELECT count(*) AS n FROM platform.dead_letters`)).toBe(0);
  });
});
