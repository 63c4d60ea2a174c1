import { describe, expect, it } from 'vitest';
import { travelMap, type TravelLocation } from './travel.ts';

/** 3 aisles 3 m apart, 10 bays of 1 m from y = 3 (the location master's generator geometry), a depot and a dock on the front wall. */
function site(): TravelLocation[] {
  const out: TravelLocation[] = [
    { id: 'rcv', code: 'RCV', type: 'RECEIVING', zone: 'DOCK', aisle: null, x: 0, y: 0, z: 0 },
    { id: 'depot', code: 'DEPOT', type: 'DEPOT', zone: 'DEPOT', aisle: null, x: 3, y: 0, z: 0 },
  ];
  for (let a = 1; a <= 3; a++) {
    for (let b = 1; b <= 10; b++) out.push({ id: `l${a}-${b}`, code: `A-${a}-${b}`, type: 'PICK_FACE', zone: 'A', aisle: a, x: a * 3, y: 3 + (b - 0.5), z: 0 });
  }
  return out;
}

describe('travel between a site\'s locations', () => {
  const map = travelMap(site());

  it('walks along an aisle and across the cross aisles between rack locations', () => {
    expect(map.fitted).toBe(true);
    expect(map.distance('l1-1', 'l1-1')).toBe(0);
    expect(map.distance('l1-2', 'l1-7')).toBeCloseTo(5, 6);
    // Aisle 1 bay 9 → aisle 3 bay 9: out of the aisle (front or back), 6 m across, back in.
    const across = map.distance('l1-9', 'l3-9')!;
    expect(across).toBeGreaterThan(6);
    expect(across).toBeLessThan(6 + 2 * 9);
    expect(map.distance('l1-9', 'l3-9')).toBe(map.distance('l3-9', 'l1-9'));
  });

  it('walks from the front wall into an aisle: the farther along the wall and the deeper, the longer', () => {
    const nearDepot = map.distance('depot', 'l1-1')!;
    expect(nearDepot).toBeGreaterThan(0);
    expect(map.distance('rcv', 'l1-1')!).toBeCloseTo(nearDepot + 3, 6);
    expect(map.distance('depot', 'l1-5')!).toBeCloseTo(nearDepot + 4, 6);
    expect(map.distance('l1-5', 'depot')).toBe(map.distance('depot', 'l1-5'));
  });

  it('knows nothing of another site\'s location, and measures rectilinearly when the layout cannot be fitted', () => {
    expect(map.distance('depot', 'nowhere')).toBeUndefined();
    const raw = travelMap(site().filter((l) => l.type !== 'DEPOT'));
    expect(raw.fitted).toBe(false);
    expect(raw.distance('rcv', 'l3-1')).toBeCloseTo(9 + 3.5, 6);
  });
});
