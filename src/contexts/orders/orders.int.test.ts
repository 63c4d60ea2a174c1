import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
/** The sites the tests use, by code (the code is also how a request may name a site); filled with their ids. */
const S: Record<string, string> = {};
beforeAll(async () => {
  // Only the contexts this file exercises: upstream events are appended by the test itself. Pack & ship decides
  // cancellations (its stopShipping API), so it runs too.
  t = await startTestApp({ env: { PAKLOG_CONTEXTS: 'catalog,location-master,orders,waves,pack-ship' }, contextsTemplate: true });
  for (const code of ['sit_A', 'sit_LIST']) {
    const site = await t.post('/api/v1/sites', { code, name: code });
    expect(site.status).toBe(201);
    S[code] = site.body.id;
  }
  for (const sku of ['MUG', 'TEA', 'PEN']) {
    const res = await t.post('/api/v1/products', { sku, description: sku, lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 200 });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

interface Line { id: string; lineNo: number; sku: string; ordered: number; allocated: number; picked: number; shorted: number; packed: number; shipped: number; cancelled: number }
interface OrderBody { id: string; siteId: string; externalId: string; version: number; status: string; waveId: string | null; lines: Line[]; statusHistory: { to: string }[] }

let seq = 0;
const newOrder = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  externalId: `SHOP-${++seq}`, siteId: S.sit_A!,
  shipTo: { name: 'Ada Lovelace', line1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 3 }], ...over,
});
const count = async (sql: string, params: unknown[] = []): Promise<number> => (await t.app.db.query<{ n: number }>(sql, params))[0]!.n;
const orderCount = (): Promise<number> => count('SELECT count(*) AS n FROM orders.orders');
const eventCount = (type: string, subject?: string): Promise<number> =>
  count('SELECT count(*) AS n FROM platform.events WHERE type = $1 AND ($2::text IS NULL OR subject = $2)', [type, subject ?? null]);
async function emit(source: string, type: string, subject: string, data: unknown): Promise<void> {
  await t.app.db.tx((tx) => t.app.bus.append(tx, source, [{ type, subject, data }]));
  await t.settle();
}
/** An event as a transport hands it to a consumer (not appended: `deliverMany` is called with it directly). */
const envelope = (type: string, subject: string, data: unknown): EventEnvelope =>
  ({ specversion: '1.0', id: `evt_test_${++seq}_${Math.random().toString(36).slice(2)}`, type, source: 'picking', subject, time: new Date().toISOString(), datacontenttype: 'application/json', data });
const getOrder = async (id: string): Promise<OrderBody> => (await t.get<OrderBody>(`/api/v1/orders/${id}`)).body;

async function received(over: Record<string, unknown> = {}): Promise<OrderBody> {
  const res = await t.post<OrderBody>('/api/v1/orders', newOrder(over), 'integration');
  expect(res.status).toBe(201);
  await t.settle();
  return res.body;
}
const allocation = (o: any, allocated: (l: Line) => number) => ({
  orderId: o.id, siteId: o.siteId,
  lines: o.lines.map((l: Line) => ({ lineId: l.id, sku: l.sku, requested: l.ordered, allocated: allocated(l) })),
  complete: o.lines.every((l: Line) => allocated(l) === l.ordered),
});
async function allocated(o: OrderBody): Promise<void> {
  await emit('inventory', 'inventory.stock.allocated.v1', o.id, allocation(o, (l) => l.ordered));
}
const released = (o: any, waveId: string) => ({
  waveId, siteId: o.siteId, pickStrategy: 'discrete',
  orders: [{ orderId: o.id, lines: o.lines.map((l: Line) => ({ lineId: l.id, sku: l.sku, quantity: l.ordered })) }],
});

describe('order intake', () => {
  it('receives an order with defaults, emits orders.order.received.v1 with line ids and reads it back', async () => {
    const { value: res, statements } = await t.app.db.countStatements(() => t.post('/api/v1/orders', newOrder({ externalId: 'HAPPY-1', shipBy: '2030-01-02T10:00:00.000Z' }), 'integration'));
    expect(res.status).toBe(201);
    // The order, its lines, history and event in one autocommitted statement: no look-up of the external id first, no BEGIN.
    const own = statements.filter((q) => /\b(orders|platform\.outbox)\b/.test(q) && !q.includes('platform.api_keys'));
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(/INSERT INTO orders\.orders[\s\S]*INSERT INTO platform\.outbox[\s\S]*INSERT INTO platform\.events/);
    // (The relay it wakes runs its own transaction afterwards.)
    expect(statements.slice(0, statements.indexOf(own[0]!))).not.toContain('BEGIN');
    expect(res.body).toMatchObject({ externalId: 'HAPPY-1', siteId: S.sit_A!, carrier: 'OWN_FLEET', priority: 5, status: 'RECEIVED', version: 1, shipBy: '2030-01-02T10:00:00.000Z' });
    expect(res.body.id).toMatch(/^ord_/);
    expect(res.body.lines).toEqual([
      expect.objectContaining({ lineNo: 1, sku: 'MUG', ordered: 2, allocated: 0, picked: 0, shorted: 0, packed: 0, shipped: 0, cancelled: 0 }),
      expect.objectContaining({ lineNo: 2, sku: 'TEA', ordered: 3 }),
    ]);
    expect(res.body.lines[0].id).toMatch(/^oln_/);
    expect(res.body.statusHistory).toEqual([expect.objectContaining({ from: null, to: 'RECEIVED' })]);
    await t.settle();
    const [event] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.received.v1' AND subject = $1`, [res.body.id]);
    expect(event?.envelope.siteid).toBe(S.sit_A!);
    expect(event?.envelope.data).toEqual({
      orderId: res.body.id, externalId: 'HAPPY-1', siteId: S.sit_A!, carrier: 'OWN_FLEET', priority: 5,
      lines: res.body.lines.map((l: Line) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: l.ordered })),
      shipTo: res.body.shipTo, shipBy: '2030-01-02T10:00:00.000Z',
    });
    const got = await t.get(`/api/v1/orders/${res.body.id}`, 'viewer');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/paklog_orders_received_total [1-9]/);
  });

  it('returns the existing order with 200 when the same externalId is posted again, and replays an Idempotency-Key', async () => {
    const body = newOrder();
    const first = await t.post('/api/v1/orders', body, 'manager');
    const again = await t.post('/api/v1/orders', body, 'manager');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const keyed = newOrder();
    const headers = { 'idempotency-key': `k-${String(keyed.externalId)}` };
    const k1 = await t.post('/api/v1/orders', keyed, 'integration', headers);
    const k2 = await t.post('/api/v1/orders', keyed, 'integration', headers);
    expect(k1.status).toBe(201);
    expect(k2.status).toBe(201);
    expect(k2.headers['idempotent-replayed']).toBe('true');
    expect(k2.body.id).toBe(k1.body.id);
    expect(await count('SELECT count(*) AS n FROM orders.orders WHERE external_id = ANY($1)', [[body.externalId, keyed.externalId]])).toBe(2);
  });

  it('makes exactly one order of 10 concurrent posts with the same externalId', async () => {
    const body = newOrder({ externalId: 'RACE-1' });
    const results = await Promise.all(Array.from({ length: 10 }, () => t.post('/api/v1/orders', body, 'integration')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id as string)).size).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE external_id = 'RACE-1'`)).toBe(1);
    await t.settle();
    expect(await eventCount('orders.order.received.v1', results[0]!.body.id)).toBe(1);
  });

  it('rejects bad input with 400/422 naming the fields, and writes nothing', async () => {
    const before = await orderCount();
    const events = await eventCount('orders.order.received.v1');

    const missing = await t.post('/api/v1/orders', { siteId: S.sit_A!, lines: [{ sku: 'MUG', quantity: 1 }], colour: 'red' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/externalId', '/shipTo', '/colour']));

    const zero = await t.post('/api/v1/orders', newOrder({ lines: [{ sku: 'MUG', quantity: 0 }, { sku: 'TEA', quantity: 1.5 }] }));
    expect(zero.status).toBe(400);
    expect(zero.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/lines/0/quantity', '/lines/1/quantity']));

    const noLines = await t.post('/api/v1/orders', newOrder({ lines: [], priority: 10 }));
    expect(noLines.status).toBe(400);
    expect(noLines.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/lines', '/priority']));

    const countryFormat = await t.post('/api/v1/orders', newOrder({ shipTo: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'Germany' } }));
    expect(countryFormat.status).toBe(400);
    expect(countryFormat.body.errors.map((e: { field: string }) => e.field)).toEqual(['/shipTo/country']);

    const notACountry = await t.post('/api/v1/orders', newOrder({ shipTo: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'XX' } }));
    expect(notACountry.status).toBe(422);
    expect(notACountry.body.errors).toEqual([{ field: '/shipTo/country', message: expect.any(String) }]);

    const duplicate = await t.post('/api/v1/orders', newOrder({ lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'MUG', quantity: 2 }] }));
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors).toEqual([{ field: '/lines/1/sku', message: expect.stringMatching(/duplicates line 0/) }]);

    const unknown = await t.post('/api/v1/orders', newOrder({ lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'NOPE', quantity: 1 }, { sku: 'GONE', quantity: 1 }] }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('UNKNOWN_SKU');
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['/lines/1/sku', '/lines/2/sku']);

    // Refused at the edge since the API's one date range (schemas.ts DATE_RANGE): a 400, no longer the domain's 422.
    const yearZero = await t.post('/api/v1/orders', newOrder({ shipBy: '0000-01-01T00:00:00Z' }));
    expect(yearZero.status).toBe(400);
    expect(yearZero.body.errors).toEqual([{ field: '/shipBy', message: expect.any(String) }]);

    await t.settle();
    expect(await orderCount()).toBe(before);
    expect(await count('SELECT count(*) AS n FROM orders.order_lines WHERE sku IN ($1, $2)', ['NOPE', 'GONE'])).toBe(0);
    expect(await eventCount('orders.order.received.v1')).toBe(events);
  });

  it('answers 401 without a key, 403 for roles that may not take orders, 404 for an unknown id', async () => {
    expect((await t.post('/api/v1/orders', newOrder(), null)).status).toBe(401);
    expect((await t.post('/api/v1/orders', newOrder(), 'operator')).status).toBe(403);
    expect((await t.post('/api/v1/orders', newOrder(), 'viewer')).status).toBe(403);
    expect((await t.get('/api/v1/orders', null)).status).toBe(401);
    const missing = await t.get('/api/v1/orders/ord_nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('lists orders by status, site and externalId with a cursor', async () => {
    const a = await received({ siteId: S.sit_LIST! });
    const b = await received({ siteId: S.sit_LIST! });
    const c = await received({ siteId: S.sit_LIST! });
    const page1 = await t.get('/api/v1/orders?siteId=sit_LIST&limit=2', 'viewer');
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((o: OrderBody) => o.id)).toEqual([a.id, b.id]);
    const page2 = await t.get(`/api/v1/orders?siteId=sit_LIST&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: c.id })], nextCursor: null });
    const byExt = await t.get(`/api/v1/orders?externalId=${b.externalId}&status=RECEIVED`);
    expect(byExt.body.items.map((o: OrderBody) => o.id)).toEqual([b.id]);
    expect((await t.get('/api/v1/orders?status=LOST')).status).toBe(400);
    expect((await t.get('/api/v1/orders?cursor=%21%21')).status).toBe(400);
  });
});

describe('order lifecycle driven by events', () => {
  it('walks RECEIVED → BACKORDERED → ALLOCATED → WAVED → RELEASED → PICKING → PICKED → PACKED → SHIPPED (partial)', async () => {
    const o = await received();
    await emit('inventory', 'inventory.stock.allocated.v1', o.id, allocation(o, (l) => (l.sku === 'MUG' ? l.ordered : 0)));
    let now = await getOrder(o.id);
    expect(now.status).toBe('BACKORDERED');
    expect(now.lines.map((l: Line) => l.allocated)).toEqual([2, 0]);
    expect(await eventCount('orders.order.backordered.v1', o.id)).toBe(1);

    await allocated(o);
    now = await getOrder(o.id);
    expect(now.status).toBe('ALLOCATED');
    const [alloc] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.allocated.v1' AND subject = $1`, [o.id]);
    expect(alloc?.envelope.data).toMatchObject({ orderId: o.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', priority: 5, lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 3 }] });
    expect(alloc?.envelope.causationid).toBeDefined();

    await emit('waves', 'waves.wave.planned.v1', 'wav_X1', { waveId: 'wav_X1', siteId: S.sit_A!, orderIds: [o.id] });
    expect(await getOrder(o.id)).toMatchObject({ status: 'WAVED', waveId: 'wav_X1' });
    await emit('waves', 'waves.wave.released.v1', 'wav_X1', released(o, 'wav_X1'));
    expect((await getOrder(o.id)).status).toBe('RELEASED');

    const mug = o.lines[0]!;
    const tea = o.lines[1]!;
    const pick = { pickListId: 'pkl_1', pickLineId: 'pln_1', orderId: o.id, lineId: mug.id, reservationId: 'rsv_1', siteId: S.sit_A!, sku: 'MUG', locationId: 'loc_1', lot: null, quantity: 2, toteId: 'T1' };
    await emit('picking', 'picking.line.picked.v1', 'pkl_1', pick);
    await emit('picking', 'picking.line.picked.v1', 'pkl_1', { ...pick, pickLineId: 'pln_2', lineId: tea.id, sku: 'TEA', quantity: 1 });
    await emit('picking', 'picking.line.shorted.v1', 'pkl_1', { ...pick, pickLineId: 'pln_2', lineId: tea.id, sku: 'TEA', shortQuantity: 2, reason: 'NOT_FOUND' });
    now = await getOrder(o.id);
    expect(now.status).toBe('PICKING');
    expect(now.lines.map((l: Line) => [l.picked, l.shorted])).toEqual([[2, 0], [1, 2]]);

    // Picking's completion reaches pack & ship (running here), which announces the order ready to pack: that makes it PICKED.
    const completed = { pickListId: 'pkl_1', waveId: 'wav_X1', siteId: S.sit_A!, orderIds: [o.id], status: 'PARTIAL' };
    await emit('picking', 'picking.list.completed.v1', 'pkl_1', completed);
    expect((await getOrder(o.id)).status).toBe('PICKED');
    const [ready] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'pack-ship.order.ready-to-pack.v1' AND subject = $1`, [o.id]);
    expect(ready?.envelope.data).toEqual({ orderId: o.id, siteId: S.sit_A!, status: 'PARTIAL', unitsPicked: 3, round: 1, priority: 5 });
    const [pickedEvent] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.picked.v1' AND subject = $1`, [o.id]);
    expect(pickedEvent?.envelope.causationid).toBe(ready?.envelope.id);

    const pkg = { packageId: 'pkg_1', orderId: o.id, siteId: S.sit_A!, cartonCode: 'S', weightG: 500, lines: [{ lineId: mug.id, sku: 'MUG', quantity: 2 }], orderComplete: false };
    await emit('pack-ship', 'pack-ship.package.packed.v1', 'pkg_1', pkg);
    expect((await getOrder(o.id)).status).toBe('PICKED');
    await emit('pack-ship', 'pack-ship.package.packed.v1', 'pkg_2', { ...pkg, packageId: 'pkg_2', lines: [{ lineId: tea.id, sku: 'TEA', quantity: 1 }], orderComplete: true });
    // Packages add packed quantities; the order becomes PACKED on pack-ship's one "order packed" announcement.
    expect((await getOrder(o.id)).status).toBe('PICKED');
    await emit('pack-ship', 'pack-ship.order.packed.v1', o.id, { orderId: o.id, siteId: S.sit_A!, packageIds: ['pkg_1', 'pkg_2'] });
    now = await getOrder(o.id);
    expect(now.status).toBe('PACKED');
    expect(now.lines.map((l: Line) => l.packed)).toEqual([2, 1]);

    const shipment = { shipmentId: 'shp_1', orderId: o.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', trackingNumber: 'TRK1', packageIds: ['pkg_1', 'pkg_2'], lines: [{ lineId: mug.id, sku: 'MUG', quantity: 2 }, { lineId: tea.id, sku: 'TEA', quantity: 1 }] };
    await emit('pack-ship', 'pack-ship.shipment.dispatched.v1', 'shp_1', shipment);
    now = await getOrder(o.id);
    expect(now.status).toBe('SHIPPED');
    expect(now.lines.map((l: Line) => l.shipped)).toEqual([2, 1]);
    expect(now.statusHistory.map((h: { to: string }) => h.to)).toEqual(['RECEIVED', 'BACKORDERED', 'ALLOCATED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED']);
    const [shipped] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.shipped.v1' AND subject = $1`, [o.id]);
    expect(shipped?.envelope.data).toEqual({
      orderId: o.id, siteId: S.sit_A!, partial: true,
      lines: [{ lineId: mug.id, sku: 'MUG', ordered: 2, shipped: 2 }, { lineId: tea.id, sku: 'TEA', ordered: 3, shipped: 1 }],
    });
    for (const type of ['waved', 'released', 'picking-started', 'picked', 'packed']) expect(await eventCount(`orders.order.${type}.v1`, o.id)).toBe(1);
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/paklog_orders_shipped_total [1-9]/);

    // Late and repeated events never move it backwards.
    await emit('picking', 'picking.list.completed.v1', 'pkl_1', completed);
    await allocated(o);
    await emit('waves', 'waves.wave.released.v1', 'wav_X1', released(o, 'wav_X1'));
    expect((await getOrder(o.id)).status).toBe('SHIPPED');
    expect(await eventCount('orders.order.shipped.v1', o.id)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM platform.dead_letters')).toBe(0);
  });

  it('writes an event\'s change of an order in one statement after its row lock, whatever the number of lines', async () => {
    const o = await received({ lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 3 }, { sku: 'PEN', quantity: 1 }] });
    // The statements that touch the orders schema (not pack & ship's orders table, not the bus's bookkeeping).
    const ordersSql = (statements: string[]): string[] =>
      statements.filter((q) => /(^|[^.\w])orders\.(orders|order_lines|status_history)\b/.test(q)).map((q) => q.replace(/\s+/g, ' ').slice(0, 30));
    const deliver = async (e: EventEnvelope): Promise<string[]> => {
      const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('orders', [e]));
      await t.settle();
      return ordersSql(statements);
    };
    const oneWrite = [expect.stringMatching(/^SELECT id, external_id .* FOR UPDATE|^SELECT id, external_id/), expect.stringMatching(/^WITH q AS/)];
    // Allocation: the quantities (answering every line: completeness is decided on them), then the move.
    expect(await deliver(envelope('inventory.stock.allocated.v1', o.id, allocation(o, (l) => l.ordered))))
      .toEqual([oneWrite[0], oneWrite[1], oneWrite[1]]);
    expect(await deliver(envelope('waves.wave.planned.v1', 'wav_W1', { waveId: 'wav_W1', siteId: S.sit_A!, orderIds: [o.id] }))).toEqual(oneWrite);
    expect(await deliver(envelope('waves.wave.released.v1', 'wav_W1', released(o, 'wav_W1')))).toEqual(oneWrite);
    for (const [i, l] of o.lines.entries()) {
      await emit('picking', 'picking.line.picked.v1', 'pkl_W1', { pickListId: 'pkl_W1', pickLineId: `pln_W1_${i}`, orderId: o.id, lineId: l.id,
        reservationId: `rsv_W1_${i}`, siteId: S.sit_A!, sku: l.sku, locationId: 'loc_1', lot: null, quantity: l.ordered, toteId: 'T-W1' });
    }
    await emit('picking', 'picking.list.completed.v1', 'pkl_W1', { pickListId: 'pkl_W1', waveId: 'wav_W1', siteId: S.sit_A!, orderIds: [o.id], status: 'COMPLETED' });
    expect((await getOrder(o.id)).status).toBe('PICKED');
    const lines = o.lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.ordered }));
    const packed = { packageId: 'pkg_W1', orderId: o.id, siteId: S.sit_A!, cartonCode: 'S', weightG: 500, lines, orderComplete: true };
    // Quantities only: lines and version in one statement.
    expect(await deliver(envelope('pack-ship.package.packed.v1', 'pkg_W1', packed))).toEqual(oneWrite);
    expect(await deliver(envelope('pack-ship.order.packed.v1', o.id, { orderId: o.id, siteId: S.sit_A!, packageIds: ['pkg_W1'] }))).toEqual(oneWrite);
    const shipment = { shipmentId: 'shp_W1', orderId: o.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', trackingNumber: 'TRK-W1', packageIds: ['pkg_W1'], lines };
    // Shipped quantities, the move, its history row and the lines the event carries: one statement.
    expect(await deliver(envelope('pack-ship.shipment.dispatched.v1', 'shp_W1', shipment))).toEqual(oneWrite);

    const now = await getOrder(o.id);
    expect(now.status).toBe('SHIPPED');
    expect(now.lines.map((l) => [l.allocated, l.picked, l.packed, l.shipped])).toEqual([[2, 2, 2, 2], [3, 3, 3, 3], [1, 1, 1, 1]]);
    expect(now.statusHistory.map((h) => h.to)).toEqual(['RECEIVED', 'ALLOCATED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED']);
    // As the step-by-step writes counted: one per step, one per report that only changed quantities (the 2nd and 3rd
    // pick, the package): 1 + 7 steps + 3.
    expect(now.version).toBe(11);
    expect(now.waveId).toBe('wav_W1');
    const [shipped] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.shipped.v1' AND subject = $1`, [o.id]);
    expect(shipped?.envelope.data).toEqual({ orderId: o.id, siteId: S.sit_A!, partial: false, lines: o.lines.map((l) => ({ lineId: l.id, sku: l.sku, ordered: l.ordered, shipped: l.ordered })) });
  });

  it('becomes PACKED when pack-ship announces the order packed after picking completed (everything picked was already packed), once', async () => {
    const o = await received({ lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'TEA', quantity: 1 }] });
    await allocated(o);
    await emit('waves', 'waves.wave.planned.v1', 'wav_X7', { waveId: 'wav_X7', siteId: S.sit_A!, orderIds: [o.id] });
    await emit('waves', 'waves.wave.released.v1', 'wav_X7', released(o, 'wav_X7'));
    const mug = o.lines[0]!;
    const tea = o.lines[1]!;
    const pick = { pickListId: 'pkl_7', pickLineId: 'pln_71', orderId: o.id, lineId: mug.id, reservationId: 'rsv_7', siteId: S.sit_A!, sku: 'MUG', locationId: 'loc_1', lot: null, quantity: 1, toteId: 'T7' };
    await emit('picking', 'picking.line.picked.v1', 'pkl_7', pick);
    // Packed before picking is done: not the order's completion.
    await emit('pack-ship', 'pack-ship.package.packed.v1', 'pkg_7', { packageId: 'pkg_7', orderId: o.id, siteId: S.sit_A!, cartonCode: 'S', weightG: 1, lines: [{ lineId: mug.id, sku: 'MUG', quantity: 1 }], orderComplete: false });
    await emit('picking', 'picking.line.shorted.v1', 'pkl_7', { ...pick, pickLineId: 'pln_72', lineId: tea.id, sku: 'TEA', shortQuantity: 1, reason: 'NOT_FOUND' });
    await emit('picking', 'picking.list.completed.v1', 'pkl_7', { pickListId: 'pkl_7', waveId: 'wav_X7', siteId: S.sit_A!, orderIds: [o.id], status: 'PARTIAL' });
    expect((await getOrder(o.id)).status).toBe('PICKED');

    const packed = { orderId: o.id, siteId: S.sit_A!, packageIds: ['pkg_7'] };
    await emit('pack-ship', 'pack-ship.order.packed.v1', o.id, packed);
    expect((await getOrder(o.id)).status).toBe('PACKED');
    await emit('pack-ship', 'pack-ship.order.packed.v1', o.id, packed);
    expect(await eventCount('orders.order.packed.v1', o.id)).toBe(1);
    expect((await getOrder(o.id)).statusHistory.map((h: { to: string }) => h.to).slice(-2)).toEqual(['PICKED', 'PACKED']);
  });

  it('ships complete orders as not partial', async () => {
    const o = await received({ lines: [{ sku: 'PEN', quantity: 1 }] });
    await allocated(o);
    await emit('waves', 'waves.wave.planned.v1', 'wav_X2', { waveId: 'wav_X2', siteId: S.sit_A!, orderIds: [o.id] });
    await emit('waves', 'waves.wave.released.v1', 'wav_X2', released(o, 'wav_X2'));
    await emit('picking', 'picking.list.completed.v1', 'pkl_2', { pickListId: 'pkl_2', waveId: 'wav_X2', siteId: S.sit_A!, orderIds: [o.id], status: 'COMPLETED' });
    await emit('pack-ship', 'pack-ship.package.packed.v1', 'pkg_3', { packageId: 'pkg_3', orderId: o.id, siteId: S.sit_A!, cartonCode: 'S', weightG: 1, lines: [], orderComplete: true });
    await emit('pack-ship', 'pack-ship.shipment.dispatched.v1', 'shp_2', { shipmentId: 'shp_2', orderId: o.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', trackingNumber: 'T', packageIds: ['pkg_3'], lines: [{ lineId: o.lines[0]!.id, sku: 'PEN', quantity: 1 }] });
    expect((await getOrder(o.id)).status).toBe('SHIPPED');
    const [shipped] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.shipped.v1' AND subject = $1`, [o.id]);
    expect(shipped?.envelope.data.partial).toBe(false);
  });

  it('returns a WAVED order to ALLOCATED when its wave is cancelled', async () => {
    const o = await received();
    await allocated(o);
    await emit('waves', 'waves.wave.planned.v1', 'wav_X3', { waveId: 'wav_X3', siteId: S.sit_A!, orderIds: [o.id] });
    await emit('waves', 'waves.wave.cancelled.v1', 'wav_X4', { waveId: 'wav_X4', siteId: S.sit_A!, orderIds: [o.id] });
    expect((await getOrder(o.id)).status).toBe('WAVED');
    expect(await eventCount('orders.order.unwaved.v1', o.id)).toBe(0);
    await emit('waves', 'waves.wave.cancelled.v1', 'wav_X3', { waveId: 'wav_X3', siteId: S.sit_A!, orderIds: [o.id] });
    expect(await getOrder(o.id)).toMatchObject({ status: 'ALLOCATED', waveId: null });
    // The move back is announced like every other status change.
    const unwaved = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.unwaved.v1' AND subject = $1`, [o.id]);
    expect(unwaved.map((e) => e.envelope.data)).toEqual([{ orderId: o.id, siteId: S.sit_A!, from: 'WAVED', to: 'ALLOCATED' }]);
    expect(unwaved[0]?.envelope.causationid).toBeDefined();
    // A redelivered cancellation announces nothing new.
    await emit('waves', 'waves.wave.cancelled.v1', 'wav_X3', { waveId: 'wav_X3', siteId: S.sit_A!, orderIds: [o.id] });
    expect(await eventCount('orders.order.unwaved.v1', o.id)).toBe(1);
  });

  it('a run of picks delivered together moves each order once, counts each report once and keeps a failing one apart', async () => {
    const a = await received();
    const b = await received();
    for (const [o, wave] of [[a, 'wav_R1'], [b, 'wav_R2']] as const) {
      await allocated(o);
      await emit('waves', 'waves.wave.planned.v1', wave, { waveId: wave, siteId: S.sit_A!, orderIds: [o.id] });
      await emit('waves', 'waves.wave.released.v1', wave, released(o, wave));
    }
    const versions = [(await getOrder(a.id)).version, (await getOrder(b.id)).version];
    const report = (o: OrderBody, line: number, quantity: number) => envelope('picking.line.picked.v1', o.id, {
      pickListId: 'pkl_R', pickLineId: `pln_${o.id}_${line}`, orderId: o.id, lineId: o.lines[line]!.id, reservationId: 'rsv_R', siteId: S.sit_A!,
      sku: o.lines[line]!.sku, locationId: 'loc_R', lot: null, quantity, toteId: 'T-R',
    });
    const aMug = report(a, 0, 2);
    const short = envelope('picking.line.shorted.v1', b.id, {
      pickListId: 'pkl_R', pickLineId: 'pln_Rs', orderId: b.id, lineId: b.lines[1]!.id, reservationId: 'rsv_R', siteId: S.sit_A!, sku: 'TEA',
      locationId: 'loc_R', lot: null, shortQuantity: 1, reason: 'NOT_FOUND',
    });
    // a's MUG twice (the same event: counted once), a's TEA, b's MUG, a short of b's TEA, then b's TEA; then a pick
    // beyond what b's MUG ordered breaks the run: it is delivered again event by event and only that one is refused.
    await t.app.bus.deliverMany('orders', [aMug, report(b, 0, 1), aMug, report(a, 1, 3), short, report(b, 1, 2)]);
    await t.settle();
    const [nowA, nowB] = [await getOrder(a.id), await getOrder(b.id)];
    expect(nowA.lines.map((l) => [l.picked, l.shorted])).toEqual([[2, 0], [3, 0]]);
    expect(nowB.lines.map((l) => [l.picked, l.shorted])).toEqual([[1, 0], [2, 1]]);
    expect([nowA.status, nowB.status]).toEqual(['PICKING', 'PICKING']);
    // One move each (RELEASED → PICKING, with its history row and event); every other report bumps the version once, as
    // one event at a time did (a: the move and TEA; b: the move, the short and TEA).
    expect(nowA.statusHistory.filter((h) => h.to === 'PICKING')).toHaveLength(1);
    expect(nowB.statusHistory.filter((h) => h.to === 'PICKING')).toHaveLength(1);
    expect([await eventCount('orders.order.picking-started.v1', a.id), await eventCount('orders.order.picking-started.v1', b.id)]).toEqual([1, 1]);
    expect([nowA.version - versions[0]!, nowB.version - versions[1]!]).toEqual([2, 3]);
    const [started] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.picking-started.v1' AND subject = $1`, [b.id]);
    expect(started?.envelope.data).toEqual({ orderId: b.id, siteId: S.sit_A!, from: 'RELEASED', to: 'PICKING' });
    expect(started?.envelope.causationid).toBeDefined();

    const over = report(b, 0, 5);
    await t.app.bus.deliverMany('orders', [report(a, 0, 0), over]);
    await t.settle();
    expect((await getOrder(b.id)).lines[0]!.picked).toBe(1);
    expect(await t.app.db.query(`SELECT event_id FROM platform.dead_letters WHERE consumer = 'orders'`)).toEqual([{ event_id: over.id }]);
    await t.app.db.query(`DELETE FROM platform.dead_letters WHERE consumer = 'orders'`);
  });

  it('a run of waves and pack & ship events over several orders locks them in one statement and writes them in one', async () => {
    const [a, b, c] = [await received(), await received(), await received({ lines: [{ sku: 'PEN', quantity: 1 }] })];
    for (const o of [a, b, c]) await allocated(o);
    const ordersSql = (statements: string[]): string[] =>
      statements.filter((q) => /(^|[^.\w])orders\.(orders|order_lines|status_history)\b/.test(q)).map((q) => q.replace(/\s+/g, ' ').slice(0, 30));
    const lockThenWrite = [expect.stringMatching(/^SELECT id, external_id/), expect.stringMatching(/^WITH q AS/)];
    const deliverRun = async (run: EventEnvelope[]): Promise<string[]> => {
      const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('orders', run));
      await t.settle();
      return statements;
    };
    const planned = envelope('waves.wave.planned.v1', 'wav_M1', { waveId: 'wav_M1', siteId: S.sit_A!, orderIds: [c.id, a.id, b.id, 'ord_nobody'] });
    const release = (o: OrderBody) => envelope('waves.wave.released.v1', 'wav_M1', released(o, 'wav_M1'));
    const versions = await Promise.all([a, b, c].map(async (o) => (await getOrder(o.id)).version));
    // Three orders planned and released, one event twice (a duplicate), an unknown order: BEGIN, the inbox, one lock, one
    // write, the events, COMMIT.
    const waveRun = await deliverRun([planned, release(b), planned, release(a), release(c)]);
    expect(ordersSql(waveRun)).toEqual(lockThenWrite);
    expect(waveRun).toHaveLength(6);
    for (const [i, o] of [a, b, c].entries()) {
      const now = await getOrder(o.id);
      expect(now.status).toBe('RELEASED');
      expect(now.waveId).toBe('wav_M1');
      expect(now.statusHistory.map((h) => h.to).slice(-2)).toEqual(['WAVED', 'RELEASED']);
      expect(now.version - versions[i]!).toBe(2);
    }
    // Announced in the order the events came: every waved (by order id, as a planned event is applied), then the releases.
    const announced = await t.app.db.query<{ type: string; subject: string }>(
      `SELECT type, subject FROM platform.events WHERE type IN ('orders.order.waved.v1', 'orders.order.released.v1') AND subject = ANY($1) ORDER BY seq`,
      [[a.id, b.id, c.id]]);
    expect(announced).toEqual([
      ...[a, b, c].map((o) => o.id).sort().map((subject) => ({ type: 'orders.order.waved.v1', subject })),
      ...[b, a, c].map((o) => ({ type: 'orders.order.released.v1', subject: o.id })),
    ]);

    for (const o of [a, b]) {
      for (const [i, l] of o.lines.entries()) {
        await emit('picking', 'picking.line.picked.v1', 'pkl_M1', { pickListId: 'pkl_M1', pickLineId: `pln_M1_${o.id}_${i}`, orderId: o.id, lineId: l.id,
          reservationId: `rsv_M1_${i}`, siteId: S.sit_A!, sku: l.sku, locationId: 'loc_1', lot: null, quantity: l.ordered, toteId: 'T-M1' });
      }
    }
    await emit('picking', 'picking.list.completed.v1', 'pkl_M1', { pickListId: 'pkl_M1', waveId: 'wav_M1', siteId: S.sit_A!, orderIds: [a.id, b.id], status: 'COMPLETED' });
    expect([(await getOrder(a.id)).status, (await getOrder(b.id)).status]).toEqual(['PICKED', 'PICKED']);
    const lines = (o: OrderBody) => o.lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.ordered }));
    const packShip = (o: OrderBody): EventEnvelope[] => [
      envelope('pack-ship.package.packed.v1', `pkg_${o.id}`, { packageId: `pkg_${o.id}`, orderId: o.id, siteId: S.sit_A!, cartonCode: 'S', weightG: 500, lines: lines(o), orderComplete: true }),
      envelope('pack-ship.order.packed.v1', o.id, { orderId: o.id, siteId: S.sit_A!, packageIds: [`pkg_${o.id}`] }),
      envelope('pack-ship.shipment.dispatched.v1', `shp_${o.id}`, { shipmentId: `shp_${o.id}`, orderId: o.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', trackingNumber: `TRK-${o.id}`,
        packageIds: [`pkg_${o.id}`], lines: lines(o) }),
    ];
    const [pa, pb, pc] = [packShip(a), packShip(b), packShip(c)];
    expect((await t.post(`/api/v1/orders/${c.id}/cancel`, { reason: 'run test' }, 'manager')).status).toBe(200);
    const cancelled = await getOrder(c.id);
    // Two orders' packages, packing and dispatch interleaved in one run, with news of the cancelled order c among them.
    const shipRun = await deliverRun([pa[0]!, pb[0]!, pc[1]!, pa[1]!, pb[1]!, pb[2]!, pc[2]!, pa[2]!]);
    expect(ordersSql(shipRun)).toEqual(lockThenWrite);
    expect(shipRun).toHaveLength(6);
    const stillCancelled = await getOrder(c.id);
    expect([stillCancelled.status, stillCancelled.version, stillCancelled.lines.map((l) => l.shipped)]).toEqual(['CANCELLED', cancelled.version, [0]]);
    for (const o of [a, b]) {
      const now = await getOrder(o.id);
      expect(now.status).toBe('SHIPPED');
      expect(now.statusHistory.map((h) => h.to).slice(-2)).toEqual(['PACKED', 'SHIPPED']);
      expect(now.lines.map((l) => [l.packed, l.shipped])).toEqual(o.lines.map((l) => [l.ordered, l.ordered]));
      const [shipped] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.shipped.v1' AND subject = $1`, [o.id]);
      expect(shipped?.envelope.data).toEqual({ orderId: o.id, siteId: S.sit_A!, partial: false, lines: o.lines.map((l) => ({ lineId: l.id, sku: l.sku, ordered: l.ordered, shipped: l.ordered })) });
      expect(await eventCount('orders.order.packed.v1', o.id)).toBe(1);
    }
    expect(await count(`SELECT count(*)::int AS n FROM platform.dead_letters WHERE consumer = 'orders'`)).toBe(0);
  });

  it('concurrent runs of picks on one order add up and move it once', async () => {
    const o = await received({ lines: [{ sku: 'MUG', quantity: 40 }] });
    await allocated(o);
    await emit('waves', 'waves.wave.planned.v1', 'wav_RC', { waveId: 'wav_RC', siteId: S.sit_A!, orderIds: [o.id] });
    await emit('waves', 'waves.wave.released.v1', 'wav_RC', released(o, 'wav_RC'));
    const runs = Array.from({ length: 8 }, (_, r) => Array.from({ length: 5 }, (_, i) => envelope('picking.line.picked.v1', o.id, {
      pickListId: 'pkl_RC', pickLineId: `pln_${r}_${i}`, orderId: o.id, lineId: o.lines[0]!.id, reservationId: 'rsv_RC', siteId: S.sit_A!,
      sku: 'MUG', locationId: 'loc_RC', lot: null, quantity: 1, toteId: 'T-RC',
    })));
    await Promise.all(runs.map((run) => t.app.bus.deliverMany('orders', run)));
    await t.settle();
    const now = await getOrder(o.id);
    expect(now.lines[0]!.picked).toBe(40);
    expect(now.statusHistory.filter((h) => h.to === 'PICKING')).toHaveLength(1);
    expect(await eventCount('orders.order.picking-started.v1', o.id)).toBe(1);
  });

  it('ignores events for unknown orders without dead-lettering them', async () => {
    await emit('inventory', 'inventory.stock.allocated.v1', 'ord_ghost', { orderId: 'ord_ghost', siteId: S.sit_A!, lines: [], complete: true });
    await emit('picking', 'picking.list.completed.v1', 'pkl_g', { pickListId: 'pkl_g', waveId: 'wav_g', siteId: S.sit_A!, orderIds: ['ord_ghost'], status: 'COMPLETED' });
    expect(await count(`SELECT count(*) AS n FROM platform.dead_letters WHERE consumer = 'orders'`)).toBe(0);
  });
});

describe('order cancellation', () => {
  it('cancels before release with previousStatus and lines, then refuses a second cancel', async () => {
    const o = await received();
    await allocated(o);
    const res = await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'customer changed mind' }, 'manager');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'customer changed mind' });
    expect(res.body.lines.map((l: Line) => l.cancelled)).toEqual([2, 3]);
    await t.settle();
    const [event] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [o.id]);
    expect(event?.envelope.data).toEqual({
      orderId: o.id, siteId: S.sit_A!, previousStatus: 'ALLOCATED', reason: 'customer changed mind',
      lines: o.lines.map((l: Line) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: l.ordered })),
    });
    // A repeated cancel (a client retrying) answers the cancelled order and announces nothing new.
    const again = await t.post(`/api/v1/orders/${o.id}/cancel`, {}, 'admin');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('CANCELLED');
    await t.settle();
    expect(await eventCount('orders.order.cancelled.v1', o.id)).toBe(1);
    // Events that arrive afterwards leave it cancelled.
    await emit('waves', 'waves.wave.planned.v1', 'wav_X5', { waveId: 'wav_X5', siteId: S.sit_A!, orderIds: [o.id] });
    expect((await getOrder(o.id)).status).toBe('CANCELLED');
  });

  it('cancels after release (the floor compensates), and answers 409 ORDER_SHIPPED once shipped', async () => {
    const o = await received({ lines: [{ sku: 'PEN', quantity: 1 }] });
    await allocated(o);
    await emit('waves', 'waves.wave.planned.v1', 'wav_X6', { waveId: 'wav_X6', siteId: S.sit_A!, orderIds: [o.id] });
    await emit('waves', 'waves.wave.released.v1', 'wav_X6', released(o, 'wav_X6'));
    expect((await getOrder(o.id)).status).toBe('RELEASED');
    const afterRelease = await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'fraud check' });
    expect(afterRelease.status).toBe(200);
    expect(afterRelease.body.status).toBe('CANCELLED');
    await t.settle();
    const [event] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [o.id]);
    expect(event?.envelope.data).toMatchObject({ previousStatus: 'RELEASED', reason: 'fraud check' });
    // Pack & ship stopped shipping for it, once.
    expect(await eventCount('pack-ship.order.shipping-stopped.v1', o.id)).toBe(1);

    const shipped = await received({ lines: [{ sku: 'PEN', quantity: 1 }] });
    await allocated(shipped);
    await emit('pack-ship', 'pack-ship.shipment.dispatched.v1', 'shp_3', { shipmentId: 'shp_3', orderId: shipped.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', trackingNumber: 'T', packageIds: [], lines: [{ lineId: shipped.lines[0]!.id, sku: 'PEN', quantity: 1 }] });
    expect((await getOrder(shipped.id)).status).toBe('SHIPPED');
    const afterShip = await t.post(`/api/v1/orders/${shipped.id}/cancel`, {});
    expect(afterShip.status).toBe(409);
    expect(afterShip.body.code).toBe('ORDER_SHIPPED');
    expect(await eventCount('orders.order.cancelled.v1', shipped.id)).toBe(0);
  });

  it('completes a cancel whose own transaction never committed when pack & ship reports shipping stopped', async () => {
    const o = await received({ lines: [{ sku: 'PEN', quantity: 1 }] });
    await allocated(o);
    // What a crash between the two commits leaves: pack & ship stopped shipping, orders never recorded the cancel.
    await emit('pack-ship', 'pack-ship.order.shipping-stopped.v1', o.id, { orderId: o.id, siteId: 'sit_A', reason: 'lost cancel', voidedPackageIds: [], voidedShipmentIds: [] });
    const now = await getOrder(o.id);
    expect(now.status).toBe('CANCELLED');
    expect(await eventCount('orders.order.cancelled.v1', o.id)).toBe(1);
  });

  it('refuses operator and viewer (403), no key (401), unknown order (404), stale If-Match (412)', async () => {
    const o = await received();
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, {}, 'operator')).status).toBe(403);
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, {}, 'viewer')).status).toBe(403);
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, {}, null)).status).toBe(401);
    expect((await t.post('/api/v1/orders/ord_nope/cancel', {})).status).toBe(404);
    const stale = await t.request('POST', `/api/v1/orders/${o.id}/cancel`, { body: {}, headers: { 'if-match': '"99"' } });
    expect(stale.status).toBe(412);
    expect((await getOrder(o.id)).status).toBe('RECEIVED');
    const fresh = await t.request('POST', `/api/v1/orders/${o.id}/cancel`, { body: {}, headers: { 'if-match': `"${o.version}"` } });
    expect(fresh.status).toBe(200);
  });

  it('If-Match per RFC 9110: * and a list naming the version match; a weak tag is 412 (strong comparison), garbage is 400; neither changes the order', async () => {
    const cancelWith = (id: string, ifMatch: string) => t.request('POST', `/api/v1/orders/${id}/cancel`, { body: {}, headers: { 'if-match': ifMatch } });
    const weakOne = await received();
    const weak = await cancelWith(weakOne.id, `W/"${weakOne.version}"`);
    expect(weak.status, JSON.stringify(weak.body)).toBe(412);
    expect(weak.body.code).toBe('VERSION_MISMATCH');
    const garbage = await cancelWith(weakOne.id, 'version three');
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('VALIDATION_FAILED');
    const staleList = await cancelWith(weakOne.id, `"${weakOne.version + 7}", W/"${weakOne.version}"`);
    expect(staleList.status).toBe(412);
    expect((await getOrder(weakOne.id)).status).toBe('RECEIVED');
    expect(await eventCount('orders.order.cancelled.v1', weakOne.id)).toBe(0);
    const list = await cancelWith(weakOne.id, `"${weakOne.version + 7}", "${weakOne.version}"`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.status).toBe('CANCELLED');
    const star = await received();
    const any = await cancelWith(star.id, '*');
    expect(any.status, JSON.stringify(any.body)).toBe(200);
    expect(any.body.status).toBe('CANCELLED');
  });

  it('serialises a cancel with a concurrent allocation: the order ends CANCELLED either way', async () => {
    for (let i = 0; i < 5; i++) {
      const o = await received();
      const [cancel] = await Promise.all([
        t.post(`/api/v1/orders/${o.id}/cancel`, {}),
        t.app.db.tx((tx) => t.app.bus.append(tx, 'inventory', [{ type: 'inventory.stock.allocated.v1', subject: o.id, data: allocation(o, (l) => l.ordered) }])),
      ]);
      expect(cancel.status).toBe(200);
      await t.settle();
      const now = await getOrder(o.id);
      expect(now.status).toBe('CANCELLED');
      expect(now.version).toBe(now.statusHistory.length);
    }
  });
});

describe('PICKED comes from pack & ship (ADR 0049)', () => {
  const readyToPack = (o: OrderBody, unitsPicked: number, status: 'COMPLETED' | 'PARTIAL') =>
    emit('pack-ship', 'pack-ship.order.ready-to-pack.v1', o.id, { orderId: o.id, siteId: o.siteId, status, unitsPicked });
  /** The order's dead letter of orders' consumer (in one process a not-ready event is dead-lettered at once). */
  const letterOf = async (orderId: string): Promise<{ id: string; type: string; lastError: string }> => {
    const letters = (await t.get('/api/v1/dead-letters')).body.items as { id: string; consumer: string; type: string; lastError: string; envelope: { subject: string } }[];
    const letter = letters.find((l) => l.consumer === 'orders' && l.envelope.subject === orderId);
    expect(letter).toBeDefined();
    return letter!;
  };
  async function releasedOrder(wave: string, lines: { sku: string; quantity: number }[]): Promise<OrderBody> {
    const o = await received({ lines });
    await allocated(o);
    await emit('waves', 'waves.wave.planned.v1', wave, { waveId: wave, siteId: S.sit_A!, orderIds: [o.id] });
    await emit('waves', 'waves.wave.released.v1', wave, released(o, wave));
    return o;
  }
  const report = (o: OrderBody, i: number, quantity: number) => ({
    pickListId: `pkl_${o.id}`, pickLineId: `pln_${o.id}_${i}`, orderId: o.id, lineId: o.lines[i]!.id, reservationId: `rsv_${o.id}_${i}`,
    siteId: S.sit_A!, sku: o.lines[i]!.sku, locationId: 'loc_1', lot: null, quantity, toteId: 'T-R',
  });

  it('moves a PICKING order to PICKED only once orders has heard of as many picked units as pack & ship', async () => {
    const o = await releasedOrder('wav_R1', [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 3 }]);
    await emit('picking', 'picking.line.picked.v1', `pkl_${o.id}`, report(o, 0, 2));
    expect((await getOrder(o.id)).status).toBe('PICKING');

    // Pack & ship has heard of 5 units, orders of 2: the event waits (here, in one process, it is dead-lettered).
    await readyToPack(o, 5, 'COMPLETED');
    const letter = await letterOf(o.id);
    expect(letter).toMatchObject({ type: 'pack-ship.order.ready-to-pack.v1', lastError: expect.stringContaining('orders has heard of 2 yet') });
    expect((await getOrder(o.id)).status).toBe('PICKING');
    expect(await eventCount('orders.order.picked.v1', o.id)).toBe(0);

    await emit('picking', 'picking.line.picked.v1', `pkl_${o.id}`, report(o, 1, 3));
    expect((await t.post(`/api/v1/dead-letters/${letter.id}/replay`, {})).body.outcome).toBe('handled');
    await t.settle();
    const now = await getOrder(o.id);
    expect(now.status).toBe('PICKED');
    expect(now.statusHistory.at(-1)).toMatchObject({ from: 'PICKING', to: 'PICKED', cause: 'pack-ship.order.ready-to-pack.v1' });
    // A repeat (a status pack & ship announces again) changes nothing.
    await readyToPack(o, 5, 'COMPLETED');
    expect(await eventCount('orders.order.picked.v1', o.id)).toBe(1);
    expect((await getOrder(o.id)).version).toBe(now.version);
  });

  it('cancels an all-shorted order with reason SHORTED, once orders has heard of its shorts', async () => {
    const o = await releasedOrder('wav_R2', [{ sku: 'MUG', quantity: 1 }, { sku: 'TEA', quantity: 2 }]);
    // Nothing picked, PARTIAL, and orders has heard of no short yet: it waits rather than call the order PICKED.
    await readyToPack(o, 0, 'PARTIAL');
    const letter = await letterOf(o.id);
    expect(letter.lastError).toContain('no short of it yet');
    expect((await getOrder(o.id)).status).toBe('RELEASED');

    for (const [i, l] of o.lines.entries()) {
      await emit('picking', 'picking.line.shorted.v1', `pkl_${o.id}`, { ...report(o, i, 0), shortQuantity: l.ordered, reason: 'NOT_FOUND' });
    }
    expect((await t.post(`/api/v1/dead-letters/${letter.id}/replay`, {})).body.outcome).toBe('handled');
    await t.settle();
    const now = await getOrder(o.id) as OrderBody & { cancelReason: string | null };
    expect(now).toMatchObject({ status: 'CANCELLED', cancelReason: 'SHORTED' });
    expect(now.lines.map((l) => [l.picked, l.shorted])).toEqual([[0, 1], [0, 2]]);
    const [cancelled] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [o.id]);
    expect(cancelled?.envelope.data).toMatchObject({ previousStatus: 'PICKING', reason: 'SHORTED' });
    expect(await eventCount('orders.order.picked.v1', o.id)).toBe(0);
  });

  it('DELIVERED from pack-ship.order.delivered once SHIPPED: a delivery heard before the dispatch waits for it; a repeat changes nothing', async () => {
    const o = await releasedOrder('wav_D1', [{ sku: 'PEN', quantity: 1 }]);
    await emit('picking', 'picking.line.picked.v1', `pkl_${o.id}`, report(o, 0, 1));
    await readyToPack(o, 1, 'COMPLETED');
    const lines = [{ lineId: o.lines[0]!.id, sku: 'PEN', quantity: 1 }];
    await emit('pack-ship', 'pack-ship.package.packed.v1', 'pkg_D1', { packageId: 'pkg_D1', orderId: o.id, siteId: S.sit_A!, cartonCode: 'S', weightG: 1, lines, orderComplete: true });
    await emit('pack-ship', 'pack-ship.order.packed.v1', o.id, { orderId: o.id, siteId: S.sit_A!, packageIds: ['pkg_D1'] });
    expect((await getOrder(o.id)).status).toBe('PACKED');

    // The delivery arrives first (another subject, another partition): it waits (here, in one process, dead-lettered).
    const delivered = { orderId: o.id, siteId: S.sit_A!, deliveredAt: '2026-12-03T09:00:00.000Z', shipmentIds: ['shp_D1'] };
    await emit('pack-ship', 'pack-ship.order.delivered.v1', o.id, delivered);
    const letter = await letterOf(o.id);
    expect(letter).toMatchObject({ type: 'pack-ship.order.delivered.v1', lastError: expect.stringContaining('has not heard of its dispatch yet') });
    expect((await getOrder(o.id)).status).toBe('PACKED');

    await emit('pack-ship', 'pack-ship.shipment.dispatched.v1', 'shp_D1', { shipmentId: 'shp_D1', orderId: o.id, siteId: S.sit_A!, carrier: 'OWN_FLEET', trackingNumber: 'TRK-D1', packageIds: ['pkg_D1'], lines });
    expect((await t.post(`/api/v1/dead-letters/${letter.id}/replay`, {})).body.outcome).toBe('handled');
    await t.settle();
    const now = await getOrder(o.id);
    expect(now.status).toBe('DELIVERED');
    expect(now.statusHistory.map((h) => h.to).slice(-3)).toEqual(['PACKED', 'SHIPPED', 'DELIVERED']);
    expect(await eventCount('orders.order.shipped.v1', o.id)).toBe(1);
    expect(await eventCount('orders.order.delivered.v1', o.id)).toBe(1);
    await emit('pack-ship', 'pack-ship.order.delivered.v1', o.id, delivered);
    expect(await eventCount('orders.order.delivered.v1', o.id)).toBe(1);
    expect((await getOrder(o.id)).version).toBe(now.version);
  });

  it('calls an order with every unit picked PICKED at once when it has heard of them all', async () => {
    const o = await releasedOrder('wav_R3', [{ sku: 'PEN', quantity: 2 }]);
    await emit('picking', 'picking.line.picked.v1', `pkl_${o.id}`, report(o, 0, 2));
    await readyToPack(o, 2, 'COMPLETED');
    expect((await getOrder(o.id)).status).toBe('PICKED');
    expect(await count(`SELECT count(*) AS n FROM platform.dead_letters WHERE consumer = 'orders' AND envelope->>'subject' = $1`, [o.id])).toBe(0);
  });
});
