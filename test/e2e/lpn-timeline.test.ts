import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';

/**
 * Issue 12, acceptance (a): an ASN pallet received whole in one scan, put away by scan, picked into a tote, packed
 * into two cartons, the cartons loaded onto an outbound pallet and shipped — the received LPN's timeline holds every
 * scan, in order, and physical tracking agrees with inventory at the end.
 */
const SSCC = '106141411234567897';
let t: TestApp;
let manager: Call;
let operator: Call;

beforeAll(async () => {
  t = await startTestApp();
  manager = injectClient(t.app, t.keys.manager);
  operator = injectClient(t.app, t.keys.operator);
});
afterAll(async () => {
  await t.close();
});

interface Scan { id: string; at: string; meaning: string; lpnId: string | null; relatedLpnId: string | null; workerId: string | null; locationId: string | null; barcode: string }

describe("an LPN's timeline from ASN receipt to shipment", () => {
  it('holds every scan in order: receive, putaway, pick into a tote, pack into cartons, load onto a pallet, ship', async () => {
    const w = await setupWarehouse(manager, { siteCode: 'LPN', aisles: 1, bays: 3, levels: 1, skus: 1 });
    const sku = w.products[0]!.sku;
    const dock = (await manager('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0] as { id: string; code: string };
    const storage = w.storage[0]!;
    const outbound = w.storage[2]!;

    // The supplier's ASN announces a pallet of 12 under its SSCC (printed with the AI).
    const asn = await manager('asn', 'POST', '/api/v1/inventory/asns', { siteId: 'LPN', supplier: 'Stoneware Ltd', lines: [{ sku, quantity: 12, expectedLpn: `(00)${SSCC}` }] });
    expect(asn.status).toBe(201);
    await t.settle();

    // One scan of the pallet label at the dock receives it whole; inventory books the receipt.
    const received = await operator('receive lpn', 'POST', '/api/v1/scans', { siteId: 'LPN', barcode: SSCC, meaning: 'RECEIVE_LPN', locationId: dock.id, workerId: 'receiver-1', deviceId: 'HH-1' });
    expect(received.status).toBe(201);
    expect(received.body.lpn).toMatchObject({ code: SSCC, codeKind: 'SSCC', type: 'PALLET', status: 'OPEN', locationId: dock.id, units: 12, asnId: asn.body.id });
    const lpnId: string = received.body.lpn.id;
    const again = await operator('receive twice', 'POST', '/api/v1/scans', { siteId: 'LPN', barcode: SSCC, meaning: 'RECEIVE_LPN', locationId: dock.id });
    expect([again.status, again.body.code]).toEqual([409, 'LPN_CODE_TAKEN']);
    const receipt = await operator('inventory receipt', 'POST', `/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 12, locationCode: dock.code });
    expect(receipt.status).toBe(201);
    await t.settle();

    // Putaway by scanning the storage location: the pallet goes with it.
    const put = await operator('putaway', 'POST', `/api/v1/inventory/putaways/${receipt.body.putaway.id}/confirm`, { locationCode: storage.code, workerId: 'stocker-1' });
    expect(put.body.status).toBe('COMPLETED');
    await t.settle();
    expect((await manager('lpn', 'GET', `/api/v1/lpns/${lpnId}`)).body).toMatchObject({ locationId: storage.id, units: 12 });

    // An order of 4, waved and picked from the pallet into the picker's tote.
    const order = await createOrder(manager, w.siteId, { externalId: 'LPN-1', lines: [{ sku, quantity: 4 }] });
    await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = await manager('wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect((await manager('release', 'POST', `/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
    await t.settle();
    await workTasks(operator, w.siteId, ['picker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(manager, order.id), (s) => s === 'PICKED');
    await t.settle();
    const tote = (await manager('tote', 'GET', `/api/v1/lpns?siteId=LPN&status=OPEN`)).body.items.find((l: { code: string }) => l.code === 'TOTE-picker-1');
    expect(tote).toMatchObject({ type: 'TOTE', units: 4, contents: [expect.objectContaining({ sku, quantity: 4, orderId: order.id })] });
    expect((await manager('lpn', 'GET', `/api/v1/lpns/${lpnId}`)).body.units).toBe(8);

    // The tote is packed into two cartons of two.
    const lineId: string = (await manager('order', 'GET', `/api/v1/orders/${order.id}`)).body.lines[0].id;
    const cartons: string[] = [];
    for (let i = 0; i < 2; i++) {
      const pkg = await operator('pack', 'POST', '/api/v1/packages', { orderId: order.id, units: [{ lineId, quantity: 2 }] });
      expect(pkg.status).toBe(201);
      cartons.push(pkg.body.id);
    }
    await t.settle();
    expect((await manager('tote', 'GET', `/api/v1/lpns/${tote.id}`)).body).toMatchObject({ status: 'CONSUMED', units: 0 });

    // An outbound pallet at the dock; both cartons loaded onto it by scan.
    const pallet = await operator('build pallet', 'POST', '/api/v1/lpns', { siteId: 'LPN', type: 'PALLET', code: 'OUT-PAL-1', locationId: outbound.id, workerId: 'loader-1' });
    expect(pallet.status).toBe(201);
    for (const c of cartons) {
      const load = await operator('load', 'POST', '/api/v1/scans', { siteId: 'LPN', barcode: c, meaning: 'LOAD_ONTO_PALLET', into: 'OUT-PAL-1', workerId: 'loader-1', deviceId: 'HH-2' });
      expect(load.status).toBe(201);
      expect(load.body.lpn).toMatchObject({ type: 'CARTON', parentId: pallet.body.id, locationId: outbound.id, units: 2 });
    }
    expect((await manager('pallet', 'GET', `/api/v1/lpns/${pallet.body.id}`)).body.childIds).toHaveLength(2);

    // Shipped: the cartons, and the pallet with its last carton.
    const shipment = await operator('ship', 'POST', '/api/v1/shipments', { orderId: order.id });
    expect((await operator('dispatch', 'POST', `/api/v1/shipments/${shipment.body.id}/dispatch`)).status).toBe(200);
    await until('shipped', () => orderStatus(manager, order.id), (s) => s === 'SHIPPED');
    await t.settle();
    expect((await manager('pallet', 'GET', `/api/v1/lpns/${pallet.body.id}`)).body).toMatchObject({ status: 'SHIPPED', locationId: null });

    // The received pallet's timeline, read three scans a page.
    const timeline: Scan[] = [];
    let pages = 0;
    for (let cursor: string | null = null; pages === 0 || cursor !== null; pages++) {
      const page: { items: Scan[]; nextCursor: string | null } = (await manager('timeline', 'GET',
        `/api/v1/lpns/${lpnId}/timeline?limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)).body;
      timeline.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(pages).toBe(4);
    expect(timeline.map((s) => s.meaning)).toEqual([
      'RECEIVE_LPN', 'PUTAWAY_TARGET', 'PICK_INTO_TOTE', 'PACK_INTO_CARTON', 'PACK_INTO_CARTON', 'LOAD_ONTO_PALLET', 'LOAD_ONTO_PALLET', 'SHIP', 'SHIP', 'SHIP',
    ]);
    expect(timeline.map((s) => s.at)).toEqual([...timeline.map((s) => s.at)].sort());
    expect(timeline[0]).toMatchObject({ lpnId, barcode: SSCC, workerId: 'receiver-1', locationId: dock.id });
    // The pick into the tote names its picker, the worker whose task held the list (a key names none; it said nobody).
    expect(timeline[2]).toMatchObject({ meaning: 'PICK_INTO_TOTE', workerId: 'picker-1' });
    expect(timeline[1]).toMatchObject({ lpnId, workerId: 'stocker-1', locationId: storage.id });
    expect(timeline[2]).toMatchObject({ lpnId: tote.id, relatedLpnId: lpnId, barcode: 'TOTE-picker-1', locationId: storage.id });
    expect(new Set(timeline.slice(3, 5).map((s) => s.lpnId)).size).toBe(2);
    expect(timeline.slice(3, 5).map((s) => s.relatedLpnId)).toEqual([tote.id, tote.id]);
    expect(timeline.slice(3, 5).map((s) => s.barcode).sort()).toEqual([...cartons].sort());
    expect(timeline.slice(5, 7).map((s) => [s.barcode, s.relatedLpnId, s.workerId])).toEqual(cartons.map((c) => [c, pallet.body.id, 'loader-1']));
    expect(timeline.slice(7).map((s) => s.lpnId)).toContain(pallet.body.id);

    // Every scan was published; per location and per worker timelines.
    const published = await t.getAll<{ data: { scanId: string } }>('/api/v1/events?type=physical-tracking.scan.recorded.v1');
    const all = await t.getAll<Scan>('/api/v1/scans?siteId=LPN');
    expect(published.map((e) => e.data.scanId).sort()).toEqual(all.map((s) => s.id).sort());
    expect(all.map((s) => s.id)).toEqual(expect.arrayContaining(timeline.map((s) => s.id)));
    const atStorage = await t.getAll<Scan>(`/api/v1/scans?siteId=LPN&location=${storage.id}`);
    expect(atStorage.map((s) => s.meaning)).toEqual(['PUTAWAY_TARGET', 'PICK_INTO_TOTE']);
    const loader = await t.getAll<Scan>('/api/v1/scans?siteId=LPN&worker=loader-1');
    expect(loader.map((s) => s.meaning)).toEqual(['BUILD', 'LOAD_ONTO_PALLET', 'LOAD_ONTO_PALLET']);

    // Physical and logical agree: 8 on the pallet in storage, nothing left at the dock or in process.
    // Location tracking heard every scan: the worker who put the pallet away stands where they scanned last, the
    // receiver at the dock (positions are written once each scan's delivery committed: wait for them).
    const whereIs = async (worker: string): Promise<string | undefined> => {
      for (let i = 0; i < 100; i++) {
        const res = await t.get<{ locationId: string | null }>(`/api/v1/where-is/worker/${worker}`);
        if (res.status === 200) return res.body.locationId ?? undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    };
    expect([await whereIs('stocker-1'), await whereIs('receiver-1')]).toEqual([storage.id, dock.id]);

    const rec = await manager('reconcile', 'GET', '/api/v1/physical-tracking/reconciliation?siteId=LPN');
    expect(rec.body).toMatchObject({ siteId: w.siteId, differences: [] });
    expect(rec.body.locations).toBeGreaterThanOrEqual(3);
  });
});
