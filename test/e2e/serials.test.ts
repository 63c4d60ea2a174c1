import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndReleasePooled, setupWarehouse, until, type Call, type PickLine, type Warehouse } from '../support/flow-driver.ts';
import { grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';

/**
 * Serial-controlled products (ADR 0058): receipts carry one serial per unit, registered IN_STOCK in the same
 * transaction; refusals (missing, wrong count, duplicate, already in stock) change nothing; a serial is traced per site.
 */
let g: GrpcTestApp;
let t: TestApp;
let call: Call;
let w: Warehouse;
let other: Warehouse;
let floor: Warehouse;

const product = (sku: string, serialControlled: boolean) => t.post('/api/v1/products', {
  sku, description: 'serial traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300, serialControlled,
}, 'manager');
const onHand = async (siteId: string, sku: string): Promise<number> =>
  ((await t.get(`/api/v1/inventory/balances?siteId=${siteId}&sku=${sku}`)).body.items as { onHand: number }[]).reduce((s, b) => s + b.onHand, 0);
const registry = async (siteId: string, sku: string) =>
  (await t.get(`/api/v1/inventory/serials?siteId=${siteId}&sku=${sku}`)).body.items as { serial: string; status: string }[];

beforeAll(async () => {
  g = await startGrpcTestApp();
  t = g.t;
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'SERI', aisles: 2, bays: 4, levels: 1, skus: 0 });
  other = await setupWarehouse(call, { siteCode: 'SERIAL2', aisles: 1, bays: 2, levels: 1, skus: 0 });
  // The pick tests' site: their orders wave alone there.
  floor = await setupWarehouse(call, { siteCode: 'SERPK', aisles: 2, bays: 4, levels: 1, skus: 0 });
});
afterAll(async () => {
  await g.close();
});

describe('serial-controlled products', () => {
  it('the flag is set on create, read back, changed by PATCH and answered by GraphQL', async () => {
    const created = await product('SER-FLAG', true);
    expect(created.status).toBe(201);
    expect(created.body.serialControlled).toBe(true);
    expect((await product('SER-PLAIN', false)).body.serialControlled).toBe(false);
    expect((await t.get('/api/v1/products/SER-FLAG')).body.serialControlled).toBe(true);
    const patched = await t.request('PATCH', '/api/v1/products/SER-PLAIN', { role: 'manager', body: { serialControlled: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.serialControlled).toBe(true);
    const gql = await t.post('/graphql', { query: '{ product(sku: "SER-FLAG") { sku serialControlled } }' }, 'manager');
    expect(gql.body).toEqual({ data: { product: { sku: 'SER-FLAG', serialControlled: true } } });
  });

  it('receipts carry one serial per unit; refusals change nothing; each serial is traced to its receipt', async () => {
    const sku = 'SER-RCV';
    expect((await product(sku, true)).status).toBe(201);
    const loc = w.storage[0]!;
    const receipt = (body: Record<string, unknown>) => t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 3, ...body }, 'manager');
    // Missing, too few, twice the same: 400 naming /serials, nothing received.
    const missing = await receipt({});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect((await receipt({ serials: ['A-1', 'A-2'] })).body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    const twice = await receipt({ serials: ['A-1', 'A-2', 'A-1'] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([expect.objectContaining({ field: '/serials/2' })]);
    expect(await onHand(w.siteId, sku)).toBe(0);
    expect(await registry(w.siteId, sku)).toEqual([]);

    const ok = await receipt({ serials: ['A-1', 'A-2', 'A-3'] });
    expect(ok.status).toBe(201);
    expect(await onHand(w.siteId, sku)).toBe(3);
    // One of them again: 409 SERIAL_IN_STOCK naming it, nothing received.
    const again = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 2, serials: ['A-4', 'A-2'] }, 'manager');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SERIAL_IN_STOCK');
    expect(again.body.errors).toEqual([expect.objectContaining({ field: '/serials/1' })]);
    expect(await onHand(w.siteId, sku)).toBe(3);
    expect((await registry(w.siteId, sku)).map((s) => [s.serial, s.status])).toEqual([['A-1', 'IN_STOCK'], ['A-2', 'IN_STOCK'], ['A-3', 'IN_STOCK']]);
    // The same serial at another site is another unit.
    expect((await t.post('/api/v1/inventory/receipts', { siteId: other.siteId, sku, locationId: other.storage[0]!.id, quantity: 1, serials: ['A-2'] }, 'manager')).status).toBe(201);

    const trace = await t.get(`/api/v1/inventory/serials/A-2?siteId=${w.siteId}&sku=${sku}`);
    expect(trace.status).toBe(200);
    expect(trace.body.items).toEqual([expect.objectContaining({
      serial: 'A-2', sku, status: 'IN_STOCK', where: loc.id, receivedAtLocationId: loc.id, receiptMovementId: ok.body.movementId, orderId: null, shipmentId: null,
    })]);
    expect((await t.get(`/api/v1/inventory/serials/A-9?siteId=${w.siteId}`)).status).toBe(404);
    const gql = await t.post('/graphql', { query: `{ serialTrace(serial: "A-2", siteId: "${w.siteId}") { items { status where sku } }
      serials(siteId: "${w.siteId}", sku: "${sku}") { nodes { serial } } }` }, 'manager');
    expect(gql.body).toEqual({ data: {
      serialTrace: { items: [{ status: 'IN_STOCK', where: loc.id, sku }] }, serials: { nodes: [{ serial: 'A-1' }, { serial: 'A-2' }, { serial: 'A-3' }] },
    } });
  });

  it('two receipts of one serial at once: one registers it, the other is 409 SERIAL_IN_STOCK and changes nothing', async () => {
    const sku = 'SER-RACE';
    expect((await product(sku, true)).status).toBe(201);
    const loc = w.storage[2]!;
    const answers = await Promise.all([['R-1', 'R-2'], ['R-3', 'R-2']].map((serials) =>
      t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 2, serials }, 'manager')));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('SERIAL_IN_STOCK');
    expect(await onHand(w.siteId, sku)).toBe(2);
    expect((await registry(w.siteId, sku)).filter((s) => s.serial === 'R-2')).toHaveLength(1);
  });

  it('a product without the flag takes no serials and is received as ever', async () => {
    const sku = 'SER-NONE';
    expect((await product(sku, false)).status).toBe(201);
    const given = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 1, serials: ['X-1'] }, 'manager');
    expect(given.status).toBe(400);
    expect(given.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 2 }, 'manager')).status).toBe(201);
    expect(await onHand(w.siteId, sku)).toBe(2);
    expect(await registry(w.siteId, sku)).toEqual([]);
  });

  it('an ASN line that lists serials takes only those; the receipt registers them with the ASN', async () => {
    const sku = 'SER-ASN';
    expect((await product(sku, true)).status).toBe(201);
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'S', lines: [{ sku, quantity: 2, serials: ['B-1', 'B-2'] }] }, 'manager');
    expect(asn.status).toBe(201);
    const asnId = asn.body.id as string;
    const stranger = await t.post(`/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 2, serials: ['B-1', 'B-7'] }, 'manager');
    expect(stranger.status).toBe(422);
    expect(stranger.body.code).toBe('NOT_ON_ASN');
    expect(stranger.body.errors).toEqual([expect.objectContaining({ field: '/serials/1' })]);
    expect(await onHand(w.siteId, sku)).toBe(0);
    const ok = await t.post(`/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 2, serials: ['B-2', 'B-1'] }, 'manager');
    expect(ok.status).toBe(201);
    const trace = await t.get(`/api/v1/inventory/serials/B-1?siteId=${w.siteId}`);
    expect(trace.body.items).toEqual([expect.objectContaining({ status: 'IN_STOCK', asnId, receiptMovementId: ok.body.movementId })]);
    // A blind receipt of a serial-controlled product needs its serials too.
    const blind = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 1 }, 'manager');
    expect(blind.status).toBe(400);
    expect(blind.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect(await onHand(w.siteId, sku)).toBe(2);
  });
});

describe('serials captured at pick (ADR 0058, addendum 2026-12-08)', () => {
  type Unit = { serial: string; status: string; orderId: string | null; pickListId: string | null; shipmentId: string | null; where: string | null };
  const units = async (sku: string): Promise<Unit[]> => (await registry(floor.siteId, sku)) as Unit[];
  const statusOf = async (sku: string) => Object.fromEntries((await units(sku)).map((u) => [u.serial, u.status]));
  const receive = async (sku: string, locationId: string, serials: string[]) => {
    const r = await t.post('/api/v1/inventory/receipts', { siteId: floor.siteId, sku, locationId, quantity: serials.length, serials }, 'manager');
    expect(r.status).toBe(201);
  };
  /** Orders of `lines`, waved together; answers each order's pick line (lines of one SKU each). */
  const ordered = async (tag: string, lines: { sku: string; quantity: number }[][]): Promise<{ orderIds: string[]; picks: (PickLine & { listId: string })[] }> => {
    const orderIds: string[] = [];
    for (const [i, l] of lines.entries()) orderIds.push((await createOrder(call, floor.siteId, { externalId: `${tag}-${i}`, lines: l })).id);
    for (const id of orderIds) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndReleasePooled(call, floor.siteId, orderIds, 10);
    await t.settle();
    const picks: (PickLine & { listId: string })[] = [];
    for (const id of orderIds) {
      const lists = (await t.get(`/api/v1/pick-lists?orderId=${id}`)).body.items as { id: string }[];
      for (const l of lists) {
        const full = (await t.get(`/api/v1/pick-lists/${l.id}`)).body as { id: string; lines: (PickLine & { orderId: string })[] };
        picks.push(...full.lines.filter((x) => x.orderId === id).map((x) => ({ ...x, listId: full.id })));
      }
    }
    return { orderIds, picks };
  };
  const confirm = (p: PickLine & { listId: string }, quantity: number, extra: Record<string, unknown> = {}) =>
    t.post(`/api/v1/pick-lists/${p.listId}/lines/${p.id}/confirm`, {
      locationCode: p.locationCode ?? p.locationId, barcode: p.expectedBarcode ?? p.sku, quantity, toteId: 'TOTE-S', ...extra,
    }, 'operator');
  const linePicked = async (p: PickLine & { listId: string }) =>
    ((await t.get(`/api/v1/pick-lists/${p.listId}`)).body.lines as PickLine[]).find((l) => l.id === p.id)!.picked;

  it('a pick names its serials; bad ones are refused and change nothing; PICKED for the order, SHIPPED with its shipment, received again after', async () => {
    const sku = 'SERP-1';
    expect((await product(sku, true)).status).toBe(201);
    expect((await product('SERP-OTHER', true)).status).toBe(201);
    const loc = floor.storage[0]!;
    await receive(sku, loc.id, ['P-1', 'P-2', 'P-3']);
    await receive('SERP-OTHER', floor.storage[1]!.id, ['Q-1']);
    await t.settle();
    const { orderIds: [orderId], picks: [pick] } = await ordered('SERP-A', [[{ sku, quantity: 2 }]]);
    expect(pick).toBeDefined();

    // Shape: none, too few, one twice (400 VALIDATION_FAILED naming /serials or /serials/<i>).
    const none = await confirm(pick!, 1);
    expect([none.status, none.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(none.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect((await confirm(pick!, 2, { serials: ['P-1'] })).body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    const twice = await confirm(pick!, 2, { serials: ['P-1', 'P-1'] });
    expect([twice.status, twice.body.errors]).toEqual([400, [expect.objectContaining({ field: '/serials/1' })]]);
    // Unknown at the site, another SKU's: 422 UNKNOWN_SERIAL naming the serial.
    const unknown = await confirm(pick!, 2, { serials: ['P-1', 'P-9'] });
    expect([unknown.status, unknown.body.code, unknown.body.errors]).toEqual([422, 'UNKNOWN_SERIAL', [expect.objectContaining({ field: '/serials/1' })]]);
    const others = await confirm(pick!, 1, { serials: ['Q-1'] });
    expect([others.status, others.body.code]).toEqual([422, 'UNKNOWN_SERIAL']);
    expect(others.body.errors[0].message).toContain('SERP-OTHER');
    // GraphQL and gRPC refuse as REST does.
    const gql = await t.post('/graphql', { query: `mutation { confirmPick(pickListId: "${pick!.listId}", lineId: "${pick!.id}", locationCode: "${pick!.locationCode ?? pick!.locationId}",
      barcode: "${pick!.expectedBarcode ?? sku}", quantity: 1, toteId: "TOTE-S", serials: ["P-9"]) { __typename ... on BusinessError { code } } }` }, 'operator');
    expect(gql.body.data.confirmPick).toMatchObject({ code: 'UNKNOWN_SERIAL' });
    const rpc = await grpcRefusal(g.rpc.confirmPick({ pickListId: pick!.listId, lineId: pick!.id, locationCode: pick!.locationCode ?? pick!.locationId,
      barcode: pick!.expectedBarcode ?? sku, quantity: 1, toteId: 'TOTE-S' }, g.operator()));
    expect([rpc.code, rpc.fields]).toEqual(['VALIDATION_FAILED', ['/serials']]);
    // Nothing changed.
    expect(await linePicked(pick!)).toBe(0);
    expect(await statusOf(sku)).toEqual({ 'P-1': 'IN_STOCK', 'P-2': 'IN_STOCK', 'P-3': 'IN_STOCK' });

    // One by one: REST, then gRPC; a serial picked already is 409 SERIAL_NOT_IN_STOCK.
    expect((await confirm(pick!, 1, { serials: ['P-2'], scanId: 'serp-a-1' })).status).toBe(200);
    expect((await confirm(pick!, 1, { serials: ['P-2'], scanId: 'serp-a-1' })).status).toBe(200); // a retry counts once
    const gone = await confirm(pick!, 1, { serials: ['P-2'] });
    expect([gone.status, gone.body.code, gone.body.errors]).toEqual([409, 'SERIAL_NOT_IN_STOCK', [expect.objectContaining({ field: '/serials/0' })]]);
    await g.rpc.confirmPick({ pickListId: pick!.listId, lineId: pick!.id, locationCode: pick!.locationCode ?? pick!.locationId,
      barcode: pick!.expectedBarcode ?? sku, quantity: 1, toteId: 'TOTE-S', serials: ['P-3'] }, g.operator());
    expect(await linePicked(pick!)).toBe(2);
    await until('picked', () => orderStatus(call, orderId!), (s) => s === 'PICKED');
    await t.settle();
    const picked = await units(sku);
    expect(picked.filter((u) => u.status === 'PICKED').map((u) => [u.serial, u.orderId, u.pickListId, u.where]))
      .toEqual([['P-2', orderId, pick!.listId, `IN_PROCESS:${orderId}`], ['P-3', orderId, pick!.listId, `IN_PROCESS:${orderId}`]]);

    const { shipmentId } = await packAndShip(call, orderId!);
    await until('shipped', () => orderStatus(call, orderId!), (s) => s === 'SHIPPED');
    await t.settle();
    expect(await statusOf(sku)).toEqual({ 'P-1': 'IN_STOCK', 'P-2': 'SHIPPED', 'P-3': 'SHIPPED' });
    const trace = await t.get(`/api/v1/inventory/serials/P-2?siteId=${floor.siteId}&sku=${sku}`);
    expect(trace.body.items).toEqual([expect.objectContaining({ status: 'SHIPPED', orderId, pickListId: pick!.listId, shipmentId, where: null,
      pickedFromLocationId: loc.id })]);
    // Shipped, it may come back: a new life.
    await receive(sku, floor.storage[2]!.id, ['P-2']);
    const lives = (await t.get(`/api/v1/inventory/serials/P-2?siteId=${floor.siteId}&sku=${sku}`)).body.items as Unit[];
    expect(lives.map((u) => u.status)).toEqual(['IN_STOCK', 'SHIPPED']);
  });

  it('a product without the flag is picked with no serials (400 naming /serials when given)', async () => {
    const sku = 'SERP-PLAIN';
    expect((await product(sku, false)).status).toBe(201);
    const r = await t.post('/api/v1/inventory/receipts', { siteId: floor.siteId, sku, locationId: floor.storage[3]!.id, quantity: 1 }, 'manager');
    expect(r.status).toBe(201);
    const { picks: [pick] } = await ordered('SERP-B', [[{ sku, quantity: 1 }]]);
    const given = await confirm(pick!, 1, { serials: ['X-1'] });
    expect([given.status, given.body.errors]).toEqual([400, [expect.objectContaining({ field: '/serials' })]]);
    expect(await linePicked(pick!)).toBe(0);
    expect((await confirm(pick!, 1)).status).toBe(200);
  });

  it('an order cancelled after pick: its serials go back IN_STOCK where the return puts them, and are picked again', async () => {
    const sku = 'SERP-CXL';
    expect((await product(sku, true)).status).toBe(201);
    await receive(sku, floor.storage[4]!.id, ['C-1', 'C-2']);
    await t.settle();
    const { orderIds: [orderId], picks: [pick] } = await ordered('SERP-C', [[{ sku, quantity: 2 }]]);
    expect((await confirm(pick!, 2, { serials: ['C-2', 'C-1'] })).status).toBe(200);
    await t.settle();
    expect(await statusOf(sku)).toEqual({ 'C-1': 'PICKED', 'C-2': 'PICKED' });
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' }, 'manager')).status).toBe(200);
    await t.settle();
    const returns = await until('a return', async () => (await t.get(`/api/v1/inventory/returns?siteId=${floor.siteId}&orderId=${orderId}`)).body.items as { id: string }[],
      (r) => r.length === 1);
    const back = floor.storage[5]!;
    expect((await t.post(`/api/v1/inventory/returns/${returns[0]!.id}/confirm`, { locationId: back.id, quantity: 1 }, 'operator')).status).toBe(200);
    await t.settle();
    const one = await units(sku);
    expect(one.map((u) => [u.serial, u.status])).toEqual([['C-1', 'PICKED'], ['C-2', 'IN_STOCK']]);
    expect(one.find((u) => u.serial === 'C-2')).toMatchObject({ where: back.id, orderId: null });
    expect((await t.post(`/api/v1/inventory/returns/${returns[0]!.id}/confirm`, { locationId: back.id }, 'operator')).status).toBe(200);
    await t.settle();
    expect(await statusOf(sku)).toEqual({ 'C-1': 'IN_STOCK', 'C-2': 'IN_STOCK' });
    // Back in stock, they are picked again for another order.
    const { picks: [again] } = await ordered('SERP-C2', [[{ sku, quantity: 1 }]]);
    expect(again!.locationId).toBe(back.id);
    expect((await confirm(again!, 1, { serials: ['C-1'] })).status).toBe(200);
  });

  it('two pickers confirm one serial at once: one picks it, the other is 409 SERIAL_NOT_IN_STOCK and changes nothing', async () => {
    const sku = 'SERP-RACE';
    expect((await product(sku, true)).status).toBe(201);
    await receive(sku, floor.storage[6]!.id, ['Z-1', 'Z-2']);
    await t.settle();
    const { picks } = await ordered('SERP-R', [[{ sku, quantity: 1 }], [{ sku, quantity: 1 }]]);
    expect(picks).toHaveLength(2);
    const answers = await Promise.all(picks.map((p) => confirm(p, 1, { serials: ['Z-1'] })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = picks[answers.findIndex((a) => a.status === 409)]!;
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('SERIAL_NOT_IN_STOCK');
    expect(await linePicked(loser)).toBe(0);
    expect((await confirm(loser, 1, { serials: ['Z-2'] })).status).toBe(200);
    await t.settle();
    expect(await statusOf(sku)).toEqual({ 'Z-1': 'PICKED', 'Z-2': 'PICKED' });
  });
});
