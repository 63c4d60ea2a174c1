import { describe, expect, it } from 'vitest';
import { siteGeometry } from './site-geometry.ts';

const loc = (id: string, x: number, y: number, zone: string | null = 'A') => ({ id, code: id, type: 'STORAGE', zone, x, y });

describe('a site\'s geometry', () => {
  const geo = siteGeometry('sit_1', [loc('a', 0, 0), loc('b', 10, 0), loc('c', 10, 20, 'PACK')], 5, 2);

  it('is the locations\' bounding box grown by the margin', () => {
    expect(geo.bounds).toEqual({ minX: -5, minY: -5, maxX: 15, maxY: 25 });
    expect(geo.inside(-5, 25)).toBe(true);
    expect(geo.inside(-5.01, 0)).toBe(false);
    expect(geo.inside(0, 25.5)).toBe(false);
  });

  it('snaps a point to the nearest location within the snap distance, else to none', () => {
    expect(geo.nearest(9.2, 0.5)?.id).toBe('b');
    expect(geo.nearest(10.5, 19)?.id).toBe('c');
    expect(geo.nearest(5, 5)).toBeUndefined();
  });

  it('places a point between locations in the zone of the nearest one within the zone distance', () => {
    expect(geo.zoneAt(5, 5)).toBe('A');
    expect(geo.zoneAt(10, 14)).toBe('PACK');
    expect(siteGeometry('sit_1', [loc('a', 0, 0)], 100, 2, 10).zoneAt(50, 50)).toBeNull();
  });

  it('has nothing inside when the site has no location', () => {
    const empty = siteGeometry('sit_2', [], 5, 2);
    expect(empty.bounds).toBeUndefined();
    expect(empty.inside(0, 0)).toBe(false);
  });
});
