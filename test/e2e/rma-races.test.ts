/**
 * Customer returns under concurrent floor commands (ADR 0026 addendum of 2026-12-04): the QUARANTINE units an RMA
 * awaits inspection for are its inspection's. A hand release of QUARANTINE units there (POST /inventory/hold-releases),
 * a move of them (POST /inventory/moves) or a putaway of quarantined units from there (POST /inventory/putaways/{id}/confirm),
 * sent before or while the RMA is received and inspected, never reaches into them (409 HELD_BY_INSPECTION naming the RMA), so every RMA can still be inspected and closed, and the stock stays conserved. RACE seed 8031.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import type { Call, Warehouse } from '../support/flow-driver.ts';
import { startRaceSite } from '../support/races.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
beforeAll(async () => {
  ({ t, call, w, dock } = await startRaceSite({ siteCode: 'RMR', aisles: 1, bays: 3, levels: 1, skus: 2 }));
}, 60_000);
afterAll(async () => t.close());

interface RmaView { id: string; status: string; lines: { lineId: string; received: number; awaitingInspection: number }[] }
const rmaOf = async (id: string): Promise<RmaView> => (await call<RmaView>('rma', 'GET', `/api/v1/rmas/${id}`)).body;
const authorise = async (sku: string, quantity: number): Promise<RmaView> => {
  const res = await call<RmaView>('authorise', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: 'CUST-R', lines: [{ sku, quantity, reason: 'race' }] });
  expect(res.status).toBe(201);
  return res.body;
};
const release = (sku: string, quantity: number) => call<{ code?: string; detail?: string }>('release', 'POST', '/api/v1/inventory/hold-releases', {
  siteId: w.siteId, sku, locationId: dock.id, quantity, fromStatus: 'QUARANTINE', reason: 'QA passed',
});

it('a hand release of QUARANTINE units never takes the units an RMA awaits inspection for: the RMA is inspected and closed', async () => {
  const sku = w.products[0]!.sku;
  const rma = await authorise(sku, 2);
  const lineId = rma.lines[0]!.lineId;
  expect((await call('receive', 'POST', `/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] })).status).toBe(200);
  // Two units of another reason wait in QUARANTINE at the dock too: those may be released by hand, the RMA's may not.
  expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: dock.id, quantity: 2 })).status).toBe(201);
  expect((await call('quarantine', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: dock.id, quantity: 2, status: 'QUARANTINE', reason: 'crushed' })).status).toBe(201);
  const before = await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);

  const refused = await release(sku, 3);
  expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
  expect(refused.body.detail).toContain(rma.id);
  expect((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body).toEqual(before.body);
  expect((await release(sku, 2)).status).toBe(201);

  const inspected = await call<RmaView>('inspect', 'POST', `/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'SCRAP', quantity: 2, condition: 'torn' });
  expect([inspected.status, inspected.body.status]).toEqual([200, 'INSPECTED']);
  expect((await call<RmaView>('close', 'POST', `/api/v1/rmas/${rma.id}/close`)).body.status).toBe('CLOSED');
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it('a move of QUARANTINE units never takes the units an RMA awaits inspection for', async () => {
  const sku = w.products[0]!.sku;
  const rma = await authorise(sku, 2);
  const lineId = rma.lines[0]!.lineId;
  expect((await call('receive', 'POST', `/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] })).status).toBe(200);
  const move = (quantity: number) => call<{ code?: string; detail?: string }>('move', 'POST', '/api/v1/inventory/moves', {
    siteId: w.siteId, sku, status: 'QUARANTINE', quantity, fromLocationId: dock.id, toLocationId: w.storage[1]!.id,
  });
  const before = await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
  const refused = await move(1);
  expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
  expect(refused.body.detail).toContain(rma.id);
  expect((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body).toEqual(before.body);
  const inspected = await call<RmaView>('inspect', 'POST', `/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'QUARANTINE', quantity: 2, condition: 'wet' });
  expect([inspected.status, inspected.body.status]).toEqual([200, 'INSPECTED']);
  // Disposed of (left in quarantine), they are anybody's to move.
  expect((await move(2)).status).toBe(201);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it('RMA receipts, inspections and hand releases of the same dock at once: every RMA ends INSPECTED or CLOSED (seed 8031)', async () => {
  const sku = w.products[1]!.sku;
  const rmas = await Promise.all(Array.from({ length: 8 }, () => authorise(sku, 3)));
  const received = await Promise.all(rmas.flatMap((r) => [
    call('receive', 'POST', `/api/v1/rmas/${r.id}/receive`, { locationId: dock.id, lines: [{ lineId: r.lines[0]!.lineId, quantity: 3 }] }),
    release(sku, 2),
  ]));
  expect(received.filter((r) => r.status >= 500)).toEqual([]);
  for (const [i, r] of received.entries()) {
    if (i % 2 === 0) expect(r.status, JSON.stringify(r.body)).toBe(200);
    else expect([201, 409]).toContain(r.status);
  }
  const settled = await Promise.all(rmas.flatMap((r) => [
    call<RmaView>('inspect', 'POST', `/api/v1/rmas/${r.id}/lines/${r.lines[0]!.lineId}/inspect`, { disposition: 'RESTOCK', quantity: 3, condition: 'as new', locationId: w.storage[0]!.id }),
    release(sku, 1),
  ]));
  expect(settled.filter((r) => r.status >= 500)).toEqual([]);
  for (const [i, r] of settled.entries()) if (i % 2 === 0) expect([r.status, (r.body as RmaView).status], JSON.stringify(r.body)).toEqual([200, 'INSPECTED']);
  for (const r of rmas) {
    expect((await call<RmaView>('close', 'POST', `/api/v1/rmas/${r.id}/close`)).status).toBe(200);
    expect((await rmaOf(r.id)).status).toBe('CLOSED');
  }
  await t.settle();
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it('a putaway of QUARANTINE units never takes the units an RMA awaits inspection for at the dock: the RMA is inspected and closed', async () => {
  const sku = w.products[0]!.sku;
  const made = await call<{ id: string }>('quarantine area', 'POST', `/api/v1/sites/${w.siteId}/locations`, { code: 'RMR-QA-1', type: 'QUARANTINE', x: 1, y: 2 });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const qa = made.body.id;
  // Three good units received into QUARANTINE at the dock: a putaway to a quarantine area asked for.
  const blind = await call<{ putaway: { id: string } }>('blind receipt', 'POST', '/api/v1/inventory/inbound-receipts', {
    siteId: w.siteId, sku, quantity: 3, status: 'QUARANTINE', locationId: dock.id,
  });
  expect(blind.status, JSON.stringify(blind.body)).toBe(201);
  const rma = await authorise(sku, 2);
  const lineId = rma.lines[0]!.lineId;
  expect((await call('receive', 'POST', `/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] })).status).toBe(200);
  // The receipt's three are carried off by hand (the RMA's two stay: allowed); the putaway's task is still there.
  expect((await call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'QUARANTINE', quantity: 3, fromLocationId: dock.id, toLocationId: qa })).status)
    .toBe(201);
  const before = await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
  const refused = await call<{ code?: string; detail?: string }>('putaway', 'POST', `/api/v1/inventory/putaways/${blind.body.putaway.id}/confirm`, { locationId: qa, quantity: 2 });
  expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
  expect(refused.body.detail).toContain(rma.id);
  expect((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body).toEqual(before.body);
  // The way out of the putaway whose units are gone: cancelled.
  expect((await call('cancel putaway', 'POST', `/api/v1/inventory/putaways/${blind.body.putaway.id}/cancel`, { reason: 'moved by hand' })).status).toBe(200);
  const inspected = await call<RmaView>('inspect', 'POST', `/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'SCRAP', quantity: 2, condition: 'torn' });
  expect([inspected.status, inspected.body.status], JSON.stringify(inspected.body)).toEqual([200, 'INSPECTED']);
  expect((await call<RmaView>('close', 'POST', `/api/v1/rmas/${rma.id}/close`)).body.status).toBe('CLOSED');
  await t.settle();
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});
