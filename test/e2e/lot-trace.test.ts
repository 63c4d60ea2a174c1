import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOwners } from '../support/races.ts';
import { gqlClient, must } from '../support/graphql-client.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndReleasePooled, setupWarehouse, shipOneOrder, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * Lot trace (lot10): where every unit of a lot went, read through the public API a recall uses — the ledger's movements
 * of the lot (per location, status and reference), its balances and its shipments. Units of the lot on hand + shipped +
 * scrapped/adjusted = units received of it.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;

interface Movement { type: string; sku: string; locationId: string | null; lot: string | null; status: string; deltaOnHand: number; reference: string | null }

async function ledger(sku: string): Promise<Movement[]> {
  const out: Movement[] = [];
  let cursor: string | null = null;
  do {
    const r = await t.get(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&limit=1000${cursor === null ? '' : `&cursor=${cursor}`}`);
    expect(r.status).toBe(200);
    out.push(...(r.body.items as Movement[]));
    cursor = r.body.nextCursor as string | null;
  } while (cursor !== null);
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'LOTTR', aisles: 2, bays: 4, levels: 1, skus: 0 });
});
afterAll(async () => {
  await t.close();
});

describe('lot trace', () => {
  it('FEFO across two lots on one line: each lot\'s shipped units carry that lot, the order and the shipment', async () => {
    const sku = 'LOTTR-FEFO';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: true }, 'manager')).status).toBe(201);
    const loc = w.storage[0]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 3, lot: 'L-OLD', expiresOn: '2030-01-01' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 5, lot: 'L-NEW', expiresOn: '2031-01-01' }, 'manager')).status).toBe(201);
    const order = await createOrder(call, w.siteId, { externalId: 'LOTTR-1', lines: [{ sku, quantity: 5 }] });
    const shipped = await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, order.id, () => t.settle());
    await t.settle();
    const moves = await ledger(sku);
    const byLot = (lot: string) => moves.filter((m) => m.lot === lot);
    const sum = (ms: Movement[]) => ms.reduce((s, m) => s + m.deltaOnHand, 0);
    // Received 3 + 5; 3 of L-OLD and 2 of L-NEW shipped; 3 of L-NEW still on the shelf.
    expect(sum(byLot('L-OLD'))).toBe(0);
    expect(sum(byLot('L-NEW'))).toBe(3);
    // Which order and shipment each lot's units went to.
    expect(moves.filter((m) => m.type === 'SHIP').map((m) => [m.lot, m.deltaOnHand, m.reference, m.locationId]))
      .toEqual([['L-OLD', -3, shipped.shipmentId, `IN_PROCESS:${order.id}`], ['L-NEW', -2, shipped.shipmentId, `IN_PROCESS:${order.id}`]]);
  });

  it('cancel after a FEFO pick across two lots: each return puts back its own lot, split over two locations', async () => {
    const sku = 'LOTTR-CXL';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: true }, 'manager')).status).toBe(201);
    const loc = w.storage[2]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 3, lot: 'C-OLD', expiresOn: '2030-01-01' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 5, lot: 'C-NEW', expiresOn: '2031-01-01' }, 'manager')).status).toBe(201);
    const order = await createOrder(call, w.siteId, { externalId: 'LOTTR-2', lines: [{ sku, quantity: 5 }] });
    await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndReleasePooled(call, w.siteId, [order.id], 10);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
    expect((await t.post(`/api/v1/orders/${order.id}/cancel`, { reason: 'recall test' })).body.status).toBe('CANCELLED');
    await t.settle();
    const returns = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${order.id}`)).body.items as { id: string; lot: string | null; quantity: number }[];
    for (const r of returns) {
      expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: w.storage[3]!.id, quantity: 1 })).status).toBe(200);
      if (r.quantity > 1) expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: loc.id })).status).toBe(200);
    }
    await t.settle();
    const moves = await ledger(sku);
    const sum = (lot: string) => moves.filter((m) => m.lot === lot).reduce((s, m) => s + m.deltaOnHand, 0);
    expect(sum('C-OLD')).toBe(3);
    expect(sum('C-NEW')).toBe(5);
    const inProcess = moves.filter((m) => m.locationId?.startsWith('IN_PROCESS:') === true).reduce((s, m) => s + m.deltaOnHand, 0);
    expect(inProcess).toBe(0);
  });

  it('a shipped lot returned by RMA: restocked and scrapped units keep the lot', async () => {
    const sku = 'LOTTR-RMA';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: true }, 'manager')).status).toBe(201);
    const loc = w.storage[4]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 4, lot: 'R-1', expiresOn: '2030-01-01' }, 'manager')).status).toBe(201);
    const order = await createOrder(call, w.siteId, { externalId: 'LOTTR-3', lines: [{ sku, quantity: 4 }] });
    await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, order.id, () => t.settle());
    const rma = await t.post('/api/v1/rmas', { siteId: w.siteId, customerRef: 'C-1', orderRef: 'LOTTR-3', lines: [{ sku, quantity: 3, reason: 'recall' }] }, 'manager');
    expect(rma.status).toBe(201);
    const rmaId = rma.body.id as string;
    const rec = await t.post(`/api/v1/rmas/${rmaId}/receive`, { locationId: w.storage[5]!.id, lines: [{ lineId: '1', quantity: 3, lot: 'R-1' }] }, 'manager');
    expect(rec.status).toBe(200);
    expect((await t.post(`/api/v1/rmas/${rmaId}/lines/1/inspect`, { disposition: 'RESTOCK', quantity: 2, locationId: loc.id }, 'manager')).status).toBe(200);
    expect((await t.post(`/api/v1/rmas/${rmaId}/lines/1/inspect`, { disposition: 'SCRAP', quantity: 1 }, 'manager')).status).toBe(200);
    await t.settle();
    const moves = await ledger(sku);
    expect(moves.filter((m) => m.lot !== 'R-1' && m.deltaOnHand !== 0)).toEqual([]);
    expect(moves.reduce((s, m) => s + m.deltaOnHand, 0)).toBe(2);
  });

  it('a cycle count of two lots at one location, one partly on hold: each lot\'s difference is adjusted in that lot', async () => {
    const sku = 'LOTTR-CNT';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: true }, 'manager')).status).toBe(201);
    const loc = w.storage[6]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 5, lot: 'K-1', expiresOn: '2030-01-01' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 4, lot: 'K-2', expiresOn: '2031-01-01' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: loc.id, lot: 'K-1', quantity: 2, status: 'HOLD', reason: 'recall' }, 'manager')).status).toBe(201);
    const counts = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [loc.id], sku, toleranceUnits: 100 }, 'manager');
    expect(counts.status).toBe(201);
    const items = counts.body.items as { id: string; lot: string | null }[];
    expect(items.map((c) => c.lot).sort()).toEqual(['K-1', 'K-2']);
    for (const c of items) {
      const r = await t.post(`/api/v1/inventory/counts/${c.id}/submit`, { attempt: 1, quantity: c.lot === 'K-1' ? 4 : 6, workerId: 'counter' }, 'manager');
      expect(r.status).toBe(200);
    }
    await t.settle();
    const moves = await ledger(sku);
    const sum = (lot: string) => moves.filter((m) => m.lot === lot).reduce((s, m) => s + m.deltaOnHand, 0);
    expect(sum('K-1')).toBe(4);
    expect(sum('K-2')).toBe(6);
    const bal = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { lot: string; status: string; onHand: number }[];
    expect(bal.map((b) => [b.lot, b.status, b.onHand]).sort()).toEqual([['K-1', 'AVAILABLE', 2], ['K-1', 'HOLD', 2], ['K-2', 'AVAILABLE', 6]]);
  });

  it('an owner-scoped key traces its own owner\'s part of a lot two owners share, and nothing of the other\'s', async () => {
    const sku = 'LOTTR-OWN';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: false }, 'manager')).status).toBe(201);
    const [a, b] = await createOwners(t, ['LTA', 'LTB']) as [string, string];
    const loc = w.storage[7]!;
    for (const [o, q] of [[a, 3], [b, 4]] as const) {
      expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: o, sku, locationId: loc.id, quantity: q, lot: 'SHARED' }, 'manager')).status).toBe(201);
    }
    const key = await t.post('/api/v1/api-keys', { name: 'client LTA', role: 'viewer', ownerId: a });
    expect(key.status).toBe(201);
    const scoped = (u: string) => t.request('GET', u, { role: null, headers: { 'x-api-key': key.body.key as string } });
    const led = await scoped(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`);
    expect(led.status).toBe(200);
    expect((led.body.items as { ownerId: string; deltaOnHand: number }[]).map((m) => [m.ownerId, m.deltaOnHand])).toEqual([[a, 3]]);
    const asOf = await scoped(`/api/v1/inventory/as-of?siteId=${w.siteId}&sku=${sku}&lot=SHARED&at=${encodeURIComponent(new Date().toISOString())}`);
    expect(asOf.status).toBe(200);
    expect((asOf.body.items as { ownerId: string; onHand: number }[]).map((r) => [r.ownerId, r.onHand])).toEqual([[a, 3]]);
    const bal = await scoped(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    expect((bal.body.items as { ownerId: string; onHand: number }[]).map((r) => [r.ownerId, r.onHand])).toEqual([[a, 3]]);
    const summary = await scoped(`/api/v1/inventory/summary?siteId=${w.siteId}&sku=${sku}`);
    expect((summary.body.items as { received: number; onHand: number }[]).map((r) => [r.received, r.onHand])).toEqual([[3, 3]]);
  });

  it('an LPN of two lots split and moved: each lot is where its units went, and the LPNs agree with inventory per lot', async () => {
    const sku = 'LOTTR-LPN';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: false }, 'manager')).status).toBe(201);
    const [from, to, to2] = [w.storage[0]!, w.storage[1]!, w.storage[5]!];
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: from.id, quantity: 3, lot: 'P-A' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: from.id, quantity: 2, lot: 'P-B' }, 'manager')).status).toBe(201);
    const lpn = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: from.id, contents: [{ sku, quantity: 3, lot: 'P-A' }, { sku, quantity: 2, lot: 'P-B' }], workerId: 'w1' }, 'manager');
    expect(lpn.status, JSON.stringify(lpn.body)).toBe(201);
    await t.settle();
    const split = await t.post(`/api/v1/lpns/${lpn.body.id}/split`, { lines: [{ sku, quantity: 2, lot: 'P-B' }], newLpn: { type: 'CASE' }, workerId: 'w1' }, 'manager');
    expect(split.status, JSON.stringify(split.body)).toBe(201);
    await t.settle();
    // The books move by an inventory move (lpns.md: an LPN move is a scan); one of exactly the case's units carries it.
    const mv = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, lot: 'P-B', quantity: 2, fromLocationId: from.id, toLocationId: to.id }, 'manager');
    expect(mv.status, JSON.stringify(mv.body)).toBe(201);
    await t.settle();
    const split2 = await t.post(`/api/v1/lpns/${lpn.body.id}/split`, { lines: [{ sku, quantity: 1 }], newLpn: { type: 'CASE' }, workerId: 'w1' }, 'manager');
    expect(split2.status, JSON.stringify(split2.body)).toBe(201);
    await t.settle();
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, lot: 'P-A', quantity: 1, fromLocationId: from.id, toLocationId: to2.id }, 'manager')).status).toBe(201);
    await t.settle();
    const moves = await ledger(sku);
    const at = (lot: string, loc: string) => moves.filter((m) => m.lot === lot && m.locationId === loc).reduce((s, m) => s + m.deltaOnHand, 0);
    expect([at('P-A', from.id), at('P-B', from.id), at('P-B', to.id), at('P-A', to2.id)]).toEqual([2, 0, 2, 1]);
    const lpnAt = async (id: string) => (await t.get(`/api/v1/lpns/${id}`)).body as { locationId: string; contents: { lot: string; quantity: number }[] };
    expect([await lpnAt(split.body.target.id as string), await lpnAt(split2.body.target.id as string), await lpnAt(lpn.body.id as string)]
      .map((l) => [l.locationId, l.contents.map((c) => [c.lot, c.quantity])])).toEqual([[to.id, [['P-B', 2]]], [to2.id, [['P-A', 1]]], [from.id, [['P-A', 2]]]]);
    const rec = await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`);
    expect(rec.status).toBe(200);
    expect((rec.body.differences as { sku: string }[]).filter((d) => d.sku === sku)).toEqual([]);
  });

  it('an ASN announcing one SKU on two lines of two lots, one over-received: each lot is received, put away and traced apart', async () => {
    const sku = 'LOTTR-ASN';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: false }, 'manager')).status).toBe(201);
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Recall Ltd', lines: [{ sku, quantity: 3, lot: 'A-1' }, { sku, quantity: 2, lot: 'A-2' }] }, 'manager');
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    const id = asn.body.id as string;
    const refused = await t.post(`/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 4, lot: 'A-1' }, 'manager');
    expect([refused.status, refused.body.code]).toEqual([409, 'OVER_RECEIPT']);
    const r1 = await t.post(`/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 4, lot: 'A-1', acceptOver: true }, 'manager');
    expect(r1.status, JSON.stringify(r1.body)).toBe(201);
    const r2 = await t.post(`/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 2, lot: 'A-2', lineNo: 2 }, 'manager');
    expect(r2.status, JSON.stringify(r2.body)).toBe(201);
    expect([r1.body.lineNo, r1.body.lot, r2.body.lineNo, r2.body.lot]).toEqual([1, 'A-1', 2, 'A-2']);
    const wrongLine = await t.post(`/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 1, lot: 'A-1', lineNo: 2, acceptOver: true }, 'manager');
    expect([wrongLine.status, wrongLine.body.code]).toEqual([422, 'NOT_ON_ASN']);
    await t.settle();
    for (const [r, q] of [[r1, 4], [r2, 2]] as const) {
      const pid = (r.body.putaway as { id: string }).id;
      expect((await t.post(`/api/v1/inventory/putaways/${pid}/confirm`, { locationId: w.storage[3]!.id, quantity: 1, workerId: 'w1' }, 'manager')).status).toBe(200);
      expect((await t.post(`/api/v1/inventory/putaways/${pid}/confirm`, { locationId: w.storage[4]!.id, quantity: q - 1, workerId: 'w1' }, 'manager')).status).toBe(200);
    }
    await t.settle();
    const moves = await ledger(sku);
    const at = (lot: string, loc: string) => moves.filter((m) => m.lot === lot && m.locationId === loc).reduce((s, m) => s + m.deltaOnHand, 0);
    const got = (lot: string) => moves.filter((m) => m.lot === lot && m.type === 'RECEIPT').reduce((s, m) => s + m.deltaOnHand, 0);
    expect([got('A-1'), got('A-2'), at('A-1', w.storage[3]!.id), at('A-1', w.storage[4]!.id), at('A-2', w.storage[3]!.id), at('A-2', w.storage[4]!.id)])
      .toEqual([4, 2, 1, 3, 1, 1]);
    const view = (await t.get(`/api/v1/inventory/asns/${id}`)).body as { lines: { lot: string; received: number }[] };
    expect(view.lines.map((l) => [l.lot, l.received])).toEqual([['A-1', 4], ['A-2', 2]]);
  });

  it('a short pick of the second lot FEFO took, the order shipped short: every unit of each lot is on hand, shipped or adjusted', async () => {
    const sku = 'LOTTR-SHORT';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: true }, 'manager')).status).toBe(201);
    const [a, b] = [w.storage[2]!, w.storage[6]!];
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: a.id, quantity: 3, lot: 'S-OLD', expiresOn: '2030-01-01' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: b.id, quantity: 5, lot: 'S-NEW', expiresOn: '2031-01-01' }, 'manager')).status).toBe(201);
    const order = await createOrder(call, w.siteId, { externalId: 'LOTTR-SHORT', lines: [{ sku, quantity: 4 }] });
    await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndReleasePooled(call, w.siteId, [order.id], 10);
    await t.settle();
    const worked = await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { expectedTasks: 1, shortOne: true });
    expect(worked.shorted).toHaveLength(1);
    await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
    await t.settle();
    const shipped = await packAndShip(call, order.id);
    await until('shipped', () => orderStatus(call, order.id), (s) => s === 'SHIPPED');
    await t.settle();
    const moves = await ledger(sku);
    const by = (lot: string, pred: (m: Movement) => boolean) => moves.filter((m) => m.lot === lot && pred(m)).reduce((s, m) => s + m.deltaOnHand, 0);
    // FEFO took S-OLD at A (3) and S-NEW at B (1); the S-NEW unit was shorted NOT_FOUND (adjusted out at B, in its lot).
    const bal = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { lot: string; onHand: number }[];
    for (const [lot, received, shippedUnits, adjusted] of [['S-OLD', 3, 3, 0], ['S-NEW', 5, 0, 1]] as const) {
      const onHand = by(lot, () => true);
      expect(by(lot, (m) => m.type === 'RECEIPT')).toBe(received);
      expect(0 - by(lot, (m) => m.type === 'SHIP')).toBe(shippedUnits);
      expect(0 - by(lot, (m) => m.type === 'ADJUST' || m.type === 'COUNT')).toBe(adjusted);
      expect(onHand + shippedUnits + adjusted).toBe(received);
      expect(by(lot, (m) => m.locationId?.startsWith('IN_PROCESS:') === true)).toBe(0);
      expect(moves.filter((m) => m.lot === lot && m.type === 'SHIP').every((m) => m.reference === shipped.shipmentId)).toBe(true);
      expect(bal.filter((x) => x.lot === lot).reduce((s, x) => s + x.onHand, 0)).toBe(onHand);
    }
  });

  it('a hold and release of a lot-controlled SKU held in two lots at one location: each movement names the lot it took', async () => {
    const sku = 'LOTTR-HOLD';
    expect((await t.post('/api/v1/products', { sku, description: 'lot traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
      lotControlled: true, expiryControlled: false }, 'manager')).status).toBe(201);
    const loc = w.storage[7]!;
    for (const [lot, q] of [['H-1', 3], ['H-2', 4]] as const) {
      expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: q, lot }, 'manager')).status).toBe(201);
      expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: loc.id, lot, quantity: 2, status: 'QUARANTINE', reason: 'recall' }, 'manager')).status).toBe(201);
    }
    // Naming no lot names the lot-less units (none here): refused, nothing released, never some lot's units picked at random.
    const noLot = await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: loc.id, quantity: 1, fromStatus: 'QUARANTINE', reason: 'which lot?' }, 'manager');
    const rel = await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: loc.id, lot: 'H-2', quantity: 2, fromStatus: 'QUARANTINE', reason: 'cleared' }, 'manager');
    expect(rel.status, JSON.stringify(rel.body)).toBe(201);
    await t.settle();
    const moves = await ledger(sku);
    expect(moves.every((m) => m.lot === 'H-1' || m.lot === 'H-2')).toBe(true);
    const held = (lot: string) => moves.filter((m) => m.lot === lot && m.status === 'QUARANTINE').reduce((s, m) => s + m.deltaOnHand, 0);
    const total = (lot: string) => moves.filter((m) => m.lot === lot).reduce((s, m) => s + m.deltaOnHand, 0);
    expect([total('H-1'), total('H-2'), held('H-2')]).toEqual([3, 4, 0]);
    expect([noLot.status, noLot.body.code, held('H-1')]).toEqual([409, 'INSUFFICIENT_STOCK', 2]);
  });

  it('a recall reads one lot\'s movements (ledger lot=, with or without sku): every SKU of the lot, paged, per owner, over GraphQL too; a malformed lot is 400 naming it', async () => {
    const [s1, s2] = ['LOTTR-RCL1', 'LOTTR-RCL2'];
    for (const sku of [s1, s2]) {
      expect((await t.post('/api/v1/products', { sku, description: 'recalled', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300,
        lotControlled: true, expiryControlled: false }, 'manager')).status).toBe(201);
    }
    const [a, b] = await createOwners(t, ['LRA', 'LRB']) as [string, string];
    const [l1, l2] = [w.storage[0]!, w.storage[1]!];
    const receive = async (ownerId: string, sku: string, lot: string, quantity: number) =>
      expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId, sku, locationId: l1.id, quantity, lot }, 'manager')).status).toBe(201);
    await receive(a, s1, 'RECALL-9', 3);
    await receive(a, s1, 'RECALL-8', 4);
    await receive(b, s2, 'RECALL-9', 2);
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: a, sku: s1, lot: 'RECALL-9', quantity: 1, fromLocationId: l1.id, toLocationId: l2.id }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, ownerId: b, sku: s2, locationId: l1.id, lot: 'RECALL-9', quantity: 2, status: 'HOLD', reason: 'recall' }, 'manager')).status).toBe(201);
    await t.settle();
    const whole = [...await ledger(s1), ...await ledger(s2)] as (Movement & { id: string; ownerId: string })[];
    const of = (pred: (m: Movement & { ownerId: string }) => boolean) => whole.filter((m) => m.lot === 'RECALL-9' && pred(m)).map((m) => m.id);
    const ids = async (query: string, key?: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const url = `/api/v1/inventory/ledger?siteId=${w.siteId}&${query}${cursor === null ? '' : `&cursor=${cursor}`}`;
        const r = key === undefined ? await t.get(url) : await t.request('GET', url, { role: null, headers: { 'x-api-key': key } });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        out.push(...(r.body.items as { id: string }[]).map((m) => m.id));
        expect((r.body.items as { lot: string }[]).every((m) => m.lot === 'RECALL-9')).toBe(true);
        cursor = r.body.nextCursor as string | null;
      } while (cursor !== null);
      return out;
    };
    // One SKU's part of the lot, then every SKU's (in ledger order), paged one by one, of one type, of one owner.
    expect(await ids(`sku=${s1}&lot=RECALL-9`)).toEqual(of((m) => m.sku === s1));
    const all = await ids('lot=RECALL-9');
    expect([...all].sort()).toEqual(of(() => true).sort());
    expect(of((m) => m.sku === s2).length).toBeGreaterThan(1);
    expect(await ids('lot=RECALL-9&limit=1')).toEqual(all);
    expect(await ids('lot=RECALL-9&type=RECEIPT')).toEqual(all.filter((id) => of((m) => m.type === 'RECEIPT').includes(id)));
    expect(await ids(`lot=RECALL-9&owner=${b}`)).toEqual(all.filter((id) => of((m) => m.ownerId === b).includes(id)));
    const key = await t.post('/api/v1/api-keys', { name: 'client LRA', role: 'viewer', ownerId: a });
    expect(key.status).toBe(201);
    expect(await ids('lot=RECALL-9', key.body.key as string)).toEqual(all.filter((id) => of((m) => m.ownerId === a).includes(id)));
    // A lot is looked up as written; one nothing was booked under answers no rows; a SKU the catalogue does not know is still 422.
    expect(await ids('lot=recall-9')).toEqual([]);
    expect(await ids(`sku=${s2}&lot=RECALL-8`)).toEqual([]);
    const unknown = await t.get(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=LOTTR-NOPE&lot=RECALL-9`);
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SKU']);
    // A malformed lot is refused naming it, never read as "no filter" nor as another lot.
    for (const bad of ['', 'x'.repeat(65), 'RECALL%E2%80%8B-9', '%20RECALL-9', 'RECALL-9&lot=RECALL-8']) {
      const r = await t.get(`/api/v1/inventory/ledger?siteId=${w.siteId}&lot=${bad}`);
      expect([r.status, r.body.code, (r.body.errors as { field: string }[] | undefined)?.[0]?.field], bad).toEqual([400, 'VALIDATION_FAILED', '/querystring/lot']);
    }
    // GraphQL runs the same read.
    const gql = gqlClient(t.app, t.keys.viewer);
    const q = 'query($s: String!, $lot: String, $sku: String) { ledger(siteId: $s, lot: $lot, sku: $sku, first: 2) { nodes { id lot sku } pageInfo { hasNextPage } } }';
    const page = await must(gql, q, { s: w.siteId, lot: 'RECALL-9' });
    expect([page.ledger.nodes.map((n: { id: string }) => n.id), page.ledger.pageInfo.hasNextPage]).toEqual([all.slice(0, 2), true]);
    const ofS2 = await must(gql, q.replace('first: 2', 'first: 100'), { s: w.siteId, lot: 'RECALL-9', sku: s2 });
    expect(ofS2.ledger.nodes.map((n: { id: string }) => n.id)).toEqual(of((m) => m.sku === s2));
    const refused = await gql(q, { s: w.siteId, lot: 'RECALL\u200b-9' });
    expect([refused.data?.ledger ?? null, refused.errors?.[0]?.extensions?.code, refused.errors?.[0]?.message]).toEqual([null, 'VALIDATION_FAILED', expect.stringContaining('lot')]);
  });
});
