import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { InventoryEvents, type Reservation, type ShortResolved, type StockReserved } from '../../contracts/inventory.ts';
import { OrderEvents, type OrderReceived } from '../../contracts/orders.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents, type WaveReleased } from '../../contracts/waves.ts';

let t: TestApp;
let siteId: string;
/** Location id → the code a picker scans (the id itself while the location master does not know the location). */
const loc: Record<string, { id: string; code: string }> = {};
const gtinOf: Record<string, string> = {};

/** GTIN-13 with its GS1 check digit. */
function gtin13(base12: string): string {
  const sum = [...base12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return base12 + String((10 - (sum % 10)) % 10);
}

async function createLocation(code: string, pickSequence: number, x: number): Promise<void> {
  const res = await t.post(`/api/v1/sites/${siteId}/locations`, { code, type: 'PICK_FACE', x, y: 1, pickSequence });
  loc[code] = res.status === 201 ? { id: res.body.id as string, code } : { id: `loc_${code}`, code: `loc_${code}` };
}

beforeAll(async () => {
  t = await startTestApp();
  const site = await t.post('/api/v1/sites', { code: 'PK1', name: 'Picking test site' });
  siteId = site.status === 201 ? (site.body.id as string) : 'sit_pk1';
  await createLocation('PK1-A-01-01-1', 30, 3);
  await createLocation('PK1-A-01-02-1', 10, 1);
  await createLocation('PK1-A-01-03-1', 20, 2);
  for (const [i, sku] of ['PEN', 'INK', 'PAD'].entries()) {
    gtinOf[sku] = gtin13(`40063813339${i}`);
    await t.post('/api/v1/products', { sku, description: sku, gtin: gtinOf[sku], lengthMm: 100, widthMm: 50, heightMm: 20, weightG: 100 });
  }
});
afterAll(async () => {
  await t.close();
});

let seq = 0;
function reservation(orderId: string, sku: string, code: string, quantity: number): Reservation {
  seq++;
  return { reservationId: `rsv_${seq}`, orderId, lineId: `oln_${orderId}_${sku}`, sku, locationId: loc[code]!.id, lot: null, quantity };
}

async function reserve(waveId: string, reservations: Reservation[], shortages: StockReserved['shortages'] = []): Promise<void> {
  const data: StockReserved = { waveId, siteId, reservations, shortages, backordered: [] };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'inventory', [{ type: InventoryEvents.reserved, subject: waveId, siteId, data }]));
  await t.settle();
}

async function orderReceived(orderId: string, priority: number): Promise<void> {
  const data: OrderReceived = { orderId, externalId: orderId, siteId, carrier: 'OWN_FLEET', priority, lines: [] };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'orders', [{ type: OrderEvents.received, subject: orderId, siteId, data }]));
  await t.settle();
}

async function listOf(orderId: string): Promise<any> {
  const res = await t.get(`/api/v1/pick-lists?orderId=${orderId}`);
  expect(res.body.items).toHaveLength(1);
  return res.body.items[0];
}

const eventCount = async (): Promise<number> => (await t.app.db.query<{ n: number }>(`SELECT count(*) AS n FROM platform.events`))[0]!.n;
const scan = (line: any, over: Record<string, unknown> = {}) => ({ locationCode: loc[Object.keys(loc).find((k) => loc[k]!.id === line.locationId)!]!.code, barcode: line.sku, quantity: 1, toteId: 'TOTE-1', ...over });
const confirm = (list: any, line: any, body: unknown, role: 'operator' | 'viewer' | null = 'operator') =>
  t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, body, role);

describe('picking', () => {
  it('makes one list per order from reservations, in pick sequence, skipping empty reservations, and queues its task', async () => {
    await orderReceived('ord_a', 7);
    await reserve('wav_1', [
      reservation('ord_a', 'PEN', 'PK1-A-01-01-1', 3),
      reservation('ord_a', 'INK', 'PK1-A-01-02-1', 2),
      reservation('ord_a', 'PAD', 'PK1-A-01-03-1', 1),
      reservation('ord_b', 'PEN', 'PK1-A-01-01-1', 2),
      reservation('ord_b', 'INK', 'PK1-A-01-02-1', 0),
    ], [{ orderId: 'ord_b', lineId: 'oln_ord_b_PAD', sku: 'PAD', quantity: 4 }]);

    const a = await listOf('ord_a');
    expect(a).toMatchObject({ siteId, waveId: 'wav_1', orderIds: ['ord_a'], status: 'CREATED', priority: 7, routeLength: null });
    expect(a.id).toMatch(/^pkl_/);
    // Pick sequence 10, 20, 30.
    expect(a.lines.map((l: { sku: string }) => l.sku)).toEqual(['INK', 'PAD', 'PEN']);
    expect(a.lines.map((l: { seq: number }) => l.seq)).toEqual([1, 2, 3]);
    expect(a.lines[0]).toMatchObject({ orderId: 'ord_a', orderLineId: 'oln_ord_a_INK', quantity: 2, picked: 0, status: 'PENDING', locationId: loc['PK1-A-01-02-1']!.id });
    expect(a.lines[0].id).toMatch(/^pln_/);
    const b = await listOf('ord_b');
    expect(b.lines).toHaveLength(1);

    // The list and its lines in one statement (the handheld reads it at every task).
    const { value: byId, statements } = await t.app.db.countStatements(() => t.get(`/api/v1/pick-lists/${a.id}`, 'viewer'));
    expect(byId.status).toBe(200);
    expect(byId.body.lines.map((l: { sku: string }) => l.sku)).toEqual(['INK', 'PAD', 'PEN']);
    expect(byId.body).toMatchObject({ id: a.id, orderIds: ['ord_a'], priority: 7, routeLength: null });
    expect(statements.filter((q) => q.includes('picking.'))).toHaveLength(1);
    expect((await t.get('/api/v1/pick-lists/pkl_nope')).status).toBe(404);

    const created = await t.get(`/api/v1/events?type=picking.list.created.v1&subject=${a.id}`);
    expect(created.body.items[0].data).toMatchObject({ pickListId: a.id, waveId: 'wav_1', siteId, orderIds: ['ord_a'], lineCount: 3, routeLength: null, priority: 7 });
    const tasks = await t.get(`/api/v1/tasks?siteId=${siteId}`);
    expect(tasks.body.items.find((x: any) => x.reference === a.id)).toMatchObject({ type: 'PICK', status: 'QUEUED', priority: 7 });

    // Delivered again: no second list.
    const [event] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE type = $1 AND subject = 'wav_1'`, [InventoryEvents.reserved]);
    expect(await t.app.bus.deliver('picking', event!.envelope)).toBe('duplicate');
    expect((await t.get('/api/v1/pick-lists?waveId=wav_1')).body.items).toHaveLength(2);
  });

  it('uses the location code and the GTIN from the masters when they know them', async () => {
    const a = await listOf('ord_a');
    const catalogKnows = (await t.get('/api/v1/products/PEN')).status === 200;
    const pen = a.lines.find((l: any) => l.sku === 'PEN');
    expect(pen.expectedBarcode).toBe(catalogKnows ? gtinOf.PEN : null);
    const masterKnows = (await t.get(`/api/v1/sites/${siteId}`)).status === 200;
    expect(pen.locationCode).toBe(masterKnows ? 'PK1-A-01-01-1' : null);
  });

  it('rejects wrong location, wrong product, too many units and bad input, writing nothing', async () => {
    const a = await listOf('ord_a');
    const line = a.lines[0];
    const before = await eventCount();
    const wrongLoc = await confirm(a, line, scan(line, { locationCode: 'PK1-Z-99-99-9' }));
    expect(wrongLoc.status).toBe(422);
    expect(wrongLoc.body.code).toBe('WRONG_LOCATION');
    const wrongProduct = await confirm(a, line, scan(line, { barcode: gtinOf.PEN }));
    expect(wrongProduct.status).toBe(422);
    expect(wrongProduct.body.code).toBe('WRONG_PRODUCT');
    const tooMany = await confirm(a, line, scan(line, { quantity: 3 }));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.code).toBe('QUANTITY_EXCEEDS_OPEN');
    const bad = await confirm(a, line, { locationCode: '', barcode: 'INK', quantity: 0, color: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/locationCode', '/quantity', '/toteId', '/color']));
    const badShort = await t.post(`/api/v1/pick-lists/${a.id}/lines/${line.id}/short`, { reason: 'LAZY' }, 'operator');
    expect(badShort.status).toBe(400);
    expect(badShort.body.errors[0].field).toBe('/reason');

    const after = (await t.get(`/api/v1/pick-lists/${a.id}`)).body;
    expect(after.status).toBe('CREATED');
    expect(after.lines.every((l: any) => l.picked === 0 && l.status === 'PENDING')).toBe(true);
    expect(await eventCount()).toBe(before);
  });

  it('accumulates partial confirms, closes lines, shorts, and completes the list PARTIAL', async () => {
    const a = await listOf('ord_a');
    const [ink, pad, pen] = a.lines;
    const first = await confirm(a, pen, scan(pen, { quantity: 2 }));
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('IN_PROGRESS');
    expect(first.body.lines[2]).toMatchObject({ picked: 2, status: 'PENDING', toteId: 'TOTE-1' });
    const second = await confirm(a, pen, scan(pen, { quantity: 1, barcode: pen.expectedBarcode ?? 'PEN' }));
    expect(second.body.lines[2]).toMatchObject({ picked: 3, status: 'PICKED' });
    const again = await confirm(a, pen, scan(pen));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ILLEGAL_TRANSITION');

    const partly = await confirm(a, ink, scan(ink, { quantity: 1 }));
    expect(partly.status).toBe(200);
    const shorted = await t.post(`/api/v1/pick-lists/${a.id}/lines/${ink.id}/short`, { reason: 'NOT_FOUND' }, 'operator');
    expect(shorted.status).toBe(200);
    expect(shorted.body.lines[0]).toMatchObject({ status: 'SHORT', picked: 1, shortQuantity: 1, shortReason: 'NOT_FOUND' });
    const shortAgain = await t.post(`/api/v1/pick-lists/${a.id}/lines/${ink.id}/short`, { reason: 'NOT_FOUND' }, 'operator');
    expect(shortAgain.status).toBe(409);

    const last = await confirm(a, pad, scan(pad));
    expect(last.body.status).toBe('PARTIAL');
    expect(last.body.completedAt).not.toBeNull();
    await t.settle();

    const events = (await t.get(`/api/v1/events?subject=${a.id}`)).body.items;
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'picking.list.created.v1', 'picking.line.picked.v1', 'picking.line.picked.v1', 'picking.line.picked.v1',
      'picking.line.shorted.v1', 'picking.line.picked.v1', 'picking.list.completed.v1',
    ]);
    expect(events[1].data).toMatchObject({ pickListId: a.id, pickLineId: pen.id, orderId: 'ord_a', lineId: 'oln_ord_a_PEN', sku: 'PEN', quantity: 2, toteId: 'TOTE-1', siteId });
    expect(events[4].data).toMatchObject({ pickLineId: ink.id, shortQuantity: 1, reason: 'NOT_FOUND', sku: 'INK' });
    // The short awaits its recovery (ADR 0024): the list completes, its order is not done picking with it.
    expect(events[6].data).toEqual({ pickListId: a.id, waveId: 'wav_1', siteId, orderIds: ['ord_a'], status: 'PARTIAL', ordersDone: [], unitsPicked: [] });
    // Inventory says the short ships short: the order's picking is done then, on its own event.
    const resolved: ShortResolved = {
      orderId: 'ord_a', lineId: 'oln_ord_a_INK', siteId, sku: 'INK', waveId: 'wav_1', pickListId: a.id, pickLineId: ink.id,
      shortedLocationId: ink.locationId, quantity: 1, outcome: 'SHIPS_SHORT', reservations: [], task: null,
    };
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'inventory', [{ type: InventoryEvents.shortResolved, subject: 'ord_a', siteId, data: resolved }]));
    await t.settle();
    const picked = (await t.get('/api/v1/events?type=picking.order.picked.v1&subject=ord_a')).body.items;
    expect(picked.map((e: { data: unknown }) => e.data)).toEqual([{ orderId: 'ord_a', siteId, waveId: 'wav_1', status: 'PARTIAL', unitsPicked: 5 }]);
    const metrics = await t.get('/metrics');
    expect(String(metrics.body)).toMatch(/paklog_units_picked_total 5/);
  });

  it('completes a fully picked list COMPLETED, and refuses picks on it afterwards', async () => {
    const b = await listOf('ord_b');
    const [line] = b.lines;
    const done = await confirm(b, line, scan(line, { quantity: 2 }));
    expect(done.body.status).toBe('COMPLETED');
    expect((await t.get('/api/v1/pick-lists?status=COMPLETED&waveId=wav_1')).body.items.map((l: { id: string }) => l.id)).toEqual([b.id]);
    const late = await t.post(`/api/v1/pick-lists/${b.id}/lines/${line.id}/short`, { reason: 'OTHER' }, 'operator');
    expect(late.status).toBe(409);
  });

  it('never over-picks under concurrent confirms of one line', async () => {
    await reserve('wav_2', [reservation('ord_c', 'PEN', 'PK1-A-01-01-1', 3)]);
    const c = await listOf('ord_c');
    const [line] = c.lines;
    const results = await Promise.all(Array.from({ length: 5 }, () => confirm(c, line, scan(line, { quantity: 2 }))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.code === 'QUANTITY_EXCEEDS_OPEN')).toBe(true);
    const after = (await t.get(`/api/v1/pick-lists/${c.id}`)).body;
    expect(after.lines[0].picked).toBe(2);
  });

  it('answers 404 for unknown lists and lines', async () => {
    expect((await t.get('/api/v1/pick-lists/pkl_nope')).status).toBe(404);
    const b = await listOf('ord_b');
    const res = await t.post(`/api/v1/pick-lists/${b.id}/lines/pln_nope/confirm`, { locationCode: 'x', barcode: 'x', quantity: 1, toteId: 't' }, 'operator');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect((await t.post(`/api/v1/pick-lists/pkl_nope/lines/pln_nope/short`, { reason: 'OTHER' }, 'operator')).status).toBe(404);
  });

  it('lets operators pick but not viewers (403) nor anonymous callers (401)', async () => {
    const c = await listOf('ord_c');
    const [line] = c.lines;
    expect((await confirm(c, line, scan(line), null)).status).toBe(401);
    expect((await confirm(c, line, scan(line), 'viewer')).status).toBe(403);
    expect((await t.post(`/api/v1/pick-lists/${c.id}/lines/${line.id}/short`, { reason: 'OTHER' }, 'viewer')).status).toBe(403);
    expect((await t.get('/api/v1/pick-lists', null)).status).toBe(401);
    expect((await confirm(c, line, scan(line), 'operator')).status).toBe(200);
  });

  it('makes one list per cart batch of a batch-released wave, and falls back to one per order when no batches are known', async () => {
    const released = async (waveId: string, batches: string[][]): Promise<void> => {
      // No orders: only the batches matter here (inventory then reserves nothing for this wave).
      const data: WaveReleased = { waveId, siteId, pickStrategy: 'batch', orders: [], batches };
      await t.app.db.tx((tx) => t.app.bus.append(tx, 'waves', [{ type: WaveEvents.released, subject: waveId, siteId, data }]));
      await t.settle();
    };
    await orderReceived('ord_b1', 3);
    await orderReceived('ord_b2', 5);
    await released('wav_b1', [['ord_b1', 'ord_b2'], ['ord_b3']]);
    await reserve('wav_b1', [
      reservation('ord_b1', 'PEN', 'PK1-A-01-01-1', 1), reservation('ord_b2', 'PAD', 'PK1-A-01-03-1', 1),
      reservation('ord_b2', 'INK', 'PK1-A-01-02-1', 1), reservation('ord_b3', 'PEN', 'PK1-A-01-01-1', 1),
    ]);
    const lists = (await t.get('/api/v1/pick-lists?waveId=wav_b1')).body.items;
    expect(lists.map((l: any) => l.orderIds)).toEqual([['ord_b1', 'ord_b2'], ['ord_b3']]);
    const cart = lists[0];
    expect(cart.priority).toBe(3);
    // One tour over both orders' lines, each line keeping its order.
    expect(cart.lines.map((l: any) => [l.seq, l.sku, l.orderId])).toEqual([[1, 'INK', 'ord_b2'], [2, 'PAD', 'ord_b2'], [3, 'PEN', 'ord_b1']]);
    // Totes are per order on the cart: the confirm API is unchanged.
    expect((await confirm(cart, cart.lines[0], scan(cart.lines[0], { toteId: 'TOTE-B2' }))).status).toBe(200);
    expect((await confirm(cart, cart.lines[2], scan(cart.lines[2], { toteId: 'TOTE-B1' }))).status).toBe(200);

    // Reserved before (or without) released: discrete; a late released changes nothing.
    await reserve('wav_b2', [reservation('ord_b4', 'PEN', 'PK1-A-01-01-1', 1), reservation('ord_b5', 'INK', 'PK1-A-01-02-1', 1)]);
    await released('wav_b2', [['ord_b4', 'ord_b5']]);
    const discrete = (await t.get('/api/v1/pick-lists?waveId=wav_b2')).body.items;
    expect(discrete.map((l: any) => l.orderIds)).toEqual([['ord_b4'], ['ord_b5']]);
  });
});

describe('retried scans count once (issue 6 #14)', () => {
  const picks = async (lineId: string, type: string = PickingEvents.linePicked): Promise<number> =>
    (await t.app.db.query<{ n: number }>(`SELECT count(*) AS n FROM platform.events WHERE type = $1 AND envelope->'data'->>'pickLineId' = $2`, [type, lineId]))[0]!.n;
  const lineOf = (list: any, sku: string): any => list.lines.find((l: any) => l.sku === sku);

  it('a confirm sent again with the same Idempotency-Key replays its answer: 1 of 3 stays 1 of 3, one event', async () => {
    await reserve('wav_retry_1', [reservation('ord_retry_1', 'PEN', 'PK1-A-01-01-1', 3)]);
    const list = await listOf('ord_retry_1');
    const line = lineOf(list, 'PEN');
    const headers = { 'idempotency-key': 'scan-retry-1' };
    const first = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, scan(line), 'operator', headers);
    expect(first.status).toBe(200);
    expect(lineOf(first.body, 'PEN').picked).toBe(1);
    const again = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, scan(line), 'operator', headers);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(lineOf(again.body, 'PEN').picked).toBe(1);
    expect(lineOf((await t.get(`/api/v1/pick-lists/${list.id}`)).body, 'PEN').picked).toBe(1);
    expect(await picks(line.id)).toBe(1);
  });

  it('a confirm sent again with the same scanId and no header counts once; the scanId with other content is 422 SCAN_ID_REUSED', async () => {
    await reserve('wav_retry_2', [reservation('ord_retry_2', 'INK', 'PK1-A-01-02-1', 3)]);
    const list = await listOf('ord_retry_2');
    const line = lineOf(list, 'INK');
    const first = await confirm(list, line, scan(line, { scanId: 'hh1-0001' }));
    expect(first.status).toBe(200);
    const again = await confirm(list, line, scan(line, { scanId: 'hh1-0001' }));
    expect(again.status).toBe(200);
    expect(lineOf(again.body, 'INK').picked).toBe(1);
    expect(await picks(line.id)).toBe(1);

    const other = await confirm(list, line, scan(line, { scanId: 'hh1-0001', quantity: 2 }));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('SCAN_ID_REUSED');
    // A refused scan keeps nothing, its scanId included: the corrected scan goes through under it.
    const wrong = await confirm(list, line, scan(line, { scanId: 'hh1-0002', locationCode: 'NOWHERE' }));
    expect(wrong.body.code).toBe('WRONG_LOCATION');
    const corrected = await confirm(list, line, scan(line, { scanId: 'hh1-0002' }));
    expect(corrected.status).toBe(200);
    expect(lineOf(corrected.body, 'INK').picked).toBe(2);
    expect(await picks(line.id)).toBe(2);
  });

  it('concurrent copies of one scan (same scanId) count once', async () => {
    await reserve('wav_retry_3', [reservation('ord_retry_3', 'PAD', 'PK1-A-01-03-1', 5)]);
    const list = await listOf('ord_retry_3');
    const line = lineOf(list, 'PAD');
    const answers = await Promise.all([1, 2, 3, 4].map(() => confirm(list, line, scan(line, { scanId: 'hh2-0001', quantity: 2 }))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(lineOf((await t.get(`/api/v1/pick-lists/${list.id}`)).body, 'PAD').picked).toBe(2);
    expect(await picks(line.id)).toBe(1);
  });

  it('a short sent again with the same scanId closes the line once', async () => {
    await reserve('wav_retry_4', [reservation('ord_retry_4', 'PEN', 'PK1-A-01-01-1', 2)]);
    const list = await listOf('ord_retry_4');
    const line = lineOf(list, 'PEN');
    const short = () => t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND', scanId: 'hh3-0001' }, 'operator');
    expect((await short()).status).toBe(200);
    const again = await short();
    expect(again.status).toBe(200);
    expect(lineOf(again.body, 'PEN').status).toBe('SHORT');
    expect(await picks(line.id, PickingEvents.lineShorted)).toBe(1);
  });
});
