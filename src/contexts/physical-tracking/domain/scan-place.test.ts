import { describe, expect, it } from 'vitest';
import { scanMove } from './scan-place.ts';

describe('a status scan that names a location', () => {
  it('moves the LPN (and what is inside it) only when it rests somewhere else', () => {
    expect(scanMove({ locationId: 'loc_a' }, 'loc_b')).toEqual({ to: 'loc_b' });
    expect(scanMove({ locationId: null }, 'loc_b')).toEqual({ to: 'loc_b' });
    expect(scanMove({ locationId: 'loc_a' }, 'loc_a')).toBeUndefined();
    expect(scanMove({ locationId: 'loc_a' }, undefined)).toBeUndefined();
  });
});
