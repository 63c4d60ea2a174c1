import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitsInOneCarton, pack, verifyPacking } from './index.ts';
import type { PackOptions } from './index.ts';
import type { Carton, CartonItem, PackResult } from './index.ts';

const catalogue: Carton[] = [
  { id: 'S', length: 200, width: 150, height: 100, maxWeight: 5000, cost: 0.4 },
  { id: 'M', length: 300, width: 200, height: 150, maxWeight: 10000, cost: 0.6 },
  { id: 'L', length: 400, width: 300, height: 250, maxWeight: 20000, cost: 1.0 },
];

function okOf(r: PackResult): Extract<PackResult, { ok: true }> {
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r;
}

describe('pack', () => {
  it('chooses the cheapest carton that holds the order', () => {
    const items: CartonItem[] = [{ id: 'phone', length: 160, width: 90, height: 60, weight: 300, quantity: 2 }];
    const r = okOf(pack({ cartons: catalogue, items }));
    expect(r.packages.map((p) => p.cartonId)).toEqual(['S']);
    expect(r.cost).toBe(0.4);
    expect(verifyPacking({ cartons: catalogue, items }, r.packages)).toEqual({ ok: true });
  });

  it('rotates items to fit and keeps upright items upright', () => {
    // 180 mm long only fits S lying down; the upright bottle (height 180) cannot lie down, so it needs L (the only carton over 180 mm tall).
    const lying = okOf(pack({ cartons: catalogue, items: [{ id: 'tube', length: 90, width: 90, height: 180, weight: 100 }] }));
    expect(lying.packages[0]!.cartonId).toBe('S');
    const bottle: CartonItem[] = [{ id: 'bottle', length: 90, width: 90, height: 180, weight: 100, upright: true }];
    const upright = okOf(pack({ cartons: catalogue, items: bottle }));
    expect(upright.packages[0]!.cartonId).toBe('L');
    expect(upright.packages[0]!.placements[0]!.height).toBe(180);
  });

  it('splits an order over several cartons when none holds it all', () => {
    const items: CartonItem[] = [{ id: 'crate', length: 390, width: 290, height: 200, weight: 8000, quantity: 3 }];
    const r = okOf(pack({ cartons: catalogue, items }));
    expect(r.packages).toHaveLength(3);
    expect(r.cost).toBeCloseTo(3);
    expect(verifyPacking({ cartons: catalogue, items }, r.packages)).toEqual({ ok: true });
  });

  it('respects carton weight limits', () => {
    const items: CartonItem[] = [{ id: 'dumbbell', length: 100, width: 60, height: 60, weight: 4000, quantity: 2 }];
    const r = okOf(pack({ cartons: catalogue, items }));
    expect(r.packages.map((p) => p.cartonId)).toEqual(['M']);
  });

  it('includes billable (dimensional) weight in the cost when a divisor is given', () => {
    const items: CartonItem[] = [{ id: 'pillow', length: 380, width: 280, height: 200, weight: 500 }];
    const r = okOf(pack({ cartons: catalogue, items, dimDivisor: 5000 }));
    // L: 400·300·250 mm³ = 30 000 cm³ → 6 kg dimensional > 0.5 kg actual; cost = 1.0 + 6.
    expect(r.packages[0]!.billableWeightKg).toBeCloseTo(6);
    expect(r.cost).toBeCloseTo(7);
    const heavy = okOf(pack({ cartons: catalogue, items: [{ ...items[0]!, weight: 9000 }], dimDivisor: 5000, ratePerKg: 2 }));
    expect(heavy.cost).toBeCloseTo(1 + 2 * 9);
  });

  it('prefers a smaller carton when dimensional weight makes the big one dearer', () => {
    const cartons: Carton[] = [
      { id: 'big-cheap', length: 600, width: 400, height: 400, maxWeight: 30000, cost: 0.1 },
      { id: 'small-dear', length: 200, width: 150, height: 100, maxWeight: 30000, cost: 1.0 },
    ];
    const items: CartonItem[] = [{ id: 'book', length: 190, width: 140, height: 30, weight: 400 }];
    expect(okOf(pack({ cartons, items })).packages[0]!.cartonId).toBe('big-cheap');
    expect(okOf(pack({ cartons, items, dimDivisor: 5000 })).packages[0]!.cartonId).toBe('small-dear');
  });

  it('fails with a typed error naming the item that fits no carton', () => {
    const r = pack({ cartons: catalogue, items: [{ id: 'ok', length: 10, width: 10, height: 10, weight: 1 }, { id: 'surfboard', length: 2000, width: 500, height: 80, weight: 3000 }] });
    expect(r).toMatchObject({ ok: false, code: 'ITEM_TOO_LARGE', itemId: 'surfboard' });
    expect(r.ok ? '' : r.message).toContain('surfboard');
    const heavy = pack({ cartons: catalogue, items: [{ id: 'anvil', length: 100, width: 100, height: 100, weight: 50000 }] });
    expect(heavy).toMatchObject({ ok: false, code: 'ITEM_TOO_HEAVY', itemId: 'anvil' });
  });

  it('rejects invalid input', () => {
    expect(pack({ cartons: [], items: [{ id: 'a', length: 1, width: 1, height: 1, weight: 1 }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(pack({ cartons: catalogue, items: [] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(pack({ cartons: catalogue, items: [{ id: 'a', length: 0, width: 1, height: 1, weight: 1 }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(pack({ cartons: catalogue, items: [{ id: 'a', length: 1, width: 1, height: 1, weight: 1, quantity: 1.5 }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(pack({ cartons: catalogue, items: [{ id: 'a', length: 1, width: 1, height: 1, weight: 1 }], dimDivisor: 0 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('uses the exact fallback when the heuristic misses a tight fit', () => {
    // The pinwheel: four 200×100 boards around a 100×100 block tile a 300×300 carton exactly (non-guillotine).
    const cartons: Carton[] = [
      { id: 'tight', length: 300, width: 300, height: 100, maxWeight: 10000, cost: 1 },
      { id: 'roomy', length: 600, width: 600, height: 100, maxWeight: 10000, cost: 5 },
    ];
    const items: CartonItem[] = [
      { id: 'board', length: 200, width: 100, height: 100, weight: 100, quantity: 4 },
      { id: 'block', length: 100, width: 100, height: 100, weight: 100 },
    ];
    const exact = okOf(pack({ cartons, items }));
    expect(exact.packages.map((p) => p.cartonId)).toEqual(['tight']);
    expect(verifyPacking({ cartons, items }, exact.packages)).toEqual({ ok: true });
  });

  it('every packing verifies, and the same input gives the same output (property)', () => {
    const dim = fc.integer({ min: 10, max: 420 });
    const item = fc.record({
      length: dim,
      width: dim,
      height: dim,
      weight: fc.integer({ min: 0, max: 6000 }),
      quantity: fc.integer({ min: 1, max: 4 }),
      upright: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), fc.option(fc.constantFrom(4000, 5000, 6000), { nil: undefined }), (specs, dimDivisor) => {
        const items: CartonItem[] = specs.map((s, i) => ({ id: `sku${i}`, ...s }));
        const request = { cartons: catalogue, items, ...(dimDivisor !== undefined ? { dimDivisor } : {}) };
        const r = pack(request);
        if (!r.ok) {
          expect(['ITEM_TOO_LARGE', 'ITEM_TOO_HEAVY']).toContain(r.code);
          return;
        }
        expect(verifyPacking(request, r.packages)).toEqual({ ok: true });
        expect(r.cost).toBeCloseTo(r.packages.reduce((s, p) => s + p.cost, 0));
        expect(pack(request)).toEqual(r);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('fitsInOneCarton answers what pack() with that one carton answers: one package or not (property)', () => {
    // Dimensions on a 10 mm grid near the carton's size, so tight fits, exact-search proofs and misses all occur.
    const dim = fc.integer({ min: 2, max: 30 }).map((d) => d * 10);
    const item = fc.record({
      length: dim,
      width: dim,
      height: dim,
      weight: fc.integer({ min: 0, max: 3000 }),
      quantity: fc.integer({ min: 1, max: 4 }),
      upright: fc.boolean(),
    });
    const carton = fc.record({
      length: fc.integer({ min: 10, max: 50 }).map((d) => d * 10),
      width: fc.integer({ min: 10, max: 40 }).map((d) => d * 10),
      height: fc.integer({ min: 5, max: 30 }).map((d) => d * 10),
      maxWeight: fc.integer({ min: 1000, max: 20000 }),
      cost: fc.constantFrom(0, 0.5, 1),
    });
    // The default budget, a small one (the search runs out and the heuristic answers), a small maxItems, none at all.
    const options = fc.constantFrom<PackOptions>({}, { exact: { maxNodes: 50 } }, { exact: { maxItems: 3 } }, { exact: false });
    let yes = 0;
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 4 }), carton, options, (specs, c, opts) => {
        const items: CartonItem[] = specs.map((s, i) => ({ id: `sku${i}`, ...s }));
        const r = pack({ cartons: [{ id: 'C', ...c }], items }, opts);
        const expected = r.ok && r.packages.length === 1;
        expect(fitsInOneCarton({ items }, { id: 'C', ...c }, opts)).toBe(expected);
        if (expected) yes++;
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(yes).toBeGreaterThan(40); // both answers were exercised, not only "no"
  });
});
