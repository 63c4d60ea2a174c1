/**
 * Conservation of stock on the inbound paths the property test (inventory-properties.test.ts) does not draw: a putaway
 * cancelled after its receipt (where its units are, whether they can still be put away or moved, what ATP says), an
 * RMA cancelled at each stage, and ASNs announcing one line twice (a REST ASN, an ERP CSV file, an EDI 943) received
 * against by SKU. After each: the rules of test/support/conservation.ts (strict ATP: nothing blocks here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';
import { receivingDock } from '../support/races.ts';
import { segmentsOf } from '../support/x12.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let w: Warehouse;
let dock: { id: string; code: string };
const dir = mkdtempSync(join(tmpdir(), 'paklog-icc-'));

beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_ERP: 'file-drop', PAKLOG_ERP_DIR: dir, PAKLOG_ERP_POLL_MS: '60000' } });
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'ICCX', aisles: 1, bays: 3, levels: 1, skus: 4 });
  dock = await receivingDock(injectClient(t.app, t.keys.admin), w.siteId);
  expect((await t.post('/api/v1/edi/partners', { name: 'Depot Co', isaQualifier: 'ZZ', isaId: 'DEPOTICC', siteId: w.siteId }, 'integration')).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Atp { sku: string; onHandAvailable: number; unpickable: number; allocated: number; atp: number }
interface Balance { sku: string; locationId: string; status: string; onHand: number; reserved: number }

const conserved = async (when: string): Promise<void> => {
  await t.settle();
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true, when });
};
const atp = async (sku: string): Promise<Atp> => (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0] as Atp;
const balances = async (sku: string): Promise<Balance[]> => t.getAll<Balance>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
const at = async (sku: string, locationId: string, status = 'AVAILABLE'): Promise<number> =>
  (await balances(sku)).filter((b) => b.locationId === locationId && b.status === status).reduce((n, b) => n + b.onHand, 0);
const total = async (sku: string): Promise<number> => (await balances(sku)).reduce((n, b) => n + b.onHand, 0);
const ok = async (res: Promise<{ status: number; body: any }>, status: number): Promise<any> => {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
};

describe('a putaway cancelled after its receipt', () => {
  it('leaves its units on hand at the dock, unpromised; another putaway of them and a hand move still take them away', async () => {
    const sku = w.products[0]!.sku;
    const face = w.storage[0]!;
    const first = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 6, locationId: dock.id }, 'operator'), 201);
    const second = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4, locationId: dock.id }, 'operator'), 201);
    await t.settle();
    expect(await atp(sku)).toMatchObject({ onHandAvailable: 10, unpickable: 10, atp: 0 });

    // The first is put away in part (2 of 6), then cancelled: its 4 others stay at the dock, on the books.
    expect(await ok(t.post(`/api/v1/inventory/putaways/${first.putaway.id}/confirm`, { locationId: face.id, quantity: 2 }, 'operator'), 200))
      .toMatchObject({ status: 'OPEN', putAway: 2 });
    expect(await ok(t.post(`/api/v1/inventory/putaways/${first.putaway.id}/cancel`, { reason: 'dock lead moves them' }, 'manager'), 200))
      .toMatchObject({ status: 'CANCELLED', putAway: 2 });
    await t.settle();
    expect(await at(sku, dock.id)).toBe(8);
    expect(await at(sku, face.id)).toBe(2);
    expect(await atp(sku)).toMatchObject({ onHandAvailable: 10, unpickable: 8, atp: 2 });
    // A cancelled putaway is not confirmed any more (its units are not put away twice), nor cancelled again.
    expect((await t.post(`/api/v1/inventory/putaways/${first.putaway.id}/confirm`, { locationId: face.id }, 'operator')).body.code).toBe('ILLEGAL_TRANSITION');
    expect((await t.post(`/api/v1/inventory/putaways/${first.putaway.id}/cancel`, { reason: 'again' }, 'manager')).body.code).toBe('ILLEGAL_TRANSITION');
    await conserved('putaway cancelled in part');

    // The second still takes its 4; the cancelled one's 4 are moved by hand. Nothing is left at the dock, nothing made.
    expect(await ok(t.post(`/api/v1/inventory/putaways/${second.putaway.id}/confirm`, { locationId: face.id }, 'operator'), 200)).toMatchObject({ status: 'COMPLETED' });
    await ok(t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock.id, toLocationId: face.id, quantity: 4 }, 'operator'), 201);
    // No more than there is: a move of one more unit from the (now empty) dock is refused.
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock.id, toLocationId: face.id, quantity: 1 }, 'operator')).body.code)
      .toBe('INSUFFICIENT_STOCK');
    await t.settle();
    expect(await at(sku, dock.id)).toBe(0);
    expect(await at(sku, face.id)).toBe(10);
    expect(await total(sku)).toBe(10);
    expect(await atp(sku)).toMatchObject({ onHandAvailable: 10, unpickable: 0, atp: 10 });
    await conserved('cancelled putaway moved by hand');
  });

  it('of units moved away by hand first: the putaway is withdrawn by the move, not confirmed after it, and nothing is made or lost', async () => {
    const sku = w.products[1]!.sku;
    const face = w.storage[1]!;
    const rec = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 5, locationId: dock.id }, 'operator'), 201);
    await ok(t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock.id, toLocationId: face.id, quantity: 5 }, 'operator'), 201);
    await t.settle();
    // docs/operations/inbound.md: a move taking the units a putaway covers withdraws it (CANCELLED); a confirm is refused.
    expect((await t.get(`/api/v1/inventory/putaways/${rec.putaway.id}`)).body).toMatchObject({ status: 'CANCELLED', putAway: 0 });
    expect((await t.post(`/api/v1/inventory/putaways/${rec.putaway.id}/confirm`, { locationId: face.id }, 'operator')).status).toBe(409);
    expect((await t.post(`/api/v1/inventory/putaways/${rec.putaway.id}/cancel`, { reason: 'units gone' }, 'manager')).body.code).toBe('ILLEGAL_TRANSITION');
    await t.settle();
    expect(await at(sku, dock.id)).toBe(0);
    expect(await at(sku, face.id)).toBe(5);
    expect(await total(sku)).toBe(5);
    await conserved('putaway of units moved by hand');
  });

  it('beside an open one: a hand move of more than the cancelled one left reduces the open one to what is still there', async () => {
    const sku = w.products[1]!.sku;
    const face = w.storage[1]!;
    const before = await total(sku);
    const cancelled = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 5, locationId: dock.id }, 'operator'), 201);
    const open = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 5, locationId: dock.id }, 'operator'), 201);
    await ok(t.post(`/api/v1/inventory/putaways/${cancelled.putaway.id}/cancel`, { reason: 'leave them' }, 'manager'), 200);
    await ok(t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock.id, toLocationId: face.id, quantity: 7 }, 'operator'), 201);
    await t.settle();
    expect(await at(sku, dock.id)).toBe(3);
    const view = (await t.get(`/api/v1/inventory/putaways/${open.putaway.id}`)).body;
    expect(view.status).toBe('OPEN');
    expect(view.quantity - view.putAway).toBe(3);
    await ok(t.post(`/api/v1/inventory/putaways/${open.putaway.id}/confirm`, { locationId: face.id }, 'operator'), 200);
    await t.settle();
    expect(await at(sku, dock.id)).toBe(0);
    expect(await total(sku)).toBe(before + 10);
    await conserved('hand move beside an open putaway');
  });

  it('racing a hand move of the dock\'s units and the other putaway\'s confirm: no open putaway covers units the dock no longer holds', async () => {
    const sku = w.products[0]!.sku;
    const face = w.storage[0]!;
    const problems: string[] = [];
    for (let round = 0; round < 8; round++) {
      const before = await total(sku);
      const a = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4, locationId: dock.id }, 'operator'), 201);
      const b = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4, locationId: dock.id }, 'operator'), 201);
      const later = (k: number) => new Promise((r) => setTimeout(r, (round + k) % 3));
      const answers = await Promise.all([
        later(0).then(() => t.post(`/api/v1/inventory/putaways/${a.putaway.id}/cancel`, { reason: 'race' }, 'manager')),
        later(1).then(() => t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock.id, toLocationId: face.id, quantity: 6 }, 'operator')),
        later(2).then(() => t.post(`/api/v1/inventory/putaways/${b.putaway.id}/confirm`, { locationId: face.id }, 'operator')),
      ]);
      for (const x of answers) if (x.status >= 500 || (x.status >= 400 && typeof x.body?.code !== 'string')) problems.push(`${x.status} ${JSON.stringify(x.body)}`);
      await t.settle();
      const openPutaways = (await t.getAll<{ sku: string; quantity: number; putAway: number }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`))
        .filter((p) => p.sku === sku);
      const covered = openPutaways.reduce((n, p) => n + p.quantity - p.putAway, 0);
      const atDock = await at(sku, dock.id);
      if (covered > atDock) problems.push(`round ${round}: open putaways cover ${covered}, the dock holds ${atDock}`);
      if (await total(sku) !== before + 8) problems.push(`round ${round}: ${await total(sku) - before} of 8 units on the books`);
      // Clear the dock for the next round.
      for (const p of (await t.getAll<{ id: string; sku: string }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`)).filter((x) => x.sku === sku)) {
        await ok(t.post(`/api/v1/inventory/putaways/${p.id}/confirm`, { locationId: face.id }, 'operator'), 200);
      }
      const left = await at(sku, dock.id);
      if (left > 0) await ok(t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock.id, toLocationId: face.id, quantity: left }, 'operator'), 201);
    }
    expect(problems).toEqual([]);
    await conserved('putaway cancels racing hand moves');
  });

  it('of QUARANTINE units: they stay held at the dock; released, they get a new putaway and are put away once', async () => {
    const sku = w.products[2]!.sku;
    const face = w.storage[2]!;
    const rec = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 3, locationId: dock.id, status: 'QUARANTINE' }, 'operator'), 201);
    await ok(t.post(`/api/v1/inventory/putaways/${rec.putaway.id}/cancel`, { reason: 'inspect at the dock' }, 'manager'), 200);
    await t.settle();
    expect(await at(sku, dock.id, 'QUARANTINE')).toBe(3);
    expect(await atp(sku)).toMatchObject({ onHandAvailable: 0, atp: 0 });
    await ok(t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: dock.id, quantity: 3, fromStatus: 'QUARANTINE', reason: 'passed' }, 'manager'), 201);
    await t.settle();
    const open = (await t.getAll<{ id: string; sku: string; quantity: number; putAway: number }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`))
      .filter((p) => p.sku === sku);
    expect(open.map((p) => p.quantity - p.putAway)).toEqual([3]);
    await ok(t.post(`/api/v1/inventory/putaways/${open[0]!.id}/confirm`, { locationId: face.id }, 'operator'), 200);
    await t.settle();
    expect(await at(sku, face.id)).toBe(3);
    expect(await total(sku)).toBe(3);
    expect(await atp(sku)).toMatchObject({ onHandAvailable: 3, unpickable: 0, atp: 3 });
    await conserved('released putaway put away');
  });
});

describe('a cancelled putaway\'s held units beside an RMA\'s at the dock', () => {
  it('a hand release takes only the putaway\'s, never the units the RMA awaits inspection for', async () => {
    const sku = w.products[2]!.sku;
    const before = await total(sku);
    const rec = await ok(t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 3, locationId: dock.id, status: 'QUARANTINE' }, 'operator'), 201);
    await ok(t.post(`/api/v1/inventory/putaways/${rec.putaway.id}/cancel`, { reason: 'held at the dock' }, 'manager'), 200);
    const rma = await ok(t.post('/api/v1/rmas', { siteId: w.siteId, customerRef: 'CUST-ICC', lines: [{ sku, quantity: 3, reason: 'unwanted' }] }, 'manager'), 201);
    const lineId = rma.lines[0].lineId as string;
    await ok(t.post(`/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] }, 'operator'), 200);
    await t.settle();
    expect(await at(sku, dock.id, 'QUARANTINE')).toBe(6);
    const release = (quantity: number) => t.post('/api/v1/inventory/hold-releases',
      { siteId: w.siteId, sku, locationId: dock.id, quantity, fromStatus: 'QUARANTINE', reason: 'passed' }, 'manager');
    expect((await release(6)).status).toBe(409);
    await ok(release(3), 201);
    await t.settle();
    expect(await at(sku, dock.id, 'QUARANTINE')).toBe(3);
    await ok(t.post(`/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', locationId: w.storage[2]!.id }, 'operator'), 200);
    for (const p of (await t.getAll<{ id: string; sku: string }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`)).filter((x) => x.sku === sku)) {
      await ok(t.post(`/api/v1/inventory/putaways/${p.id}/confirm`, { locationId: w.storage[2]!.id }, 'operator'), 200);
    }
    await t.settle();
    expect(await at(sku, dock.id, 'QUARANTINE')).toBe(0);
    expect(await at(sku, dock.id)).toBe(0);
    expect(await total(sku)).toBe(before + 6);
    await conserved('held units of a cancelled putaway beside an RMA');
  });
});

describe('an RMA cancelled at each stage', () => {
  interface Rma { id: string; status: string; lines: { lineId: string; authorised: number; received: number; awaitingInspection: number }[] }
  const authorise = async (sku: string, quantity: number): Promise<Rma> =>
    ok(t.post('/api/v1/rmas', { siteId: w.siteId, customerRef: 'CUST-ICC', lines: [{ sku, quantity, reason: 'unwanted' }] }, 'manager'), 201);
  const cancel = (id: string) => t.post(`/api/v1/rmas/${id}/cancel`, { reason: 'customer kept it' }, 'manager');

  it('AUTHORISED: cancelled, nothing moves, and nothing is received against it after', async () => {
    const sku = w.products[3]!.sku;
    const before = await total(sku);
    const rma = await authorise(sku, 3);
    expect(await ok(cancel(rma.id), 200)).toMatchObject({ status: 'CANCELLED' });
    const late = await t.post(`/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId: rma.lines[0]!.lineId, quantity: 3 }] }, 'operator');
    expect(late.body.code).toBe('ILLEGAL_TRANSITION');
    expect(await total(sku)).toBe(before);
    await conserved('RMA cancelled when authorised');
  });

  it('RECEIVED, INSPECTED and CLOSED: the cancel is refused, the units stay where their inspection put them', async () => {
    const sku = w.products[3]!.sku;
    const before = await total(sku);
    const rma = await authorise(sku, 4);
    const lineId = rma.lines[0]!.lineId;
    await ok(t.post(`/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] }, 'operator'), 200);
    expect((await cancel(rma.id)).body.code).toBe('ILLEGAL_TRANSITION');
    expect(await at(sku, dock.id, 'QUARANTINE')).toBeGreaterThanOrEqual(3);
    expect(await total(sku)).toBe(before + 3);
    await ok(t.post(`/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'SCRAP', quantity: 1 }, 'operator'), 200);
    await ok(t.post(`/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 2, locationId: w.storage[2]!.id }, 'operator'), 200);
    expect((await t.get(`/api/v1/rmas/${rma.id}`)).body.status).toBe('INSPECTED');
    expect((await cancel(rma.id)).body.code).toBe('ILLEGAL_TRANSITION');
    await ok(t.post(`/api/v1/rmas/${rma.id}/close`), 200);
    expect((await cancel(rma.id)).body.code).toBe('ILLEGAL_TRANSITION');
    await t.settle();
    expect(await total(sku)).toBe(before + 2);
    await conserved('RMA cancel refused after receipt');
  });

  it('a cancel racing receipts: CANCELLED with nothing received, or RECEIVED with every receipt on the books', async () => {
    const sku = w.products[3]!.sku;
    for (let round = 0; round < 8; round++) {
      const before = await total(sku);
      const rma = await authorise(sku, 4);
      const lineId = rma.lines[0]!.lineId;
      const receipts = [0, 1].map(async (k) => {
        await new Promise((r) => setTimeout(r, (round + k) % 3));
        return t.post(`/api/v1/rmas/${rma.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] }, 'operator');
      });
      const [c, ...r] = await Promise.all([cancel(rma.id), ...receipts]);
      const view = (await t.get(`/api/v1/rmas/${rma.id}`)).body as Rma;
      const accepted = r.filter((x) => x.status === 200).length;
      for (const x of [c, ...r]) expect(x.status === 200 || x.body?.code === 'ILLEGAL_TRANSITION', JSON.stringify(x.body)).toBe(true);
      expect(view.lines[0]!.received).toBe(accepted * 2);
      expect(await total(sku)).toBe(before + accepted * 2);
      expect(c.status === 200 ? view.status === 'CANCELLED' && accepted === 0 : view.status === 'RECEIVED').toBe(true);
      if (view.status === 'RECEIVED') await ok(t.post(`/api/v1/rmas/${rma.id}/lines/${lineId}/inspect`, { disposition: 'SCRAP' }, 'operator'), 200);
    }
    await conserved('RMA cancels racing receipts');
  });
});

describe('an ASN announcing one line twice, received against by SKU', () => {
  interface Asn { id: string; status: string; lines: { lineNo: number; sku: string; expected: number; received: number; damaged: number }[];
    discrepancies: { lineNo: number; kind: string; quantity: number }[] }
  interface Putaway { id: string; lineNo: number | null; quantity: number; receiptMovementId: string }

  /** Receives `quantities` in turn against the ASN by SKU (the last with acceptOver), then closes it and checks every unit. */
  async function receiveAndClose(asnId: string, sku: string, quantities: readonly number[]): Promise<Asn> {
    const before = await total(sku);
    const answers: { lineNo: number | null; quantity: number }[] = [];
    for (const [i, quantity] of quantities.entries()) {
      const r = await ok(t.post(`/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity, locationId: dock.id, ...(i === quantities.length - 1 ? { acceptOver: true } : {}) }, 'operator'), 201);
      answers.push({ lineNo: r.lineNo, quantity: r.quantity });
    }
    const received = quantities.reduce((a, b) => a + b, 0);
    const open = await ok(t.get(`/api/v1/inventory/asns/${asnId}`), 200) as Asn;
    // Every unit scanned is on one of the lines, on the books at the dock, and under a putaway.
    expect(open.lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.received, 0)).toBe(received);
    expect(await total(sku)).toBe(before + received);
    const putaways = await t.getAll<Putaway>(`/api/v1/inventory/putaways?siteId=${w.siteId}&asnId=${asnId}`);
    expect(putaways.reduce((n, p) => n + p.quantity, 0)).toBe(received);
    const closed = await ok(t.post(`/api/v1/inventory/asns/${asnId}/close`, {}), 200) as Asn;
    const lines = closed.lines.filter((l) => l.sku === sku);
    for (const l of lines) {
      const expected = [
        ...l.received > l.expected ? [{ kind: 'OVER', quantity: l.received - l.expected }] : [],
        ...l.received < l.expected ? [{ kind: 'UNDER', quantity: l.expected - l.received }] : [],
      ];
      expect(closed.discrepancies.filter((d) => d.lineNo === l.lineNo).map((d) => ({ kind: d.kind, quantity: d.quantity })), `line ${l.lineNo}`).toEqual(expected);
    }
    // Put away whole: the dock is empty again and nothing was made on the way.
    for (const p of putaways) await ok(t.post(`/api/v1/inventory/putaways/${p.id}/confirm`, { locationId: w.storage[0]!.id }, 'operator'), 200);
    await t.settle();
    expect(await total(sku)).toBe(before + received);
    return closed;
  }

  it('REST: the scan fills line 1, then line 2; over-receipt lands on the last line', async () => {
    const sku = w.products[0]!.sku;
    const asn = await ok(t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Twice Ltd', lines: [{ sku, quantity: 10 }, { sku, quantity: 10 }] }), 201);
    const closed = await receiveAndClose(asn.id, sku, [15, 8]);
    expect(closed.lines.map((l) => [l.lineNo, l.received])).toEqual([[1, 10], [2, 13]]);
    await conserved('REST ASN with a line twice');
  });

  it('ERP CSV: the same row twice is two lines (sent again, unchanged); receipts spread over them', async () => {
    const sku = w.products[1]!.sku;
    const csv = `asnNumber,siteId,supplier,sku,quantity\nERP-TWICE-1,${w.siteId},ERP Supplier,${sku},6\nERP-TWICE-1,${w.siteId},ERP Supplier,${sku},6\n`;
    const send = () => t.request('POST', '/api/v1/integrations/erp/inbound/asns', { body: csv, role: 'integration', headers: { 'content-type': 'text/csv' } });
    expect(await ok(send(), 200)).toMatchObject({ summary: { created: 1, unchanged: 0 } });
    expect(await ok(send(), 200)).toMatchObject({ summary: { created: 0, unchanged: 1 } });
    const asns = (await t.getAll<Asn & { reference: string | null }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).filter((a) => a.reference === 'ERP-TWICE-1');
    expect(asns.map((a) => a.lines.map((l) => l.expected))).toEqual([[6, 6]]);
    const closed = await receiveAndClose(asns[0]!.id, sku, [4, 4, 3]);
    expect(closed.lines.map((l) => [l.lineNo, l.received])).toEqual([[1, 6], [2, 5]]);
    await conserved('ERP CSV ASN with a row twice');
  });

  it('ERP CSV: rows of one ASN naming its site by code and by id are one ASN with every row a line (JSON: the ASN twice, refused)', async () => {
    const sku = w.products[3]!.sku;
    const csv = `asnNumber,siteId,supplier,sku,quantity\nERP-TWO-WAYS,ICCX,ERP Supplier,${sku},3\nERP-TWO-WAYS,${w.siteId},ERP Supplier,${sku},4\n`;
    const sent = await ok(t.request('POST', '/api/v1/integrations/erp/inbound/asns', { body: csv, role: 'integration', headers: { 'content-type': 'text/csv' } }), 200);
    expect(sent).toMatchObject({ summary: { created: 1, unchanged: 0 } });
    const asns = (await t.getAll<Asn & { reference: string | null }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).filter((a) => a.reference === 'ERP-TWO-WAYS');
    expect(asns.map((a) => a.lines.map((l) => l.expected))).toEqual([[3, 4]]);
    const closed = await receiveAndClose(asns[0]!.id, sku, [7]);
    expect(closed.lines.map((l) => [l.lineNo, l.received])).toEqual([[1, 3], [2, 4]]);
    const json = JSON.stringify({ asns: [
      { asnNumber: 'ERP-TWO-WAYS-J', siteId: 'ICCX', supplier: 'ERP Supplier', lines: [{ sku, quantity: 3 }] },
      { asnNumber: 'ERP-TWO-WAYS-J', siteId: w.siteId, supplier: 'ERP Supplier', lines: [{ sku, quantity: 4 }] },
    ] });
    const refused = await t.request('POST', '/api/v1/integrations/erp/inbound/asns', { body: json, role: 'integration', headers: { 'content-type': 'application/json' } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: '/asns/1/asnNumber', message: expect.stringMatching(/twice/) })]);
    expect((await t.getAll<{ reference: string | null }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).filter((a) => a.reference === 'ERP-TWO-WAYS-J')).toEqual([]);
    await conserved('ERP ASN naming its site two ways');
  });

  it('EDI 943: one W04 twice is two lines; the 944 reports each line\'s units, adding up to what was received', async () => {
    const sku = w.products[2]!.sku;
    const segments = ['W06*N*TWICE-1*20261203*SHIP-TWICE-1~', 'N1*SF*Depot Co~', `W04*5*EA**SK*${sku}~`, `W04*5*EA**SK*${sku}~`, 'W03*10~'];
    const raw = [
      '*ZZ*DEPOTICC       *ZZ*PAKLOG         *261201*0900*U*00401*000000777*0*T*>~',
    ].map((isa) => `ISA*00*          *00*          ${isa}`).concat([
      'GS*AR*DEPOTICC*PAKLOG*20261201*0900*777*X*004010~', 'ST*943*0001~', ...segments, `SE*${segments.length + 2}*0001~`, 'GE*1*777~', 'IEA*1*000000777~',
    ]).join('\n');
    const res = await ok(t.request('POST', '/api/v1/edi/x12', { body: raw, role: 'integration', headers: { 'content-type': 'text/plain' } }), 200);
    expect(res, JSON.stringify(res)).toMatchObject({ status: 'ACCEPTED' });
    const asnId = res.transactionSets[0].asnId as string;
    const closed = await receiveAndClose(asnId, sku, [7, 1]);
    expect(closed.lines.map((l) => [l.lineNo, l.received])).toEqual([[1, 5], [2, 3]]);
    const docs = (await t.get('/api/v1/edi/documents?docType=944', 'integration')).body.items as { id: string; references: string[] }[];
    const doc = docs.find((d) => d.references.includes(asnId))!;
    const body: string = (await t.get(`/api/v1/edi/documents/${doc.id}`, 'integration')).body.body;
    expect(segmentsOf(body, 'W07').map((s) => Number(s[0]))).toEqual([5, 3]);
    await conserved('EDI 943 with a W04 twice');
  });
});
