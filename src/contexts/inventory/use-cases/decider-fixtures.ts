/** Factories for the inventory deciders' Given/When/Then tests: one warehouse, a few locations, rows as handlers load them. */
import type { Location } from '../../../contracts/location-master.ts';
import type { AllocationFacts } from './allocate-order/decide.ts';
import type { ReservationFacts } from './deallocate-order/decide.ts';

export const SITE = 'site_1';

export function location(o: Partial<Location> = {}): Location {
  return {
    id: 'loc_a', siteId: SITE, code: 'A-01', type: 'STORAGE', zone: null, aisle: 1, bay: 1, level: 1, x: 0, y: 0, z: 0,
    pickSequence: 10, status: 'ACTIVE', ...o,
  };
}

export function allocation(o: Partial<AllocationFacts> = {}): AllocationFacts {
  return { order_id: 'ord_1', line_id: 'l1', site_id: SITE, sku: 'SKU-A', requested: 2, allocated: 2, shipped: 0, status: 'ALLOCATED',
    ...o };
}

export function reservation(o: Partial<ReservationFacts> = {}): ReservationFacts {
  return {
    id: 'rsv_1', wave_id: 'wav_1', order_id: 'ord_1', line_id: 'l1', site_id: SITE, sku: 'SKU-A', location_id: 'loc_a', lot: '',
    quantity: 3, picked: 0, shorted: 0, status: 'OPEN', ...o,
  };
}

/** Ids handed to a decider, deterministic: `rsv_1`, `rsv_2`, … */
export function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}_${++n}`;
}
