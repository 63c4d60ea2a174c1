import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let siteId: string;
beforeAll(async () => {
  t = await startTestApp();
  const site = await t.post('/api/v1/sites', { code: 'SLOT', name: 'Slotting site' });
  expect(site.status).toBe(201);
  siteId = site.body.id as string;
  // 6 aisles × 10 bays × 2 levels: 60 pick faces (level 1) and 60 reserve locations, a depot at the head of aisle 1.
  expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 6, bays: 10, levels: 2 })).status).toBe(201);
  // The SKUs recommended for are the catalog's (an unknown one is 422 UNKNOWN_SKU).
  const names = ['A', 'B', ...Array.from({ length: 30 }, (_, i) => `SKU-${String(i).padStart(2, '0')}`), ...Array.from({ length: 61 }, (_, i) => `M${i}`)];
  for (const sku of names) {
    const res = await t.post('/api/v1/products', { sku, description: `slotted ${sku}`, lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 500 });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

const count = async (sql: string): Promise<number> => (await t.app.db.query<{ n: number }>(sql))[0]!.n;
const writes = async (): Promise<number> =>
  (await count('SELECT count(*) AS n FROM location_master.locations')) + (await count('SELECT count(*) AS n FROM platform.events'));
const url = () => `/api/v1/sites/${siteId}/slotting-recommendations`;
// Zipf-like demand: SKU-00 is picked 1200 times, SKU-29 40 times; listed least-picked first so the order is not a hint.
const skus = Array.from({ length: 30 }, (_, i) => ({ sku: `SKU-${String(i).padStart(2, '0')}`, picks: Math.round(1200 / (i + 1)) })).reverse();
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

interface Assignment { sku: string; locationId: string; locationCode: string; distanceFromDepot: number }

describe('slotting recommendations', () => {
  it('turnover (the default) gives every SKU its own pick face, popular SKUs nearer the depot, and saves against random; nothing is written', async () => {
    const before = await writes();
    const res = await t.post(url(), { skus }, 'manager');
    expect(res.status).toBe(200);
    expect(res.body.method).toBe('turnover');
    const assignments = res.body.assignments as Assignment[];
    expect(assignments.map((a) => a.sku)).toEqual(skus.map((s) => s.sku));
    expect(new Set(assignments.map((a) => a.locationId)).size).toBe(30);
    for (const a of assignments) expect(a.locationCode).toMatch(/^SLOT-A-\d{2}-\d{2}-1$/);

    const bySku = new Map(assignments.map((a) => [a.sku, a]));
    expect(bySku.get('SKU-00')!.distanceFromDepot).toBeLessThanOrEqual(bySku.get('SKU-29')!.distanceFromDepot);
    // Depot at (3, 0), aisle 1 bay 1 at (3, 3.6): the most-picked SKU walks 3.6 m.
    expect(bySku.get('SKU-00')).toMatchObject({ locationCode: 'SLOT-A-01-01-1', distanceFromDepot: 3.6 });
    const located = await t.get(`/api/v1/locations/${bySku.get('SKU-00')!.locationId}`, 'viewer');
    expect(located.body).toMatchObject({ code: 'SLOT-A-01-01-1', type: 'PICK_FACE', status: 'ACTIVE' });

    expect(res.body.savingVsRandom).toBeGreaterThan(0);
    expect(res.body.expectedTravelPerPick).toBeLessThan(res.body.randomBaselineTravelPerPick);
    expect(res.body.savingVsRandom).toBeCloseTo(1 - res.body.expectedTravelPerPick / res.body.randomBaselineTravelPerPick, 3);
    await t.settle();
    expect(await writes()).toBe(before);
  });

  it('offers abc, coi and correlated, and candidates of other types', async () => {
    const withCube = skus.map((s, i) => ({ ...s, cubeMm3: 1000 * (i + 1) }));
    for (const method of ['abc', 'coi', 'correlated']) {
      const res = await t.post(url(), { method, skus: withCube, orders: [['SKU-00', 'SKU-17'], ['SKU-17', 'SKU-00', 'OTHER']] });
      expect(res.status).toBe(200);
      expect(res.body.method).toBe(method);
      expect(new Set((res.body.assignments as Assignment[]).map((a) => a.locationId)).size).toBe(30);
    }
    const reserve = await t.post(url(), { skus: skus.slice(0, 5), locationTypes: ['RESERVE'] });
    expect(reserve.status).toBe(200);
    for (const a of reserve.body.assignments as Assignment[]) expect(a.locationCode).toMatch(/-2$/);
  });

  it('skips locations that are not ACTIVE', async () => {
    const nearest = await t.app.db.query<{ id: string }>(`SELECT id FROM location_master.locations WHERE site_id = $1 AND code = 'SLOT-A-01-01-2'`, [siteId]);
    expect((await t.post(`/api/v1/locations/${nearest[0]!.id}/block`, { reason: 'damaged beam' })).status).toBe(200);
    const res = await t.post(url(), { skus: [{ sku: 'A', picks: 5 }], locationTypes: ['RESERVE'] });
    expect(res.status).toBe(200);
    expect(res.body.assignments[0].locationCode).toBe('SLOT-A-01-02-2');
  });

  it('answers 422 naming /skus when there are more SKUs than locations, and 422 when no location qualifies', async () => {
    const many = Array.from({ length: 61 }, (_, i) => ({ sku: `M${i}`, picks: 1 }));
    const tooMany = await t.post(url(), { skus: many });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.code).toBe('UNPROCESSABLE');
    expect(fields(tooMany.body)).toEqual(['/skus']);
    const none = await t.post(url(), { skus, locationTypes: ['QUARANTINE'] });
    expect(none.status).toBe(422);
    expect(fields(none.body)).toEqual(['/locationTypes']);
  });

  it('answers a SKU the catalog does not know with 422 UNKNOWN_SKU naming it, and writes nothing (found by the black-box hunt)', async () => {
    const before = await writes();
    const res = await t.post(url(), { skus: [{ sku: 'A', picks: 5 }, { sku: 'NOT-IN-CATALOG', picks: 3 }] }, 'manager');
    expect([res.status, res.body.code, res.body.errors]).toEqual([422, 'UNKNOWN_SKU', [{ field: '/skus/1/sku', message: 'NOT-IN-CATALOG is not in the catalog' }]]);
    expect(res.body.detail ?? res.body.message).toContain('NOT-IN-CATALOG');
    expect(await writes()).toBe(before);
  });

  it('answers bad input with 400/422 naming the fields', async () => {
    const dup = await t.post(url(), { skus: [{ sku: 'A', picks: 1 }, { sku: 'B', picks: 2 }, { sku: 'A', picks: 3 }] });
    expect(dup.status).toBe(422);
    expect(fields(dup.body)).toEqual(['/skus/2/sku']);
    const coi = await t.post(url(), { method: 'coi', skus: [{ sku: 'A', picks: 1 }] });
    expect(coi.status).toBe(422);
    expect(fields(coi.body)).toEqual(['/skus/0/cubeMm3']);
    const bad = await t.post(url(), { method: 'random', skus: [{ sku: 'A', picks: -1, extra: true }, { sku: '', picks: 1.5 }], locationTypes: ['NOPE'] });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(expect.arrayContaining(['/method', '/skus/0/picks', '/skus/0/extra', '/skus/1/sku', '/skus/1/picks', '/locationTypes/0']));
    const empty = await t.post(url(), { skus: [] });
    expect(empty.status).toBe(400);
    expect(fields(empty.body)).toEqual(['/skus']);
  });

  it('is 404 for an unknown site, 401 without a key and 403 for operator and viewer', async () => {
    const unknown = await t.post('/api/v1/sites/sit_nope/slotting-recommendations', { skus });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    expect((await t.post(url(), { skus }, null)).status).toBe(401);
    expect((await t.post(url(), { skus }, 'operator')).status).toBe(403);
    expect((await t.post(url(), { skus }, 'viewer')).status).toBe(403);
    expect((await t.post(url(), { skus }, 'admin')).status).toBe(200);
  });
});
