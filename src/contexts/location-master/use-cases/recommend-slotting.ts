import type { Location } from '../../../contracts/location-master.ts';
import { ok, reject, type FieldError, type Outcome } from '../../../platform/errors.ts';
import { workerTask } from '../../../platform/workers/worker-pool.ts';
import { locationsToLayout, type LocationLike, type LocationsLayout } from '../../../optimize/geometry/graph.ts';
import { depotDistance } from '../../../optimize/geometry/layout.ts';
import { slotSkus, type Sku } from '../../../optimize/slotting/index.ts';

/** The policies offered over HTTP; `random` is not one, it is the baseline every answer is compared with. */
export const RECOMMENDATION_METHODS = ['abc', 'turnover', 'coi', 'correlated'] as const;
export type RecommendationMethod = (typeof RECOMMENDATION_METHODS)[number];

export const SLOTTING_LIMITS = {
  skus: { min: 1, max: 20_000 },
  /** Order history for correlated slotting; pair counting is quadratic in an order's SKUs. */
  orders: { max: 100_000 },
  orderSkus: { max: 100 },
  picks: { max: 1_000_000_000 },
  cubeMm3: { max: 1_000_000_000_000 },
} as const;

export interface SkuDemand {
  readonly sku: string;
  /** Pick lines per period. */
  readonly picks: number;
  /** Cubic millimetres of the SKU's average stock or demand; the cube-per-order index needs it. */
  readonly cubeMm3?: number | undefined;
}

export interface SlottingRequest {
  readonly method: RecommendationMethod;
  readonly skus: readonly SkuDemand[];
  /** Order history as lists of SKUs, for correlated slotting; SKUs not in `skus` are ignored. */
  readonly orders?: readonly (readonly string[])[] | undefined;
}

export interface SlotAssignment {
  readonly sku: string;
  readonly locationId: string;
  readonly locationCode: string;
  /** One-way walking metres from the depot to the location. */
  readonly distanceFromDepot: number;
}

export interface SlottingRecommendation {
  readonly method: RecommendationMethod;
  /** In the order of the request's SKUs. */
  readonly assignments: SlotAssignment[];
  /** Mean one-way depot distance per pick: Σ picks · distance / Σ picks (every SKU weighs 1 when no SKU has picks). */
  readonly expectedTravelPerPick: number;
  /** The same under random storage: the mean depot distance over all candidate locations. */
  readonly randomBaselineTravelPerPick: number;
  /** 1 − expected / baseline: the share of per-pick travel saved against random storage (0 when the baseline is 0). */
  readonly savingVsRandom: number;
}

/** Checks what the HTTP schema cannot: unique SKUs and, for COI, a cube on every SKU. Field errors name request fields. */
export function validateSlottingRequest(request: SlottingRequest): FieldError[] {
  const errors: FieldError[] = [];
  const { min, max } = SLOTTING_LIMITS.skus;
  if (request.skus.length < min || request.skus.length > max) {
    errors.push({ field: '/skus', message: `must list ${min} to ${max} SKUs` });
  }
  const first = new Map<string, number>();
  request.skus.forEach((s, i) => {
    if (s.sku.length === 0) errors.push({ field: `/skus/${i}/sku`, message: 'must not be empty' });
    const seen = first.get(s.sku);
    if (seen !== undefined) errors.push({ field: `/skus/${i}/sku`, message: `repeats /skus/${seen}/sku (${s.sku})` });
    else first.set(s.sku, i);
    if (!Number.isInteger(s.picks) || s.picks < 0 || s.picks > SLOTTING_LIMITS.picks.max) {
      errors.push({ field: `/skus/${i}/picks`, message: `must be a whole number from 0 to ${SLOTTING_LIMITS.picks.max}` });
    }
    if (s.cubeMm3 !== undefined && (!Number.isInteger(s.cubeMm3) || s.cubeMm3 < 1 || s.cubeMm3 > SLOTTING_LIMITS.cubeMm3.max)) {
      errors.push({ field: `/skus/${i}/cubeMm3`, message: `must be a whole number from 1 to ${SLOTTING_LIMITS.cubeMm3.max}` });
    } else if (s.cubeMm3 === undefined && request.method === 'coi') {
      errors.push({ field: `/skus/${i}/cubeMm3`, message: 'is required by the cube-per-order index (method coi)' });
    }
  });
  return errors;
}

// Millimetre precision for distances, four decimals for the saving share.
const mm = (metres: number): number => Math.round(metres * 1000) / 1000;
const share = (x: number): number => Math.round(x * 10_000) / 10_000;

function toLocationLike(l: Location, labelled: boolean): LocationLike {
  // Aisle numbers repeat across zones, so the label carries the zone; without labels x alone decides the aisle.
  return labelled && l.aisle !== null ? { code: l.code, x: l.x, y: l.y, z: l.z, aisle: `${l.zone ?? ''}/${l.aisle}` } : { code: l.code, x: l.x, y: l.y, z: l.z };
}

/**
 * Fits the rectangular layout model. Aisle labels are preferred (rack faces on both sides of an aisle average to its
 * centre line), but when they do not fit one evenly spaced grid (e.g. the same aisle number in two zones on one
 * centre line) the x coordinates alone may, so that is tried before giving up.
 */
function fitLayout(candidates: readonly Location[], depotX: number | undefined): Outcome<LocationsLayout> {
  const options = depotX === undefined ? {} : { depotX };
  let firstError = '';
  for (const labelled of [true, false]) {
    try {
      return ok(locationsToLayout(candidates.map((l) => toLocationLike(l, labelled)), options));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      firstError ||= e.message;
    }
  }
  return reject('UNPROCESSABLE', `The locations do not fit a rectangular aisle layout: ${firstError}`, [
    { field: '/locationTypes', message: 'selects locations whose coordinates do not form evenly spaced parallel aisles' },
  ]);
}

/**
 * The SKUs of the request catalog does not know (pure): a location recommended for a SKU nobody can receive or pick is
 * no recommendation. 422 UNKNOWN_SKU naming each by its index; the order history may name any SKU (it is only read).
 */
export function checkSlottingSkus(request: Pick<SlottingRequest, 'skus'>, known: ReadonlySet<string>): Outcome<true, 'UNKNOWN_SKU'> {
  const errors: FieldError[] = request.skus.flatMap((s, i) => (known.has(s.sku) ? [] : [{ field: `/skus/${i}/sku`, message: `${s.sku} is not in the catalog` }]));
  if (errors.length === 0) return ok(true);
  const names = request.skus.filter((s) => !known.has(s.sku)).map((s) => s.sku);
  return reject('UNKNOWN_SKU', `Unknown SKU ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`, errors);
}

/**
 * Recommends a location for every SKU (pure): fits the rectangular layout model to the candidate locations, runs the
 * slotting policy of optimize/slotting and measures the answer against random storage.
 *
 * Distances are one-way walks from the depot: along the front cross aisle to the location's aisle, then up it (the
 * optimize/geometry model). locationsToLayout places the front cross aisle's centre line at its own origin (the first row
 * of locations, less half an inferred cross-aisle width), not where the depot stands, so every distance is shifted by
 * the signed gap origin.y − depot.y (the depot is assumed to stand in front of the first row); a constant shift changes
 * no ranking, only the reported metres. Without a depot location the depot stands on that line at the first aisle.
 *
 * `candidates` are the site's usable locations in walking order (ties in distance go to the earlier one).
 */
export function recommendSlotting(request: SlottingRequest, candidates: readonly Location[], depot: Location | undefined): Outcome<SlottingRecommendation> {
  const errors = validateSlottingRequest(request);
  if (errors.length > 0) return reject('UNPROCESSABLE', 'The slotting request is not valid', errors);
  const usable = candidates.filter((l) => Number.isFinite(l.x) && Number.isFinite(l.y));
  if (usable.length === 0) {
    return reject('UNPROCESSABLE', 'The site has no ACTIVE locations with coordinates of the requested types', [
      { field: '/locationTypes', message: 'selects no ACTIVE location with coordinates in this site' },
    ]);
  }
  if (request.skus.length > usable.length) {
    return reject('UNPROCESSABLE', `${request.skus.length} SKUs need at least as many locations; the site has ${usable.length} of the requested types`, [
      { field: '/skus', message: `lists more SKUs than the ${usable.length} candidate locations` },
    ]);
  }
  const fitted = fitLayout(usable, depot?.x);
  if (!fitted.ok) return fitted;
  const { layout, picks, origin } = fitted.value;
  const approach = depot === undefined ? 0 : origin.y - depot.y;
  const distance = usable.map((l) => {
    const pick = picks.get(l.code);
    if (pick === undefined) throw new Error(`locationsToLayout returned no pick for ${l.code}`);
    return Math.max(0, depotDistance(layout, pick) + approach);
  });

  const skus: Sku[] = request.skus.map((s) => (s.cubeMm3 === undefined ? { id: s.sku, picks: s.picks } : { id: s.sku, picks: s.picks, cube: s.cubeMm3 }));
  const slots = slotSkus({
    skus,
    locations: usable.map((l) => picks.get(l.code) ?? { aisle: 0, block: 0, offset: 0 }),
    layout,
    ...(request.orders === undefined ? {} : { orders: request.orders }),
  }, request.method);

  const totalPicks = request.skus.reduce((sum, s) => sum + s.picks, 0);
  let weighted = 0;
  const assignments = request.skus.map((s): SlotAssignment => {
    const index = slots.get(s.sku);
    const location = index === undefined ? undefined : usable[index];
    const d = index === undefined ? undefined : distance[index];
    if (location === undefined || d === undefined) throw new Error(`slotting left SKU ${s.sku} without a location`);
    weighted += (totalPicks > 0 ? s.picks : 1) * d;
    return { sku: s.sku, locationId: location.id, locationCode: location.code, distanceFromDepot: mm(d) };
  });
  const expected = weighted / (totalPicks > 0 ? totalPicks : request.skus.length);
  const baseline = distance.reduce((sum, d) => sum + d, 0) / distance.length;
  return ok({
    method: request.method,
    assignments,
    expectedTravelPerPick: mm(expected),
    randomBaselineTravelPerPick: mm(baseline),
    savingVsRandom: baseline > 0 ? share(1 - expected / baseline) : 0,
  });
}

/** recommendSlotting with one plain-data argument, as a worker thread runs it. */
export function recommendSlottingJob(job: { request: SlottingRequest; candidates: readonly Location[]; depot: Location | undefined }): Outcome<SlottingRecommendation> {
  return recommendSlotting(job.request, job.candidates, job.depot);
}

/** Correlated slotting over a long order history takes seconds: it runs on the worker pool, off the event loop. */
export const recommendSlottingTask = workerTask<typeof recommendSlottingJob>(new URL(import.meta.url), 'recommendSlottingJob');
