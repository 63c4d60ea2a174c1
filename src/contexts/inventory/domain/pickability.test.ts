import { describe, expect, it } from 'vitest';
import { LOCATION_STATUSES, LOCATION_TYPES } from '../../../contracts/location-master.ts';
import { isPickable } from './pickability.ts';

describe('isPickable', () => {
  it('is true only for ACTIVE storage, pick faces and reserve', () => {
    const pickable = LOCATION_TYPES.flatMap((type) => LOCATION_STATUSES.map((status) => ({ type, status })))
      .filter((l) => isPickable(l)).map((l) => `${l.type}/${l.status}`);
    expect(pickable.sort()).toEqual(['PICK_FACE/ACTIVE', 'RESERVE/ACTIVE', 'STORAGE/ACTIVE']);
  });

  it('takes receiving, docks, pack stations, the depot, staging and quarantine out, whatever their status', () => {
    for (const type of ['RECEIVING', 'SHIPPING_DOCK', 'PACK_STATION', 'DEPOT', 'STAGING', 'QUARANTINE'] as const) {
      expect(isPickable({ type, status: 'ACTIVE' })).toBe(false);
    }
  });

  it('takes a blocked or inactive storage location out', () => {
    expect(isPickable({ type: 'STORAGE', status: 'BLOCKED' })).toBe(false);
    expect(isPickable({ type: 'PICK_FACE', status: 'INACTIVE' })).toBe(false);
  });
});
