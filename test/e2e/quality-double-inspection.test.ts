import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * Two inspections of one ASN receipt (ADR 0031 addendum of 2026-12-06), on real PostgreSQL through HTTP only: a site
 * with a general RECEIVING plan and a plan of the ASN's supplier (an extra audit) opens two inspections on the same
 * units. Failed by both, the units are held once and owned by both holds: they stay on HOLD until both are disposed of
 * (released only when no failing inspection still holds them), a SCRAP / RETURN_TO_VENDOR by either takes them, and
 * the second hold raises no QUALITY_HOLD_INCOMPLETE for units that are in fact held.
 */
let t: TestApp;
let w: Warehouse;
let dock: { id: string };

const CHECKLIST = [{ code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }];
const SUPPLIER = 'Double Audit Ltd';
const plans = { general: '', supplier: '' };

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'QDOUBLE2', aisles: 1, bays: 2, levels: 1, skus: 25 });
  dock = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0];
  for (const [kind, scope] of [['general', {}], ['supplier', { supplierId: SUPPLIER }]] as const) {
    const plan = await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: kind, stage: 'RECEIVING', ...scope, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: CHECKLIST }, 'manager');
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    plans[kind] = plan.body.id as string;
  }
}, 60_000);
afterAll(async () => t.close());

interface Balance { locationId: string; status: string; onHand: number }
const at = async (sku: string, status: string): Promise<number> => ((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as Balance[])
  .filter((b) => b.locationId === dock.id && b.status === status).reduce((n, b) => n + b.onHand, 0);
const events = async (type: string, inspectionId: string) => ((await t.get(`/api/v1/events?type=${type}&limit=200`)).body.items as { data: Record<string, unknown> }[])
  .filter((e) => e.data['inspectionId'] === inspectionId).map((e) => e.data);
const exceptionsFor = async (kind: string, subjects: string[]) => ((await t.get(`/api/v1/exceptions?kind=${kind}`, 'manager')).body.items as { subject: string }[])
  .filter((e) => subjects.includes(e.subject));

/** 10 units of `sku` received at the dock against an ASN of the audited supplier, both inspections failed: [first to fail (carrier), second (sharer)]. */
async function failedTwice(sku: string, supplierFirst: boolean): Promise<[string, string]> {
  const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: SUPPLIER, lines: [{ sku, quantity: 10 }] });
  expect(asn.status, JSON.stringify(asn.body)).toBe(201);
  await t.settle();
  const receipt = await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 10, locationId: dock.id }, 'operator');
  expect(receipt.status, JSON.stringify(receipt.body)).toBe(201);
  await t.settle();
  const open = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; planId: string; target: { sku: string } }[])
    .filter((i) => i.target.sku === sku);
  expect(open).toHaveLength(2);
  // The general plan's inspection fails first unless `supplierFirst`: the first to fail carries the units, the other shares them.
  const general = open.find((i) => i.planId === plans.general)!;
  const supplier = open.find((i) => i.planId === plans.supplier)!;
  const order = supplierFirst ? [supplier, general] : [general, supplier];
  for (const i of order) {
    expect((await t.post(`/api/v1/inspections/${i.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
    await t.settle();
  }
  const ids = order.map((i) => i.id);
  expect(await at(sku, 'HOLD')).toBe(10);
  expect(await at(sku, 'AVAILABLE')).toBe(0);
  // The second hold joined the first's units: nothing is missing, so no exception.
  expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', ids)).toEqual([]);
  const placed = [...await events('inventory.quality-hold.placed.v1', ids[0]!), ...await events('inventory.quality-hold.placed.v1', ids[1]!)];
  expect(placed.map((p) => p['shortfall'])).toEqual([0, 0]);
  return [ids[0]!, ids[1]!];
}

const dispose = async (inspectionId: string, disposition: string) => {
  const res = await t.post(`/api/v1/inspections/${inspectionId}/disposition`, { disposition }, 'manager');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
};

describe.each([[false, 0], [true, 7]] as const)('an ASN receipt failed by the general and the supplier inspection (supplier first: %s)', (supplierFirst, n) => {
  it('release one: the units stay on HOLD; release the other: they are AVAILABLE, released once', async () => {
    const sku = w.products[n + 0]!.sku;
    const [a, b] = await failedTwice(sku, supplierFirst);
    await dispose(a, 'RELEASE');
    expect(await at(sku, 'HOLD')).toBe(10);
    expect(await at(sku, 'AVAILABLE')).toBe(0);
    expect(await events('inventory.quality-hold.disposed.v1', a)).toEqual([expect.objectContaining({ held: 10, disposed: 0, shortfall: 0, stillHeldBy: b })]);
    await dispose(b, 'RELEASE');
    expect(await events('inventory.quality-hold.disposed.v1', b)).toEqual([expect.objectContaining({ held: 10, disposed: 10, shortfall: 0 })]);
    expect(await at(sku, 'HOLD')).toBe(0);
    expect(await at(sku, 'AVAILABLE')).toBe(10);
    expect(await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b])).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('release one, then scrap the other: the scrap takes all 10', async () => {
    const sku = w.products[n + 1]!.sku;
    const [a, b] = await failedTwice(sku, supplierFirst);
    await dispose(b, 'RELEASE');
    expect(await at(sku, 'HOLD')).toBe(10);
    await dispose(a, 'SCRAP');
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 0]);
    expect(await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b])).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('scrap one: the units are taken; the other\'s release then releases nothing and reports no shortfall', async () => {
    const sku = w.products[n + 2]!.sku;
    const [a, b] = await failedTwice(sku, supplierFirst);
    await dispose(b, 'SCRAP');
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 0]);
    await dispose(a, 'RELEASE');
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 0]);
    expect(await events('inventory.quality-hold.disposed.v1', a)).toEqual([expect.objectContaining({ held: 0, disposed: 0, shortfall: 0, disposedBy: b })]);
    expect(await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b])).toEqual([]);
    const held = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&holdStatus=HELD`)).body.items as { id: string }[]).filter((i) => i.id === a || i.id === b);
    expect(held).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('release the second, then the first: HOLD until the last, then AVAILABLE; scrap-first variant takes them', async () => {
    const sku = w.products[n + 5]!.sku;
    const [a, b] = await failedTwice(sku, supplierFirst);
    await dispose(b, 'RELEASE');
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([10, 0]);
    expect(await events('inventory.quality-hold.disposed.v1', b)).toEqual([expect.objectContaining({ held: 10, disposed: 0, shortfall: 0, stillHeldBy: a })]);
    await dispose(a, 'RELEASE');
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 10]);
    // And the carrier scrapped first: the other's release finds them gone.
    const other = w.products[n + 6]!.sku;
    const [c, d] = await failedTwice(other, !supplierFirst);
    await dispose(c, 'SCRAP');
    await dispose(d, 'REWORK');
    expect([await at(other, 'HOLD'), await at(other, 'AVAILABLE')]).toEqual([0, 0]);
    expect(await events('inventory.quality-hold.disposed.v1', d)).toEqual([expect.objectContaining({ held: 0, disposed: 0, shortfall: 0, disposedBy: c })]);
    expect(await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b, c, d])).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('both released at once: the 10 come back to AVAILABLE exactly once', async () => {
    const sku = w.products[n + 3]!.sku;
    const [a, b] = await failedTwice(sku, supplierFirst);
    const res = await Promise.all([a, b].map((id) => t.post(`/api/v1/inspections/${id}/disposition`, { disposition: 'RELEASE' }, 'manager')));
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    await t.settle();
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 10]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('a release and a scrap at once: the scrap takes the 10 whichever comes first', async () => {
    const sku = w.products[n + 4]!.sku;
    const [a, b] = await failedTwice(sku, supplierFirst);
    const res = await Promise.all([t.post(`/api/v1/inspections/${a}/disposition`, { disposition: 'RELEASE' }, 'manager'),
      t.post(`/api/v1/inspections/${b}/disposition`, { disposition: 'SCRAP' }, 'manager')]);
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    await t.settle();
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 0]);
    expect(await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b])).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });
});

/** Failed by both after `moved` of the 10 received units left the dock (put away by hand): [first to fail, second]. */
async function failedTwiceShort(sku: string, moved: number): Promise<[string, string]> {
  const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: SUPPLIER, lines: [{ sku, quantity: 10 }] });
  expect(asn.status, JSON.stringify(asn.body)).toBe(201);
  await t.settle();
  expect((await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 10, locationId: dock.id }, 'operator')).status).toBe(201);
  await t.settle();
  const away = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: moved, fromLocationId: dock.id, toLocationId: w.storage[0]!.id }, 'operator');
  expect(away.status, JSON.stringify(away.body)).toBe(201);
  await t.settle();
  const open = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[]).filter((i) => i.target.sku === sku);
  expect(open).toHaveLength(2);
  for (const i of open) {
    expect((await t.post(`/api/v1/inspections/${i.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
    await t.settle();
  }
  return [open[0]!.id, open[1]!.id];
}

describe('quality gaps of the shared hold (qualgaps)', () => {
  it('a manual release reaching into the shared units is 409 HELD_BY_INSPECTION naming both inspections, changing nothing', async () => {
    const sku = w.products[14]!.sku;
    const [a, b] = await failedTwice(sku, false);
    const refused = await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: dock.id, quantity: 1, fromStatus: 'HOLD', reason: 'looks fine' }, 'manager');
    expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
    expect(refused.body.detail).toContain(a);
    expect(refused.body.detail).toContain(b);
    expect((refused.body.errors as { message: string }[]).map((e) => e.message).join(' ')).toMatch(new RegExp(`${a}[^]*${b}`));
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([10, 0]);
    // One released: the other alone still holds them, and the refusal names it only.
    await dispose(a, 'RELEASE');
    const again = await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: dock.id, quantity: 1, fromStatus: 'HOLD', reason: 'looks fine' }, 'manager');
    expect([again.status, again.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
    expect(again.body.detail).toContain(b);
    expect(again.body.detail).not.toContain(a);
    await expectLedgerConserved(t, w.siteId);
  });

  it('units put away before both failed: one QUALITY_HOLD_INCOMPLETE for the one shortfall (some held, none held)', async () => {
    for (const [n, moved, held] of [[15, 4, 6], [16, 10, 0]] as const) {
      const sku = w.products[n]!.sku;
      const [a, b] = await failedTwiceShort(sku, moved);
      expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([held, 0]);
      const raised = await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [a, b]);
      expect(raised, JSON.stringify(raised)).toHaveLength(1);
      const placed = [...await events('inventory.quality-hold.placed.v1', a), ...await events('inventory.quality-hold.placed.v1', b)];
      expect(placed.map((p) => p['shortfall'])).toEqual([moved, 0]);
      // Both released: the held units come back once.
      await dispose(b, 'RELEASE');
      await dispose(a, 'RELEASE');
      expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, held]);
      expect(await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b])).toEqual([]);
    }
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('hunt: a receipt\'s two inspections at every moment (qualgaps)', () => {
  it('both failed at once: the 10 are held once, no QUALITY_HOLD_INCOMPLETE; both released: 10 AVAILABLE once', async () => {
    const sku = w.products[17]!.sku;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: SUPPLIER, lines: [{ sku, quantity: 10 }] });
    await t.settle();
    expect((await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 10, locationId: dock.id }, 'operator')).status).toBe(201);
    await t.settle();
    const open = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[]).filter((i) => i.target.sku === sku);
    expect(open).toHaveLength(2);
    const res = await Promise.all(open.map((i) => t.post(`/api/v1/inspections/${i.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')));
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    await t.settle();
    const ids = open.map((i) => i.id);
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([10, 0]);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', ids)).toEqual([]);
    await Promise.all(ids.map((id) => t.post(`/api/v1/inspections/${id}/disposition`, { disposition: 'RELEASE' }, 'manager')));
    await t.settle();
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 10]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('held units moved off the dock while one releases and the other scraps: every unit accounted for, no inspection left HELD', async () => {
    const sku = w.products[18]!.sku;
    const [a, b] = await failedTwice(sku, false);
    const res = await Promise.all([
      t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'HOLD', quantity: 4, fromLocationId: dock.id, toLocationId: w.storage[1]!.id }, 'operator'),
      t.post(`/api/v1/inspections/${a}/disposition`, { disposition: 'RELEASE' }, 'manager'),
      t.post(`/api/v1/inspections/${b}/disposition`, { disposition: 'SCRAP' }, 'manager'),
    ]);
    expect(res.slice(1).map((r) => r.status)).toEqual([200, 200]);
    await t.settle();
    const moved = res[0].status === 201 ? 4 : 0;
    const all = ((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as Balance[]);
    const sum = (s: string) => all.filter((x) => x.status === s).reduce((n, x) => n + x.onHand, 0);
    // The scrap took what was still held at the dock; units moved off before it stay HOLD where they went (held by hand there), said short.
    expect([sum('AVAILABLE'), sum('HOLD')]).toEqual([0, moved]);
    const held = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&holdStatus=HELD`)).body.items as { id: string }[]).filter((i) => i.id === a || i.id === b);
    expect(held).toEqual([]);
    const shortfalls = await exceptionsFor('QUALITY_HOLD_SHORTFALL', [a, b]);
    expect(shortfalls).toHaveLength(moved === 0 ? 0 : 1);
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('the second inspection fails after the first was disposed of (qualgaps)', () => {
  /** 10 received at the dock, both inspections open; the first fails: [first, second]. */
  async function firstFailed(sku: string): Promise<[string, string]> {
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: SUPPLIER, lines: [{ sku, quantity: 10 }] });
    await t.settle();
    expect((await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 10, locationId: dock.id }, 'operator')).status).toBe(201);
    await t.settle();
    const open = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[]).filter((i) => i.target.sku === sku);
    expect(open).toHaveLength(2);
    expect((await t.post(`/api/v1/inspections/${open[0]!.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
    await t.settle();
    return [open[0]!.id, open[1]!.id];
  }
  const failSecond = async (id: string) => {
    expect((await t.post(`/api/v1/inspections/${id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
    await t.settle();
  };

  it('released, put away, then the second fails: its units are AVAILABLE elsewhere, so QUALITY_HOLD_INCOMPLETE is raised for it', async () => {
    const sku = w.products[20]!.sku;
    const [a, b] = await firstFailed(sku);
    await dispose(a, 'RELEASE');
    const away = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 10, fromLocationId: dock.id, toLocationId: w.storage[0]!.id }, 'operator');
    expect(away.status, JSON.stringify(away.body)).toBe(201);
    await t.settle();
    await failSecond(b);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [a])).toEqual([]);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [b])).toHaveLength(1);
    expect(await events('inventory.quality-hold.placed.v1', b)).toEqual([expect.objectContaining({ held: 0, shortfall: 10 })]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('held 6 of 10 (4 said short), released at the dock, then the second fails: it holds the 6 again and the 4 are said short once', async () => {
    const sku = w.products[23]!.sku;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: SUPPLIER, lines: [{ sku, quantity: 10 }] });
    await t.settle();
    expect((await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 10, locationId: dock.id }, 'operator')).status).toBe(201);
    await t.settle();
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 4, fromLocationId: dock.id, toLocationId: w.storage[0]!.id }, 'operator')).status).toBe(201);
    await t.settle();
    const open = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[]).filter((i) => i.target.sku === sku);
    const [a, b] = [open[0]!.id, open[1]!.id];
    await failSecond(a);
    await dispose(a, 'RELEASE');
    await failSecond(b);
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([6, 0]);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [a])).toHaveLength(1);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [b])).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('released at the dock, then the second fails: it holds them again, nothing short', async () => {
    const sku = w.products[21]!.sku;
    const [a, b] = await firstFailed(sku);
    await dispose(a, 'RELEASE');
    await failSecond(b);
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([10, 0]);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [a, b])).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('scrapped, then the second fails: nothing is AVAILABLE to hold and nothing is said missing (the units are gone)', async () => {
    const sku = w.products[22]!.sku;
    const [a, b] = await firstFailed(sku);
    await dispose(a, 'SCRAP');
    await failSecond(b);
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 0]);
    expect(await exceptionsFor('QUALITY_HOLD_INCOMPLETE', [a, b])).toEqual([]);
    await dispose(b, 'RELEASE');
    expect([await at(sku, 'HOLD'), await at(sku, 'AVAILABLE')]).toEqual([0, 0]);
    await expectLedgerConserved(t, w.siteId);
  });
});
