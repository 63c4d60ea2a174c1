import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFingerprint } from '../support/fingerprint.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * Quality management (issue 13, acceptance c) on real PostgreSQL, through HTTP only: a failed receiving inspection holds
 * the lot (an order for it backorders, ATP excludes it) until RELEASE lets the order allocate; SCRAP takes the units out
 * of stock with a ledger ADJUST; a failed packing inspection keeps the package from being booked or dispatched (409)
 * until RELEASE / REWORK. Bad input (unknown ids, a checklist mismatch, an AQL the table lacks) writes nothing.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;

const CHECKLIST = [
  { code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' },
  { code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 },
];
const GOOD = [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 320 }];

interface Inspection { id: string; status: string; holdStatus: string; sampleSize: number; acceptance: number; rejection: number; target: { kind: string; sku: string | null; packageId: string | null; quantity: number }; results: unknown }

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'QA', aisles: 1, bays: 3, levels: 1, skus: 2 });
});
afterAll(async () => {
  await t.close();
});

const openInspections = async (): Promise<Inspection[]> => (await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items;
const atp = async (sku: string): Promise<number> => (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0]?.atp ?? 0;
const events = async (type: string): Promise<{ data: Record<string, unknown> }[]> => (await t.get(`/api/v1/events?type=${type}&limit=100`)).body.items;
const receive = async (sku: string, locationId: string, quantity: number): Promise<void> => {
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId, quantity })).status).toBe(201);
  await t.settle();
};

describe('quality holds on stock', () => {
  it('a failed AQL inspection of a received lot holds it: the order backorders, ATP excludes it; RELEASE lets it allocate', async () => {
    const sku = w.products[0]!.sku;
    // An AQL the table has no column for is refused and no plan is written.
    const bad = await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: 'x', stage: 'RECEIVING', sku, sampling: { kind: 'AQL', aql: 0.5 }, checklist: CHECKLIST }, 'manager');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('UNSUPPORTED_AQL');
    // Nor is an every-nth rule past a million lots (1e300 was stored as a plan that would never sample a second lot).
    for (const n of [1e300, 1_000_001]) {
      const huge = await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: 'x', stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n }, checklist: CHECKLIST }, 'manager');
      expect([huge.status, huge.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await t.get(`/api/v1/inspection-plans?siteId=${w.siteId}`)).body.items).toEqual([]);

    const plan = await t.post('/api/v1/inspection-plans', {
      siteId: 'QA', name: 'Inbound', stage: 'RECEIVING', sku, sampling: { kind: 'AQL', aql: 1.0 }, checklist: CHECKLIST, ncOwner: 'inbound-team',
    }, 'manager');
    expect(plan.status).toBe(201);

    await receive(sku, w.storage[0]!.id, 1000);
    const [inspection] = await openInspections();
    // ISO 2859-1: 1,000 units → J, n = 80; AQL 1.0 → Ac 2, Re 3.
    expect(inspection).toMatchObject({ sampleSize: 80, acceptance: 2, rejection: 3, status: 'OPEN', target: { kind: 'STOCK', sku, quantity: 1000 } });
    expect((await events('quality.inspection.required.v1')).map((e) => e.data.inspectionId)).toEqual([inspection!.id]);
    expect(await atp(sku)).toBe(1000);

    // Bad input writes nothing: an unknown inspection is 404, results that do not match the checklist 422.
    const unknown = await t.post('/api/v1/inspections/qin_nope/results', { inspector: 'ines', items: GOOD }, 'operator');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await t.post('/api/v1/inspections/qin_nope/disposition', { disposition: 'RELEASE' }, 'manager')).status).toBe(404);
    const mismatch = await t.post(`/api/v1/inspections/${inspection!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'COLOUR', passed: true }] }, 'operator');
    expect([mismatch.status, mismatch.body.code]).toEqual([422, 'CHECKLIST_MISMATCH']);
    expect(mismatch.body.errors.map((e: { field: string }) => e.field)).toEqual(['/items/1/code', '/items']);
    await t.settle();
    expect((await t.get(`/api/v1/inspections/${inspection!.id}`)).body).toMatchObject({ status: 'OPEN', results: null, holdStatus: 'NONE' });
    expect((await t.get(`/api/v1/non-conformances?siteId=${w.siteId}`)).body.items).toEqual([]);
    expect(await events('quality.inspection.completed.v1')).toEqual([]);

    // 3 defects ≥ Re 3: FAILED, the lot on HOLD, a non-conformance opened for the plan's owner.
    const failed = await t.post(`/api/v1/inspections/${inspection!.id}/results`, {
      inspector: 'ines', items: [{ code: 'LABEL', passed: false, defects: 3 }, { code: 'WEIGHT', value: 320 }],
    }, 'operator');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'FAILED', holdStatus: 'HELD', defects: 3, opportunities: 160 });
    await t.settle();
    const [nc] = (await t.get(`/api/v1/non-conformances?siteId=${w.siteId}&status=OPEN`)).body.items;
    expect(nc).toMatchObject({ inspectionId: inspection!.id, owner: 'inbound-team', cause: 'Failed: LABEL (3 defect(s), Ac 2)', status: 'OPEN' });
    expect(await atp(sku)).toBe(0);
    const held = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items;
    expect(held).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'HOLD', onHand: 1000 })]));

    // The hold announced again under another event id (a replay, a second stream) holds nothing more.
    const [placed] = await events('quality.hold.placed.v1');
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'quality', [{ type: 'quality.hold.placed.v1', subject: inspection!.id, siteId: w.siteId, data: placed!.data }]));
    await t.settle();
    const holds = await t.getAll<{ type: string }>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`);
    expect(holds.filter((m) => m.type === 'HOLD')).toHaveLength(2);
    expect((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items)
      .toEqual(expect.arrayContaining([expect.objectContaining({ status: 'HOLD', onHand: 1000 })]));

    // An order for the held stock backorders.
    const order = await createOrder(call, w.siteId, { externalId: 'QA-STOCK-1', lines: [{ sku, quantity: 5 }] });
    await until('order backordered', () => orderStatus(call, order.id), (s) => s === 'BACKORDERED');

    // RELEASE: the units go back to AVAILABLE at the pick face; the backorder retry allocates the order.
    const released = await t.post(`/api/v1/inspections/${inspection!.id}/disposition`, { disposition: 'RELEASE', note: 'Relabelled' }, 'manager');
    expect(released.body).toMatchObject({ holdStatus: 'RELEASED', disposition: 'RELEASE' });
    await until('order allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect(await atp(sku)).toBe(995);
    // Disposing twice is refused: nothing is held any more.
    const again = await t.post(`/api/v1/inspections/${inspection!.id}/disposition`, { disposition: 'SCRAP' }, 'manager');
    expect([again.status, again.body.code]).toEqual([409, 'INSPECTION_NOT_HELD']);
    expect((await t.post(`/api/v1/non-conformances/${nc.id}/close`, { resolution: 'Supplier replaced the labeller' }, 'manager')).body.status).toBe('CLOSED');
  });

  it('SCRAP takes the held units out of stock with a ledger ADJUST; a passed inspection holds nothing', async () => {
    const sku = w.products[0]!.sku;
    const before = (await t.getAll(`/api/v1/inventory/summary?siteId=${w.siteId}`)).find((s: { sku: string }) => s.sku === sku);
    await receive(sku, w.storage[1]!.id, 100);
    const [inspection] = await openInspections();
    // 100 units → F; AQL 1.0 at F is ↑: E, n = 13, Ac 0 Re 1.
    expect(inspection).toMatchObject({ sampleSize: 13, acceptance: 0, rejection: 1 });
    await t.post(`/api/v1/inspections/${inspection!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 360 }] }, 'operator');
    await t.settle();
    expect(await atp(sku)).toBe(995);
    expect((await t.post(`/api/v1/inspections/${inspection!.id}/disposition`, { disposition: 'SCRAP' }, 'manager')).body.holdStatus).toBe('SCRAPPED');
    await t.settle();
    const ledger = await t.getAll<{ type: string; status: string; deltaOnHand: number; reason: string | null; locationId: string }>(
      `/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`);
    expect(ledger.filter((m) => m.type === 'ADJUST')).toEqual([expect.objectContaining({ status: 'HOLD', deltaOnHand: -100, reason: 'SCRAP', locationId: w.storage[1]!.id })]);
    const after = (await t.getAll(`/api/v1/inventory/summary?siteId=${w.siteId}`)).find((s: { sku: string }) => s.sku === sku);
    expect(after.onHand).toBe(before.onHand);
    expect(after.adjusted).toBe(before.adjusted - 100);
    expect(await atp(sku)).toBe(995);

    // A third lot passes: nothing is held.
    await receive(sku, w.storage[2]!.id, 10);
    const [third] = await openInspections();
    const passed = await t.post(`/api/v1/inspections/${third!.id}/results`, { inspector: 'ines', items: GOOD }, 'operator');
    expect(passed.body).toMatchObject({ status: 'PASSED', holdStatus: 'NONE' });
    await t.settle();
    expect(await atp(sku)).toBe(1005);
  });
});

describe('quality holds on packages', () => {
  it('a failed packing inspection blocks booking and dispatch of the package (409) until RELEASE / REWORK', async () => {
    const sku = w.products[1]!.sku;
    await receive(sku, w.storage[0]!.id, 10);
    expect(await openInspections()).toEqual([]);
    expect((await t.post('/api/v1/inspection-plans', {
      siteId: w.siteId, name: 'Pack audit', stage: 'PACKING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'SEAL', label: 'Carton sealed', kind: 'PASS_FAIL' }],
    }, 'manager')).status).toBe(201);
    const a = await createOrder(call, w.siteId, { externalId: 'QA-PKG-1', lines: [{ sku, quantity: 2 }] });
    const b = await createOrder(call, w.siteId, { externalId: 'QA-PKG-2', lines: [{ sku, quantity: 1 }] });
    for (const o of [a, b]) await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 10);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['packer-1'], { expectedTasks: 2 });
    for (const o of [a, b]) await until('picked', () => orderStatus(call, o.id), (s) => s === 'PICKED');
    await t.settle();

    // Order a: packed, inspected, failed → booking refused with 409 until RELEASE.
    const pkgA = (await t.post('/api/v1/packages', { orderId: a.id }, 'operator')).body;
    await t.settle();
    const inspectionA = (await openInspections()).find((i) => i.target.packageId === pkgA.id)!;
    expect(inspectionA).toMatchObject({ target: { kind: 'PACKAGE', sku, quantity: 2 }, sampleSize: 2, acceptance: 0 });
    expect((await t.post(`/api/v1/inspections/${inspectionA.id}/results`, { inspector: 'ines', items: [{ code: 'SEAL', passed: false }] }, 'operator')).body.status).toBe('FAILED');
    await t.settle();
    const refused = await t.post('/api/v1/shipments', { orderId: a.id }, 'operator');
    expect([refused.status, refused.body.code]).toEqual([409, 'PACKAGE_ON_QUALITY_HOLD']);
    expect((await t.get(`/api/v1/shipments?orderIds=${a.id}`)).body.items).toEqual([]);
    await t.post(`/api/v1/inspections/${inspectionA.id}/disposition`, { disposition: 'RELEASE' }, 'manager');
    await t.settle();
    const shipmentA = await t.post('/api/v1/shipments', { orderId: a.id }, 'operator');
    expect(shipmentA.status).toBe(201);
    expect((await t.post(`/api/v1/shipments/${shipmentA.body.id}/dispatch`, {}, 'operator')).status).toBe(200);

    // Order b: booked while its inspection was still open, then failed → dispatch refused with 409 until REWORK.
    const pkgB = (await t.post('/api/v1/packages', { orderId: b.id }, 'operator')).body;
    await t.settle();
    const inspectionB = (await openInspections()).find((i) => i.target.packageId === pkgB.id)!;
    const shipmentB = await t.post('/api/v1/shipments', { orderId: b.id }, 'operator');
    expect(shipmentB.status).toBe(201);
    await t.post(`/api/v1/inspections/${inspectionB.id}/results`, { inspector: 'ines', items: [{ code: 'SEAL', passed: false }], cause: 'Tape split', owner: 'pack-team' }, 'operator');
    await t.settle();
    const blocked = await t.post(`/api/v1/shipments/${shipmentB.body.id}/dispatch`, {}, 'operator');
    expect([blocked.status, blocked.body.code]).toEqual([409, 'PACKAGE_ON_QUALITY_HOLD']);
    expect((await t.get(`/api/v1/shipments/${shipmentB.body.id}`)).body.status).toBe('LABELLED');
    await t.post(`/api/v1/inspections/${inspectionB.id}/disposition`, { disposition: 'REWORK', note: 'Resealed' }, 'manager');
    await t.settle();
    expect((await t.post(`/api/v1/shipments/${shipmentB.body.id}/dispatch`, {}, 'operator')).status).toBe(200);
    for (const o of [a, b]) await until('shipped', () => orderStatus(call, o.id), (s) => s === 'SHIPPED');
    await t.settle();

    // KPIs: receiving 3 inspections of the first SKU, 1 passed; packing 2 of the second, none passed.
    const kpis = (await t.get(`/api/v1/quality-kpis?siteId=${w.siteId}`)).body.items;
    expect(kpis).toEqual([
      { stage: 'RECEIVING', sku: w.products[0]!.sku, inspected: 3, passed: 1, defects: 4, opportunities: (80 + 13 + 10) * 2, firstPassYield: 1 / 3,
        dpmo: Math.round((4 / 206) * 1_000_000) },
      { stage: 'PACKING', sku, inspected: 2, passed: 0, defects: 2, opportunities: 3, firstPassYield: 0, dpmo: Math.round((2 / 3) * 1_000_000) },
    ]);
    expect((await t.get(`/api/v1/quality-kpis?siteId=${w.siteId}&stage=PACKING`)).body.items).toHaveLength(1);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });
});

// Last: its fourth receiving inspection would change the KPIs asserted above.
describe('a manual release and an inspection\'s hold (found by the black-box hunt)', () => {
  it('POST /inventory/hold-releases cannot release the units an open inspection holds (409 HELD_BY_INSPECTION, nothing changed); its SCRAP then scraps them all', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[0]!;
    await receive(sku, shelf.id, 40);
    const [inspection] = await openInspections();
    await t.post(`/api/v1/inspections/${inspection!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 360 }] }, 'operator');
    await t.settle();
    // Five more units on HOLD there by hand: these are nobody's inspection and may be released.
    expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 5, status: 'HOLD', reason: 'dented' }, 'manager')).status).toBe(201);
    const release = (quantity: number) => t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: shelf.id, quantity, fromStatus: 'HOLD', reason: 'looks fine' }, 'manager');
    // Inventory's and quality's tables: other contexts write on their own clocks (the exception scan's events).
    const stockTables = async () => Object.fromEntries(Object.entries(await tableFingerprint(t.app.db)).filter(([k]) => k.startsWith('inventory.') || k.startsWith('quality.')));
    const before = await stockTables();
    const refused = await release(6);
    expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
    expect(refused.body.errors).toEqual([{ field: '/quantity', message: `inspection ${inspection!.id} holds 40 of these units` }]);
    await t.settle();
    expect(await stockTables()).toEqual(before);
    expect((await release(5)).status).toBe(201);
    await t.settle();

    expect((await t.post(`/api/v1/inspections/${inspection!.id}/disposition`, { disposition: 'SCRAP' }, 'manager')).body.holdStatus).toBe('SCRAPPED');
    await t.settle();
    const ledger = await t.getAll<{ type: string; deltaOnHand: number; reference: string | null }>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&type=ADJUST`);
    expect(ledger.filter((m) => m.reference === inspection!.id).map((m) => m.deltaOnHand)).toEqual([-40]);
  });
});

describe('a disposition short of held units (found by the black-box hunt)', () => {
  it('units moved away from an inspection\'s hold before its SCRAP: the scrap takes what is left and QUALITY_HOLD_SHORTFALL names the inspection, SKU, location, expected and found', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[2]!;
    const elsewhere = w.storage[1]!;
    await receive(sku, shelf.id, 30);
    const [inspection] = await openInspections();
    await t.post(`/api/v1/inspections/${inspection!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 360 }] }, 'operator');
    await t.settle();
    // Someone moves 12 of the held units to another shelf (a move keeps their status): the inspection's hold is short.
    const moved = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'HOLD', quantity: 12, fromLocationId: shelf.id, toLocationId: elsewhere.id }, 'operator');
    expect(moved.status).toBe(201);
    expect((await t.post(`/api/v1/inspections/${inspection!.id}/disposition`, { disposition: 'SCRAP' }, 'manager')).body.holdStatus).toBe('SCRAPPED');
    await t.settle();
    const ledger = await t.getAll<{ type: string; deltaOnHand: number; reference: string | null }>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&type=ADJUST`);
    expect(ledger.filter((m) => m.reference === inspection!.id).map((m) => m.deltaOnHand)).toEqual([-18]);
    const disposed = (await events('inventory.quality-hold.disposed.v1')).filter((e) => e.data['inspectionId'] === inspection!.id);
    expect(disposed.map((e) => e.data)).toEqual([expect.objectContaining({ disposition: 'SCRAP', held: 30, disposed: 18, shortfall: 12, locationId: shelf.id, sku })]);
    const raised = await until('shortfall raised', async () => (await t.get(`/api/v1/exceptions?kind=QUALITY_HOLD_SHORTFALL&status=OPEN`, 'manager')).body.items as
      { subject: string; reason: string; actions: string[]; details?: Record<string, unknown> }[], (xs) => xs.some((x) => x.subject === inspection!.id));
    const x = raised.find((e) => e.subject === inspection!.id)!;
    expect(x.reason).toContain(`found 18 of the 30 units of ${sku}`);
    expect(x.reason).toContain(shelf.id);
    expect(x.actions).toEqual(['acknowledge']);
  });

  it('two inspections hold units of one SKU on one shelf: the first disposition after units went missing takes only its own and reports the shortfall; the second finds all of its units', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[2]!;
    await receive(sku, shelf.id, 20);
    await receive(sku, shelf.id, 10);
    const open = (await openInspections()).filter((i) => i.target.sku === sku);
    const big = open.find((i) => i.target.quantity === 20)!;
    const small = open.find((i) => i.target.quantity === 10)!;
    for (const i of [big, small]) {
      await t.post(`/api/v1/inspections/${i.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 360 }] }, 'operator');
    }
    await t.settle();
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'HOLD', quantity: 6, fromLocationId: shelf.id, toLocationId: w.storage[1]!.id }, 'operator')).status).toBe(201);
    expect((await t.post(`/api/v1/inspections/${big.id}/disposition`, { disposition: 'RELEASE' }, 'manager')).body.holdStatus).toBe('RELEASED');
    await t.settle();
    expect((await t.post(`/api/v1/inspections/${small.id}/disposition`, { disposition: 'SCRAP' }, 'manager')).body.holdStatus).toBe('SCRAPPED');
    await t.settle();
    const disposed = (await events('inventory.quality-hold.disposed.v1')).filter((e) => [big.id, small.id].includes(e.data['inspectionId'] as string));
    expect(disposed.map((e) => [e.data['inspectionId'], e.data['disposed'], e.data['shortfall']]).sort()).toEqual([[big.id, 14, 6], [small.id, 10, 0]].sort());
    const raised = await until('shortfall raised', async () => (await t.get('/api/v1/exceptions?kind=QUALITY_HOLD_SHORTFALL', 'manager')).body.items as { subject: string }[],
      (xs) => xs.some((x) => x.subject === big.id));
    expect(raised.some((x) => x.subject === small.id)).toBe(false);
  });

  it('units put away or moved before their inspection failed: the hold takes what is still there and QUALITY_HOLD_INCOMPLETE names the units it could not hold', async () => {
    const sku = `QA-LATE-${Date.now().toString(36)}`.toUpperCase();
    expect((await t.post('/api/v1/products', { sku, description: 'late inspection', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 320,
      lotControlled: false, expiryControlled: false }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: 'Late', stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 },
      checklist: CHECKLIST }, 'manager')).status).toBe(201);
    const dock = w.storage[1]!;
    await receive(sku, dock.id, 10);
    const [inspection] = (await openInspections()).filter((i) => i.target.sku === sku);
    // 6 of the 10 leave before anyone inspects them (the guide says: inspect before putaway; nobody waited).
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 6, fromLocationId: dock.id, toLocationId: w.storage[0]!.id }, 'operator')).status).toBe(201);
    const failed = await t.post(`/api/v1/inspections/${inspection!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 360 }] }, 'operator');
    expect(failed.body).toMatchObject({ status: 'FAILED', holdStatus: 'HELD' });
    await t.settle();
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { locationId: string; status: string; onHand: number }[];
    expect(balances.filter((b) => b.onHand > 0).map((b) => [b.locationId, b.status, b.onHand]).sort())
      .toEqual([[dock.id, 'HOLD', 4], [w.storage[0]!.id, 'AVAILABLE', 6]].sort());
    const placed = (await events('inventory.quality-hold.placed.v1')).filter((e) => e.data['inspectionId'] === inspection!.id);
    expect(placed.map((e) => e.data)).toEqual([expect.objectContaining({ sku, locationId: dock.id, requested: 10, held: 4, shortfall: 6 })]);
    const raised = await until('incomplete hold raised', async () => (await t.get('/api/v1/exceptions?kind=QUALITY_HOLD_INCOMPLETE&status=OPEN', 'manager')).body.items as
      { id: string; subject: string; reason: string; actions: string[]; details: Record<string, unknown> }[], (xs) => xs.some((x) => x.subject === inspection!.id));
    const x = raised.find((e) => e.subject === inspection!.id)!;
    expect(x.reason).toContain(`failed 10 units of ${sku}`);
    expect(x.details).toMatchObject({ requested: 10, held: 4, shortfall: 6, locationId: dock.id });
    expect(x.actions).toEqual(['acknowledge']);
    // The way out: the supervisor holds the 6 where they went, then acknowledges.
    expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 6, status: 'HOLD', reason: `inspection ${inspection!.id}` }, 'manager')).status).toBe(201);
    expect((await t.post(`/api/v1/exceptions/${x.id}/actions/acknowledge`, {}, 'manager')).body.status).toBe('RESOLVED');
    // A hold that took every unit raises nothing.
    await receive(sku, dock.id, 5);
    const [whole] = (await openInspections()).filter((i) => i.target.sku === sku);
    await t.post(`/api/v1/inspections/${whole!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 360 }] }, 'operator');
    await t.settle();
    expect((await events('inventory.quality-hold.placed.v1')).filter((e) => e.data['inspectionId'] === whole!.id).map((e) => e.data['shortfall'])).toEqual([0]);
    expect((await t.get('/api/v1/exceptions?kind=QUALITY_HOLD_INCOMPLETE', 'manager')).body.items.map((e: { subject: string }) => e.subject)).toEqual([inspection!.id]);
  });

  it('units received DAMAGED or QUARANTINE are held already: no receiving inspection samples them (its hold would take other receipts\' good units)', async () => {
    const sku = `QA-DMG-${Date.now().toString(36)}`.toUpperCase();
    expect((await t.post('/api/v1/products', { sku, description: 'damaged on arrival', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 320,
      lotControlled: false, expiryControlled: false }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: 'Every receipt', stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 },
      checklist: CHECKLIST }, 'manager')).status).toBe(201);
    const dock = await t.post(`/api/v1/sites/${w.siteId}/locations`, { code: `QA-DOCK-${Date.now().toString(36)}`.toUpperCase(), type: 'RECEIVING', x: 0, y: 0 }, 'admin');
    expect(dock.status).toBe(201);
    for (const status of ['DAMAGED', 'QUARANTINE'] as const) {
      const got = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 3, locationId: dock.body.id, status }, 'operator');
      expect(got.status, JSON.stringify(got.body)).toBe(201);
    }
    await t.settle();
    const received = (await events('inventory.stock.received.v1')).filter((e) => e.data['sku'] === sku);
    expect(received.map((e) => e.data['status'])).toEqual(expect.arrayContaining(['DAMAGED', 'QUARANTINE']));
    expect((await openInspections()).filter((i) => i.target.sku === sku)).toEqual([]);
    // Good units of the same SKU at that dock are inspected as before.
    expect((await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 2, locationId: dock.body.id }, 'operator')).status).toBe(201);
    await t.settle();
    expect((await openInspections()).filter((i) => i.target.sku === sku).map((i) => i.target.quantity)).toEqual([2]);
  });
});
