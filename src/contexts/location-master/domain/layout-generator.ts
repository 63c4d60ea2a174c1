import type { LayoutParameters, LocationType } from '../../../contracts/location-master.ts';
import { ok, reject, type FieldError, type Outcome } from '../../../platform/errors.ts';

/**
 * Bounds keep a request from creating millions of rows and keep codes in their fixed-width format
 * (`<SITE>-A-<aisle 2 digits>-<bay 2 digits>-<level 1 digit>`): at most 99 × 99 × 9 = 88,209 storage locations.
 */
export const LAYOUT_LIMITS = {
  aisles: { min: 1, max: 99 },
  bays: { min: 1, max: 99 },
  levels: { min: 1, max: 9 },
  aislePitch: { min: 0.5, max: 20 },
  bayWidth: { min: 0.3, max: 10 },
  levelHeight: { min: 0.2, max: 5 },
  crossAisleWidth: { min: 0, max: 20 },
  packStations: { min: 0, max: 20 },
} as const satisfies Record<keyof LayoutParameters, { min: number; max: number }>;

/** Typical shelving: 3 m between aisle centre lines, 1.2 m bays, 1.5 m levels, a 3 m front cross aisle. */
export const LAYOUT_DEFAULTS = { aislePitch: 3, bayWidth: 1.2, levelHeight: 1.5, crossAisleWidth: 3, packStations: 2 } as const;

const INTEGER_PARAMETERS = new Set<keyof LayoutParameters>(['aisles', 'bays', 'levels', 'packStations']);

export type LayoutRequest = Pick<LayoutParameters, 'aisles' | 'bays' | 'levels'> & Partial<LayoutParameters>;

/** A location the generator plans; the service gives it an id, the site and the ACTIVE status. */
export interface PlannedLocation {
  readonly code: string;
  readonly type: LocationType;
  readonly zone: string;
  readonly aisle: number | null;
  readonly bay: number | null;
  readonly level: number | null;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly pickSequence: number | null;
}

/** Applies defaults and checks every bound; field errors name the request fields. */
export function layoutParameters(request: LayoutRequest): Outcome<LayoutParameters> {
  const p: LayoutParameters = { ...LAYOUT_DEFAULTS, ...request };
  const errors: FieldError[] = [];
  for (const key of Object.keys(LAYOUT_LIMITS) as (keyof LayoutParameters)[]) {
    const { min, max } = LAYOUT_LIMITS[key];
    const v = p[key];
    if (!Number.isFinite(v) || v < min || v > max || (INTEGER_PARAMETERS.has(key) && !Number.isInteger(v))) {
      errors.push({ field: `/${key}`, message: `must be ${INTEGER_PARAMETERS.has(key) ? 'a whole number' : 'a number'} from ${min} to ${max}` });
    }
  }
  return errors.length > 0 ? reject('UNPROCESSABLE', 'The layout parameters are out of bounds', errors) : ok(p);
}

// Millimetre precision: the column is numeric(9,3) and 0.1 * 3 must not come out as 0.30000000000000004.
const mm = (metres: number): number => Math.round(metres * 1000) / 1000;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * A rectangular single-block layout (the geometry of optimize/geometry: aisles run along y, aisle a has its centre
 * line at x = a · aislePitch, the front cross aisle spans 0 ≤ y ≤ crossAisleWidth):
 * - storage: zone A, one location per aisle × bay × level; bay b's centre at y = crossAisleWidth + (b − 0.5) · bayWidth,
 *   level l at z = l · levelHeight. Level 1 is the PICK_FACE (reachable from the floor), higher levels are RESERVE;
 * - pick sequence is serpentine (S-shape): up aisle 1 (bays ascending), down aisle 2, up aisle 3, …, levels ascending
 *   within a bay, so sorting by pickSequence walks each aisle once without doubling back;
 * - on the front wall (y = 0): the RECEIVING dock at x = 0, the DEPOT (where pick tours start and end) at the head of
 *   aisle 1, then past the last aisle the pack stations and the SHIPPING_DOCK, one aisle pitch apart.
 */
export function generateLayout(siteCode: string, p: LayoutParameters): PlannedLocation[] {
  const out: PlannedLocation[] = [];
  const front = (code: string, type: LocationType, zone: string, x: number): PlannedLocation =>
    ({ code: `${siteCode}-${code}`, type, zone, aisle: null, bay: null, level: null, x: mm(x), y: 0, z: 0, pickSequence: null });

  out.push(front('RCV-01', 'RECEIVING', 'DOCK', 0));
  out.push(front('DEPOT', 'DEPOT', 'DEPOT', p.aislePitch));
  let sequence = 0;
  for (let aisle = 1; aisle <= p.aisles; aisle++) {
    const up = aisle % 2 === 1;
    for (let i = 1; i <= p.bays; i++) {
      const bay = up ? i : p.bays + 1 - i;
      for (let level = 1; level <= p.levels; level++) {
        out.push({
          code: `${siteCode}-A-${pad(aisle, 2)}-${pad(bay, 2)}-${level}`,
          type: level === 1 ? 'PICK_FACE' : 'RESERVE',
          zone: 'A',
          aisle, bay, level,
          x: mm(aisle * p.aislePitch),
          y: mm(p.crossAisleWidth + (bay - 0.5) * p.bayWidth),
          z: mm(level * p.levelHeight),
          pickSequence: ++sequence,
        });
      }
    }
  }
  for (let i = 1; i <= p.packStations; i++) out.push(front(`PACK-${pad(i, 2)}`, 'PACK_STATION', 'PACK', (p.aisles + i) * p.aislePitch));
  out.push(front('SHIP-01', 'SHIPPING_DOCK', 'DOCK', (p.aisles + p.packStations + 1) * p.aislePitch));
  return out;
}

/** Location counts by type, for the layout.generated event and the response. */
export function countByType(locations: readonly PlannedLocation[]): Partial<Record<LocationType, number>> {
  const counts: Partial<Record<LocationType, number>> = {};
  for (const l of locations) counts[l.type] = (counts[l.type] ?? 0) + 1;
  return counts;
}
