import { describe, expect, it } from 'vitest';
import { countByType, generateLayout, layoutParameters, LAYOUT_DEFAULTS, type PlannedLocation } from './layout-generator.ts';

const params = (over: Record<string, number> = {}) => {
  const p = layoutParameters({ aisles: 3, bays: 4, levels: 2, aislePitch: 3, bayWidth: 1.2, levelHeight: 1.5, crossAisleWidth: 3, packStations: 2, ...over });
  if (!p.ok) throw new Error(p.message);
  return p.value;
};
const storage = (ls: readonly PlannedLocation[]) => ls.filter((l) => l.pickSequence !== null);

describe('layout generator', () => {
  it('creates aisles × bays × levels storage locations plus receiving, depot, pack stations and shipping dock', () => {
    const ls = generateLayout('DC1', params());
    expect(storage(ls)).toHaveLength(3 * 4 * 2);
    expect(countByType(ls)).toEqual({ RECEIVING: 1, DEPOT: 1, PICK_FACE: 12, RESERVE: 12, PACK_STATION: 2, SHIPPING_DOCK: 1 });
    expect(ls).toHaveLength(24 + 5);
  });

  it('gives every location a unique code in the SITE-A-AA-BB-L format', () => {
    const ls = generateLayout('DC1', params({ aisles: 12, bays: 15, levels: 3 }));
    expect(new Set(ls.map((l) => l.code)).size).toBe(ls.length);
    for (const l of storage(ls)) expect(l.code).toMatch(/^DC1-A-\d{2}-\d{2}-\d$/);
    expect(ls.map((l) => l.code)).toEqual(expect.arrayContaining(['DC1-A-01-01-1', 'DC1-A-12-15-3', 'DC1-DEPOT', 'DC1-RCV-01', 'DC1-PACK-02', 'DC1-SHIP-01']));
  });

  it('numbers the pick sequence 1..n in a serpentine: up odd aisles, down even aisles, levels ascending', () => {
    const ls = storage(generateLayout('DC1', params()));
    expect(ls.map((l) => l.pickSequence)).toEqual(ls.map((_, i) => i + 1));
    const walk = [...ls].sort((a, b) => a.pickSequence! - b.pickSequence!).map((l) => `${l.aisle}/${l.bay}/${l.level}`);
    expect(walk.slice(0, 8)).toEqual(['1/1/1', '1/1/2', '1/2/1', '1/2/2', '1/3/1', '1/3/2', '1/4/1', '1/4/2']);
    expect(walk.slice(8, 16)).toEqual(['2/4/1', '2/4/2', '2/3/1', '2/3/2', '2/2/1', '2/2/2', '2/1/1', '2/1/2']);
    expect(walk.slice(16, 18)).toEqual(['3/1/1', '3/1/2']);
    // Consecutive stops never jump more than one bay or one aisle: a sensible walk.
    const bySeq = [...ls].sort((a, b) => a.pickSequence! - b.pickSequence!);
    for (let i = 1; i < bySeq.length; i++) {
      const [a, b] = [bySeq[i - 1]!, bySeq[i]!];
      expect(Math.abs(a.aisle! - b.aisle!) + Math.abs(a.bay! - b.bay!)).toBeLessThanOrEqual(1);
    }
  });

  it('places locations by aisle pitch, front cross aisle, bay width and level height', () => {
    const ls = generateLayout('DC1', params());
    const at = (code: string) => ls.find((l) => l.code === code)!;
    expect(at('DC1-A-01-01-1')).toMatchObject({ x: 3, y: 3.6, z: 1.5, type: 'PICK_FACE', zone: 'A' });
    expect(at('DC1-A-02-04-2')).toMatchObject({ x: 6, y: 3 + 3.5 * 1.2, z: 3, type: 'RESERVE' });
    expect(at('DC1-DEPOT')).toMatchObject({ type: 'DEPOT', x: 3, y: 0, z: 0, pickSequence: null });
    expect(at('DC1-RCV-01')).toMatchObject({ type: 'RECEIVING', x: 0, y: 0 });
    expect(at('DC1-PACK-01')).toMatchObject({ type: 'PACK_STATION', x: 12, y: 0 });
    expect(at('DC1-SHIP-01')).toMatchObject({ type: 'SHIPPING_DOCK', x: 18, y: 0 });
    // Millimetre rounding: no binary-fraction noise.
    const odd = generateLayout('S', params({ aislePitch: 0.7, bayWidth: 0.3, levelHeight: 0.2 }));
    for (const l of odd) for (const v of [l.x, l.y, l.z]) expect(Math.round(v * 1000) / 1000).toBe(v);
  });

  it('applies defaults and refuses out-of-bounds parameters naming each field', () => {
    const p = layoutParameters({ aisles: 1, bays: 1, levels: 1 });
    expect(p).toEqual({ ok: true, value: { aisles: 1, bays: 1, levels: 1, ...LAYOUT_DEFAULTS } });
    const bad = layoutParameters({ aisles: 100, bays: 0, levels: 1.5, aislePitch: -1, packStations: 21 });
    expect(bad).toMatchObject({ ok: false, code: 'UNPROCESSABLE' });
    if (!bad.ok) expect(bad.errors?.map((e) => e.field)).toEqual(['/aisles', '/bays', '/levels', '/aislePitch', '/packStations']);
  });

  it('generates the largest allowed layout with unique codes', () => {
    const ls = generateLayout('BIG', params({ aisles: 99, bays: 99, levels: 9, packStations: 20 }));
    expect(storage(ls)).toHaveLength(99 * 99 * 9);
    expect(new Set(ls.map((l) => l.code)).size).toBe(ls.length);
  });
});
