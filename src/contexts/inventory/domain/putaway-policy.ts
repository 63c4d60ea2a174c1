/**
 * Putaway strategies: where received units should go. A strategy is a pure function over the candidate locations and
 * what they hold now; the handler gathers both, the strategy only chooses (docs/operations/inbound.md).
 */
import type { StockStatus } from '../../../contracts/inventory.ts';
import type { Location } from '../../../contracts/location-master.ts';

/** Capacity limits of a location; an absent limit is no limit. */
export interface LocationCapacity {
  readonly units?: number | undefined;
  readonly volumeCm3?: number | undefined;
  readonly weightG?: number | undefined;
}

/** A location the units could go to, as the strategy sees it. */
export interface PutawayCandidate {
  readonly location: Pick<Location, 'id' | 'code' | 'type' | 'status' | 'x' | 'y' | 'z' | 'pickSequence'>;
  /** Null when nothing limits it: location master carries no capacity yet, so the app hands null today. */
  readonly capacity: LocationCapacity | null;
  /** What the location holds now (every status): units, their volume and weight (catalog dimensions), the SKUs. */
  readonly contents: { readonly units: number; readonly volumeCm3: number; readonly weightG: number; readonly skus: readonly string[] };
}

/** The units to put away. */
export interface PutawayRequestFacts {
  readonly sku: string;
  readonly status: StockStatus;
  readonly quantity: number;
  /** One unit's volume and weight from the catalog (null: unknown product dimensions, no volume/weight check). */
  readonly unit: { readonly volumeCm3: number; readonly weightG: number } | null;
  /** Where the units stand (the receiving location): distances are measured from there. */
  readonly from: Pick<Location, 'id' | 'x' | 'y'>;
}

/** A putaway strategy: the suggested location among the candidates, or undefined when none fits. */
export type PutawayPolicy = (request: PutawayRequestFacts, candidates: readonly PutawayCandidate[]) => PutawayCandidate['location'] | undefined;

/** Whether the candidate can take the units on top of what it holds (every limit it has). */
export function fits(request: PutawayRequestFacts, c: PutawayCandidate): boolean {
  const cap = c.capacity;
  if (cap === null) return true;
  if (cap.units !== undefined && c.contents.units + request.quantity > cap.units) return false;
  if (request.unit !== null) {
    if (cap.volumeCm3 !== undefined && c.contents.volumeCm3 + request.quantity * request.unit.volumeCm3 > cap.volumeCm3) return false;
    if (cap.weightG !== undefined && c.contents.weightG + request.quantity * request.unit.weightG > cap.weightG) return false;
  }
  return true;
}

/** Walking distance on the floor plan (rectilinear: aisles run along the axes). */
const distance = (a: Pick<Location, 'x' | 'y'>, b: Pick<Location, 'x' | 'y'>): number => Math.abs(a.x - b.x) + Math.abs(a.y - b.y);

/**
 * The default strategy: among ACTIVE candidates other than where the units stand, those that fit (capacity in units,
 * volume and weight, when the location has limits), the nearest empty one; when no empty one fits, the nearest that
 * holds only this SKU already (no mixing of SKUs in stock). Damaged or quarantined units wait for a disposition in
 * quarantine, where SKUs mix: the nearest location that fits. Ties go to the lower pick sequence, then the code. Location master
 * carries no restrictions (hazmat, temperature, height) and no slotting class yet, so neither is weighed here.
 */
export const closestFreePolicy: PutawayPolicy = (request, candidates) => {
  const usable = candidates.filter((c) => c.location.status === 'ACTIVE' && c.location.id !== request.from.id && fits(request, c));
  const byDistance = (a: PutawayCandidate, b: PutawayCandidate): number => distance(request.from, a.location) - distance(request.from, b.location)
    || (a.location.pickSequence ?? Number.MAX_SAFE_INTEGER) - (b.location.pickSequence ?? Number.MAX_SAFE_INTEGER)
    || (a.location.code < b.location.code ? -1 : a.location.code > b.location.code ? 1 : 0);
  if (request.status !== 'AVAILABLE') return [...usable].sort(byDistance)[0]?.location;
  const empty = usable.filter((c) => c.contents.units === 0).sort(byDistance);
  if (empty[0] !== undefined) return empty[0].location;
  const sameSku = usable.filter((c) => c.contents.skus.length === 1 && c.contents.skus[0] === request.sku).sort(byDistance);
  return sameSku[0]?.location;
};
