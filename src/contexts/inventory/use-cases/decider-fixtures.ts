import { DEFAULT_OWNER_ID } from '../../../contracts/inventory.ts';
/** Factories for the inventory deciders' Given/When/Then tests: one warehouse, a few locations, rows as handlers load them. */
import type { Location } from '../../../contracts/location-master.ts';
import type { AllocationFacts } from './allocate-order/decide.ts';
import type { ReservationFacts } from './deallocate-order/decide.ts';
import type { RmaLineRow, RmaRow } from '../rma-store.ts';

export const SITE = 'site_1';

export function location(o: Partial<Location> = {}): Location {
  return {
    id: 'loc_a', siteId: SITE, code: 'A-01', type: 'STORAGE', zone: null, aisle: 1, bay: 1, level: 1, x: 0, y: 0, z: 0,
    pickSequence: 10, status: 'ACTIVE', ...o,
  };
}

export function allocation(o: Partial<AllocationFacts> = {}): AllocationFacts {
  return { order_id: 'ord_1', line_id: 'l1', site_id: SITE, owner_id: DEFAULT_OWNER_ID, sku: 'SKU-A', requested: 2, allocated: 2, shipped: 0, status: 'ALLOCATED',
    ...o };
}

export function reservation(o: Partial<ReservationFacts> = {}): ReservationFacts {
  return {
    id: 'rsv_1', wave_id: 'wav_1', order_id: 'ord_1', line_id: 'l1', site_id: SITE, owner_id: DEFAULT_OWNER_ID, sku: 'SKU-A', location_id: 'loc_a', lot: '',
    quantity: 3, picked: 0, shorted: 0, status: 'OPEN', ...o,
  };
}

/** Ids handed to a decider, deterministic: `rsv_1`, `rsv_2`, … */
export function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}_${++n}`;
}

const RMA_AT = new Date('2026-05-01T10:00:00Z');
/** An RMA row as its handlers load it (AUTHORISED, nothing received). */
export const rmaRow = (o: Partial<RmaRow> = {}): RmaRow => ({
  id: 'rma_1', site_id: SITE, owner_id: DEFAULT_OWNER_ID, customer_ref: 'CUST-9', order_ref: null, status: 'AUTHORISED', notes: null, version: 1, created_at: RMA_AT, updated_at: RMA_AT, ...o,
});
/** An RMA line as stored: 3 units authorised, none received. */
export const rmaLine = (o: Partial<RmaLineRow> = {}): RmaLineRow => ({
  rma_id: 'rma_1', line_id: '1', sku: 'SKU-A', reason: 'wrong size', authorised: 3, received: 0, lot: '', received_location_id: null,
  restocked: 0, quarantined: 0, scrapped: 0, returned_to_vendor: 0, condition: null, inspection_notes: null, ...o,
});
