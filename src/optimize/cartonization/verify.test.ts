import { describe, expect, it } from 'vitest';
import { verifyPacking } from './verify.ts';
import type { Placement } from './types.ts';

const cartons = [{ id: 'box', length: 100, width: 100, height: 100, maxWeight: 1000, cost: 1 }];
const items = [
  { id: 'a', length: 50, width: 40, height: 30, weight: 300, quantity: 2 },
  { id: 'up', length: 20, width: 20, height: 60, weight: 100, upright: true },
];
const good: Placement[] = [
  { itemId: 'a', x: 0, y: 0, z: 0, length: 50, width: 40, height: 30 },
  { itemId: 'a', x: 50, y: 0, z: 0, length: 40, width: 30, height: 50 },
  { itemId: 'up', x: 0, y: 40, z: 0, length: 20, width: 20, height: 60 },
];

function errorsOf(placements: Placement[], weight?: number): readonly string[] {
  const r = verifyPacking({ cartons, items }, [{ cartonId: 'box', placements, ...(weight !== undefined ? { weight } : {}) }]);
  return r.ok ? [] : r.errors;
}

describe('verifyPacking', () => {
  it('accepts a valid packing', () => {
    expect(errorsOf(good, 700)).toEqual([]);
  });

  it('rejects overlaps but not touching faces', () => {
    const moved = good.map((p, i) => (i === 1 ? { ...p, x: 49 } : p));
    expect(errorsOf(moved).join()).toMatch(/overlaps/);
  });

  it('rejects placements outside the carton', () => {
    expect(errorsOf(good.map((p, i) => (i === 2 ? { ...p, z: 41 } : p))).join()).toMatch(/sticks out/);
    expect(errorsOf(good.map((p, i) => (i === 2 ? { ...p, x: -1 } : p))).join()).toMatch(/negative/);
  });

  it('rejects wrong dimensions and upright items on their side', () => {
    expect(errorsOf(good.map((p, i) => (i === 0 ? { ...p, height: 31 } : p))).join()).toMatch(/not a rotation/);
    expect(errorsOf(good.map((p, i) => (i === 2 ? { ...p, width: 60, height: 20 } : p))).join()).toMatch(/upright/);
  });

  it('rejects missing, duplicated and unknown units', () => {
    expect(errorsOf(good.slice(0, 2)).join()).toMatch(/item up: 0 unit\(s\) placed, 1 ordered/);
    expect(errorsOf([...good, { ...good[2]!, x: 60, y: 60 }]).join()).toMatch(/item up: 2 unit/);
    expect(errorsOf([...good, { ...good[2]!, itemId: 'ghost', x: 60, y: 60 }]).join()).toMatch(/unknown item/);
  });

  it('rejects overweight packages, wrong reported weights and unknown cartons', () => {
    const heavy = verifyPacking({ cartons: [{ ...cartons[0]!, maxWeight: 600 }], items }, [{ cartonId: 'box', placements: good }]);
    expect(heavy.ok ? '' : heavy.errors.join()).toMatch(/exceeds maxWeight/);
    expect(errorsOf(good, 650).join()).toMatch(/reported weight/);
    const unknown = verifyPacking({ cartons, items }, [{ cartonId: 'nope', placements: good }]);
    expect(unknown.ok).toBe(false);
  });
});
