import { LOCATION_STATUSES, LOCATION_TYPES, type Location } from '../../../contracts/location-master.ts';
import type { FieldError } from '../../../platform/errors.ts';

export const SITE_CODE_PATTERN = /^[A-Za-z0-9_]{1,16}$/;
export const LOCATION_CODE_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** numeric(9,3) holds up to 999,999.999 m; a site is far smaller, so larger values are typos. */
export const MAX_COORDINATE = 100_000;
export const MAX_INDEX = 10_000;

export interface NewSite {
  readonly code: string;
  readonly name: string;
}

/** A location as its creator describes it: everything but the ids the service assigns. */
export type NewLocation = Omit<Location, 'id' | 'siteId'>;

export function validateNewSite(s: NewSite): FieldError[] {
  const errors: FieldError[] = [];
  // Site codes prefix location codes with "-", so they may not contain one.
  if (!SITE_CODE_PATTERN.test(s.code)) errors.push({ field: '/code', message: 'must be 1–16 characters of A–Z, a–z, 0–9 or "_"' });
  if (s.name.trim() === '' || s.name.length > 200) errors.push({ field: '/name', message: 'must be 1–200 characters and not blank' });
  return errors;
}

export function validateNewLocation(l: NewLocation): FieldError[] {
  const errors: FieldError[] = [];
  if (!LOCATION_CODE_PATTERN.test(l.code)) errors.push({ field: '/code', message: 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"' });
  if (!(LOCATION_TYPES as readonly string[]).includes(l.type)) errors.push({ field: '/type', message: `must be one of ${LOCATION_TYPES.join(', ')}` });
  if (!(LOCATION_STATUSES as readonly string[]).includes(l.status)) errors.push({ field: '/status', message: `must be one of ${LOCATION_STATUSES.join(', ')}` });
  if (l.zone !== null && (l.zone.trim() === '' || l.zone.length > 32)) errors.push({ field: '/zone', message: 'must be 1–32 characters' });
  for (const [field, v] of [['aisle', l.aisle], ['bay', l.bay], ['level', l.level], ['pickSequence', l.pickSequence]] as const) {
    const max = field === 'pickSequence' ? 2_000_000_000 : MAX_INDEX;
    if (v !== null && !(Number.isInteger(v) && v >= 0 && v <= max)) errors.push({ field: `/${field}`, message: `must be a whole number from 0 to ${max}` });
  }
  for (const [field, v] of [['x', l.x], ['y', l.y], ['z', l.z]] as const) {
    if (!(Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE)) errors.push({ field: `/${field}`, message: `must be metres between -${MAX_COORDINATE} and ${MAX_COORDINATE}` });
  }
  return errors;
}
