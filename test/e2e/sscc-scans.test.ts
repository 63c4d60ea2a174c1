import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A sealed package's shipping label carries its SSCC (GS1-128, AI 00), not its package id: an operator scanning the
 * printed label at the dock must name the carton LPN by it (ADR 0029 addendum 2026-12-06). Before the fix, a
 * LOAD_ONTO_PALLET or SHIP scan of `(00)…` answered 404 "No live LPN", only the `pkg_…` id (printed nowhere) worked.
 * A repacked package's label is void: its SSCC stops naming the carton; the new package's SSCC names the new one.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_GS1_COMPANY_PREFIX: '4012345', PAKLOG_SSCC_EXTENSION_DIGIT: '3' } });
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'SSCS', aisles: 2, bays: 3, levels: 1, skus: 2 });
  await receiveStock(call, w, 20, 1);
});
afterAll(async () => {
  await t.close();
});

interface Pkg { id: string; sscc: string; status: string }
type Lpn = { id: string; code: string; status: string; parentId: string | null; type: string; sscc: string | null; version: number };

const scan = (body: Record<string, unknown>) => t.post('/api/v1/scans', { siteId: w.siteId, ...body }, 'operator');
const lpnOf = async (packageId: string): Promise<Lpn> =>
  ((await t.get(`/api/v1/lpns?siteId=${w.siteId}&limit=200`)).body.items as Lpn[]).find((l) => l.code === packageId)!;

describe('scanning a shipping label by its SSCC', () => {
  it('pack, seal, label, then LOAD_ONTO_PALLET and SHIP by the printed SSCC barcode; a repacked package\'s SSCC no longer names its carton', async () => {
    const [a, b] = w.products;
    if (a === undefined || b === undefined) throw new Error('two products expected');
    const orderId = (await createOrder(call, w.siteId, { externalId: 'SSCC-1', lines: [{ sku: a.sku, quantity: 2 }, { sku: b.sku, quantity: 1 }] })).id;
    await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 5);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['sscc-picker'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
    await t.settle();

    const products = new Map((await t.getAll<{ sku: string; weightG: number }>('/api/v1/products')).map((p) => [p.sku, p]));
    const tares = new Map((await t.get('/api/v1/cartons')).body.items.map((x: { code: string; tareG: number }) => [x.code, x.tareG]));
    /** The pack station: a carton, the units scanned by GTIN, weighed, sealed (its SSCC given). */
    const packAtStation = async (sku: string, gtin: string, quantity: number): Promise<Pkg> => {
      const opened = await t.post('/api/v1/pack-station/packages', { orderId }, 'operator');
      expect(opened.status).toBe(201);
      for (let i = 0; i < quantity; i++) expect((await t.post(`/api/v1/packages/${opened.body.id}/scans`, { barcode: gtin }, 'operator')).status).toBe(200);
      const weightG = quantity * products.get(sku)!.weightG + (tares.get(opened.body.cartonCode) as number);
      expect((await t.post(`/api/v1/packages/${opened.body.id}/weight`, { weightG }, 'operator')).status).toBe(200);
      const sealed = await t.post(`/api/v1/packages/${opened.body.id}/seal`, undefined, 'operator');
      expect(sealed.body).toMatchObject({ status: 'PACKED', sscc: expect.stringMatching(/^34012345\d{10}$/) });
      return sealed.body as Pkg;
    };
    const one = await packAtStation(a.sku, a.gtin, 2);
    const voided = await packAtStation(b.sku, b.gtin, 1);
    await t.settle();

    // The repacked package's label is void: its SSCC names no carton any more (the carton keeps its units until packed again).
    expect((await t.post(`/api/v1/packages/${voided.id}/repack`, {}, 'operator')).status).toBe(200);
    await t.settle();
    const stale = await scan({ barcode: `(00)${voided.sscc}`, meaning: 'STAGE' });
    expect(stale).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    // Its units packed again: a new package, a new SSCC, which names the new carton.
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    await until('packed', () => orderStatus(call, orderId), (s) => s === 'PACKED');
    const live = ((await t.get(`/api/v1/packages?orderId=${orderId}`)).body.items as Pkg[]).filter((p) => p.status === 'PACKED');
    const two = live.find((p) => p.id !== one.id)!;
    expect(two.sscc).not.toBe(voided.sscc);

    // Labelled: the label printed carries each package's SSCC as its GS1-128 barcode (AI 00), not the package id.
    expect((await t.post('/api/v1/shipments', { orderId })).status).toBe(201);
    await t.settle();
    const labels = await Promise.all([one, two].map(async (p) => {
      const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/packages/${p.id}/label?format=zpl`, headers: { 'x-api-key': t.keys.operator } });
      return res.payload;
    }));
    for (const [i, p] of [one, two].entries()) {
      expect(labels[i]).toContain(`>;>800${p.sscc}`);
      expect(labels[i]).not.toContain(p.id);
    }
    expect((await scan({ barcode: `(00)${voided.sscc}`, meaning: 'STAGE' })).status).toBe(404);

    // Loaded onto a pallet by the label's SSCC, as a reader hands it over: with the AI in parentheses, then raw.
    const pallet = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'SSCC-PAL-1' });
    expect(pallet.status).toBe(201);
    const loadOne = await scan({ barcode: `(00)${one.sscc}`, meaning: 'LOAD_ONTO_PALLET', into: pallet.body.id });
    expect(loadOne.status).toBe(201);
    expect(loadOne.body.lpn).toMatchObject({ code: one.id, type: 'CARTON', parentId: pallet.body.id });
    const loadTwo = await scan({ barcode: two.sscc, meaning: 'LOAD_ONTO_PALLET', into: pallet.body.id });
    expect(loadTwo.status).toBe(201);
    expect(loadTwo.body.lpn).toMatchObject({ code: two.id, type: 'CARTON', parentId: pallet.body.id });

    // The LPN views show a carton's SSCC, its second code (18 digits), by id and in the list; none for the pallet, nor for
    // the carton of the repacked package (its label is void).
    expect(loadOne.body.lpn.sscc).toBe(one.sscc);
    const byId = await t.get(`/api/v1/lpns/${loadOne.body.lpn.id}`, 'viewer');
    expect(byId.body).toMatchObject({ code: one.id, sscc: one.sscc });
    expect(byId.body.sscc).toMatch(/^\d{18}$/);
    expect(await lpnOf(two.id)).toMatchObject({ sscc: two.sscc });
    expect((await lpnOf(voided.id)).sscc).toBeNull();
    expect(pallet.body.sscc).toBeNull();

    // Shipped by the SSCC (AI and 18 digits, no parentheses): the carton ships; the pallet ships with its last carton.
    const shipOne = await scan({ barcode: `00${one.sscc}`, meaning: 'SHIP' });
    expect(shipOne.status).toBe(201);
    expect(shipOne.body.lpn).toMatchObject({ code: one.id, status: 'SHIPPED' });
    expect((await t.get(`/api/v1/lpns/${pallet.body.id}`)).body.status).not.toBe('SHIPPED');
    const shipTwo = await scan({ barcode: `(00)${two.sscc}`, meaning: 'SHIP' });
    expect(shipTwo.status).toBe(201);
    expect(await lpnOf(two.id)).toMatchObject({ status: 'SHIPPED' });
    expect((await t.get(`/api/v1/lpns/${pallet.body.id}`)).body.status).toBe('SHIPPED');
    // The label of a carton that left is said so, not 404.
    expect(await scan({ barcode: `(00)${one.sscc}`, meaning: 'SHIP' })).toMatchObject({ status: 409, body: { code: 'LPN_SHIPPED' } });
  }, 120_000);

  it('a carton sealed before package.packed carried the SSCC is given it by the carton-ssccs job, and then scans by it', async () => {
    const [a] = w.products;
    if (a === undefined) throw new Error('a product expected');
    const orderId = (await createOrder(call, w.siteId, { externalId: 'SSCC-OLD', lines: [{ sku: a.sku, quantity: 1 }] })).id;
    await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 5);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['sscc-picker-2'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
    await t.settle();
    const packed = await t.post('/api/v1/packages', { orderId });
    expect(packed.status).toBe(201);
    const pkg = packed.body as Pkg;
    expect(pkg.sscc).toMatch(/^\d{18}$/);
    await t.settle();
    // As migration 011 finds a carton sealed before migration 010: no SSCC on the carton, listed for the job.
    await t.app.db.query('UPDATE physical_tracking.lpns SET sscc = NULL WHERE code = $1', [pkg.id]);
    const carton = await lpnOf(pkg.id);
    await t.app.db.query('INSERT INTO physical_tracking.carton_sscc_backfill (lpn_id) VALUES ($1)', [carton.id]);
    // Its printed label named nothing: only the pkg_ id, printed nowhere, did.
    expect(await scan({ barcode: `(00)${pkg.sscc}`, meaning: 'STAGE' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });

    const job = t.app.modules.find((m) => m.name === 'physical-tracking')!.jobs!.find((j) => j.name === 'physical-tracking.carton-ssccs')!;
    await job.run();
    expect(await lpnOf(pkg.id)).toMatchObject({ sscc: pkg.sscc, version: carton.version + 1 });
    const listed = await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM physical_tracking.carton_sscc_backfill');
    expect(listed[0]!.n).toBe(0);
    const staged = await scan({ barcode: `(00)${pkg.sscc}`, meaning: 'STAGE' });
    expect(staged.status, JSON.stringify(staged.body)).toBe(201);
    expect(staged.body.lpn).toMatchObject({ id: carton.id, code: pkg.id, sscc: pkg.sscc });
    // Nothing left: the job asks pack & ship nothing more.
    await job.run();
  }, 120_000);
});
