import { describe, expect, it } from 'vitest';
import type { Location } from '../../../contracts/location-master.ts';
import { generateLayout, layoutParameters } from '../domain/layout-generator.ts';
import { checkSlottingSkus, recommendSlotting, validateSlottingRequest, type SkuDemand, type SlottingRequest } from './recommend-slotting.ts';

/** A generated layout as stored: 4 aisles × 10 bays × 1 level, aisle pitch 3 m, bays 1.2 m, cross aisle 3 m, depot at (3, 0). */
function site(): { faces: Location[]; depot: Location } {
  const p = layoutParameters({ aisles: 4, bays: 10, levels: 1 });
  if (!p.ok) throw new Error(p.message);
  const all = generateLayout('T', p.value).map((l, i): Location => ({ id: `loc_${i}`, siteId: 'sit_1', status: 'ACTIVE', ...l }));
  const faces = all.filter((l) => l.type === 'PICK_FACE').sort((a, b) => (a.pickSequence ?? 0) - (b.pickSequence ?? 0));
  const depot = all.find((l) => l.type === 'DEPOT');
  if (depot === undefined) throw new Error('no depot');
  return { faces, depot };
}
const loc = (code: string, x: number, y: number, over: Partial<Location> = {}): Location => ({
  id: `id_${code}`, siteId: 's', code, type: 'PICK_FACE', zone: null, aisle: null, bay: null, level: null, x, y, z: 0, pickSequence: null, status: 'ACTIVE', ...over,
});
const skewed = (n: number): SkuDemand[] => Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, picks: Math.round(1000 / (i + 1)) }));
const request = (over: Partial<SlottingRequest> = {}): SlottingRequest => ({ method: 'turnover', skus: skewed(20), ...over });
const value = <T>(o: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!o.ok) throw new Error(o.message);
  return o.value;
};

describe('recommendSlotting', () => {
  it('turnover: distinct locations, popular SKUs nearest, real walking metres from the depot, a saving against random', () => {
    const { faces, depot } = site();
    const r = value(recommendSlotting(request(), faces, depot));
    expect(r.method).toBe('turnover');
    expect(r.assignments.map((a) => a.sku)).toEqual(skewed(20).map((s) => s.sku));
    expect(new Set(r.assignments.map((a) => a.locationId)).size).toBe(20);
    // Depot (3, 0); bay 1 of aisle 1 at (3, 3.6): 3.6 m straight up the aisle.
    expect(r.assignments[0]).toEqual({ sku: 'SKU-0', locationId: expect.any(String) as unknown, locationCode: 'T-A-01-01-1', distanceFromDepot: 3.6 });
    const d = r.assignments.map((a) => a.distanceFromDepot);
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1]!);
    // Every location's distance is |x − 3| + y; the baseline is their mean.
    const mean = faces.reduce((s, l) => s + Math.abs(l.x - 3) + l.y, 0) / faces.length;
    expect(r.randomBaselineTravelPerPick).toBeCloseTo(mean, 3);
    const picks = skewed(20).map((s) => s.picks);
    const expected = picks.reduce((s, p, i) => s + p * d[i]!, 0) / picks.reduce((a, b) => a + b, 0);
    expect(r.expectedTravelPerPick).toBeCloseTo(expected, 2);
    expect(r.savingVsRandom).toBeCloseTo(1 - r.expectedTravelPerPick / r.randomBaselineTravelPerPick, 3);
    expect(r.savingVsRandom).toBeGreaterThan(0.3);
  });

  it('abc, coi and correlated assign every SKU to a distinct location too', () => {
    const { faces, depot } = site();
    const skus = skewed(30).map((s, i) => ({ ...s, cubeMm3: 1000 * (i + 1) }));
    for (const method of ['abc', 'coi', 'correlated'] as const) {
      const r = value(recommendSlotting({ method, skus, orders: [['SKU-0', 'SKU-29'], ['SKU-0', 'SKU-29', 'NOT-SLOTTED']] }, faces, depot));
      expect(new Set(r.assignments.map((a) => a.locationCode)).size).toBe(30);
      expect(r.savingVsRandom).toBeGreaterThan(0);
    }
  });

  it('coi puts a small, often picked SKU ahead of a bulky one with more picks', () => {
    const { faces, depot } = site();
    const r = value(recommendSlotting({ method: 'coi', skus: [{ sku: 'BULKY', picks: 100, cubeMm3: 1_000_000 }, { sku: 'SMALL', picks: 50, cubeMm3: 1000 }] }, faces, depot));
    expect(r.assignments.find((a) => a.sku === 'SMALL')!.locationCode).toBe('T-A-01-01-1');
  });

  it('weighs every SKU equally when no SKU has picks, and saves nothing when everything is slotted', () => {
    const { faces, depot } = site();
    const all = faces.map((_, i) => ({ sku: `S${i}`, picks: 0 }));
    const r = value(recommendSlotting(request({ skus: all }), faces, depot));
    expect(r.expectedTravelPerPick).toBeCloseTo(r.randomBaselineTravelPerPick, 2);
    expect(Math.abs(r.savingVsRandom)).toBeLessThan(0.001);
  });

  it('measures from the head of the first aisle when the site has no depot location', () => {
    const { faces } = site();
    const r = value(recommendSlotting(request({ skus: [{ sku: 'A', picks: 1 }] }), faces, undefined));
    expect(r.assignments[0]).toMatchObject({ locationCode: 'T-A-01-01-1', distanceFromDepot: 0 });
  });

  it('falls back to x coordinates when aisle labels collide (same aisle number in two zones on one centre line)', () => {
    const ls = [
      loc('A1', 3, 4, { zone: 'A', aisle: 1 }), loc('A2', 3, 6, { zone: 'A', aisle: 1 }),
      loc('B1', 3, 20, { zone: 'B', aisle: 1 }), loc('B2', 3, 22, { zone: 'B', aisle: 1 }),
    ];
    const r = value(recommendSlotting(request({ skus: [{ sku: 'X', picks: 1 }, { sku: 'Y', picks: 9 }] }), ls, loc('D', 3, 0, { type: 'DEPOT' })));
    expect(r.assignments).toEqual([
      expect.objectContaining({ sku: 'X', locationCode: 'A2' }),
      expect.objectContaining({ sku: 'Y', locationCode: 'A1', distanceFromDepot: 4 }),
    ]);
  });

  it('is 422 on /skus with more SKUs than locations, on /locationTypes without candidates or with an unfittable layout', () => {
    const { faces, depot } = site();
    const tooMany = recommendSlotting(request({ skus: skewed(41) }), faces, depot);
    expect(tooMany).toMatchObject({ ok: false, code: 'UNPROCESSABLE', errors: [{ field: '/skus' }] });
    expect(recommendSlotting(request(), [], depot)).toMatchObject({ ok: false, code: 'UNPROCESSABLE', errors: [{ field: '/locationTypes' }] });
    const uneven = [loc('P', 0, 5), loc('Q', 10, 5), loc('R', 10.6, 5)];
    expect(recommendSlotting(request({ skus: [{ sku: 'A', picks: 1 }] }), uneven, undefined)).toMatchObject({ ok: false, code: 'UNPROCESSABLE', errors: [{ field: '/locationTypes' }] });
  });
});

describe('validateSlottingRequest', () => {
  it('names repeated SKUs, bad picks and cubes, and a missing cube for coi', () => {
    const errors = validateSlottingRequest({
      method: 'coi',
      skus: [{ sku: 'A', picks: 1, cubeMm3: 10 }, { sku: 'B', picks: -1, cubeMm3: 0.5 }, { sku: 'A', picks: 2.5 }],
    });
    expect(errors.map((e) => e.field)).toEqual(['/skus/1/picks', '/skus/1/cubeMm3', '/skus/2/sku', '/skus/2/picks', '/skus/2/cubeMm3']);
    expect(errors[2]!.message).toContain('/skus/0/sku');
  });

  it('needs 1..20000 SKUs and no cube outside coi', () => {
    expect(validateSlottingRequest({ method: 'turnover', skus: [] })).toEqual([{ field: '/skus', message: expect.any(String) as unknown }]);
    expect(validateSlottingRequest({ method: 'turnover', skus: [{ sku: 'A', picks: 0 }] })).toEqual([]);
  });
});

describe('checkSlottingSkus', () => {
  it('refuses the SKUs the catalog does not know, each by its index; known ones pass', () => {
    const request = { skus: [{ sku: 'MUG', picks: 1 }, { sku: 'GHOST', picks: 2 }] };
    expect(checkSlottingSkus(request, new Set(['MUG']))).toMatchObject({
      ok: false, code: 'UNKNOWN_SKU', message: 'Unknown SKU GHOST', errors: [{ field: '/skus/1/sku', message: 'GHOST is not in the catalog' }],
    });
    expect(checkSlottingSkus(request, new Set(['MUG', 'GHOST']))).toEqual({ ok: true, value: true });
  });
});
