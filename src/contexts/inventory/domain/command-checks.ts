/** Checks the stock commands (receive, adjust, move) share on what catalog and location-master answered. Pure. */
import type { Location } from '../../../contracts/location-master.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';

/** A location named by id or by code (`name` is the field stem: `location`, `fromLocation`, `toLocation`). */
export interface LocationRefOf {
  readonly name: 'location' | 'fromLocation' | 'toLocation';
  readonly id?: string | undefined;
  readonly code?: string | undefined;
}

/** The field a location reference answers to (the id's when given). */
export const refField = (ref: LocationRefOf): string => (ref.id !== undefined ? `/${ref.name}Id` : `/${ref.name}Code`);

/** Whether the reference names exactly one of id and code: only then is the location looked up. */
export const namesOne = (ref: LocationRefOf): boolean => (ref.id === undefined) !== (ref.code === undefined);

/** The location a command names, as location-master answered (undefined: not found), checked against the site. */
export function located<L extends Pick<Location, 'siteId'>>(
  siteId: string, ref: LocationRefOf, found: L | undefined,
): Outcome<L, 'VALIDATION_FAILED' | 'UNKNOWN_LOCATION'> {
  if (!namesOne(ref)) {
    const both = `${ref.name}Id and ${ref.name}Code`;
    return reject('VALIDATION_FAILED',
      `Give exactly one of ${both}`, [{ field: `/${ref.name}Id`, message: `give exactly one of ${both}` }]);
  }
  if (found === undefined || found.siteId !== siteId) {
    const errors = [{ field: refField(ref), message: 'unknown location at this site' }];
    return reject('UNKNOWN_LOCATION', `No location ${ref.id ?? ref.code} at site ${siteId}`, errors);
  }
  return ok(found);
}

/** The product a command names, as catalog answered. */
export function knownProduct<P>(sku: string, product: P | undefined): Outcome<P, 'UNKNOWN_SKU'> {
  return product === undefined ? reject('UNKNOWN_SKU', `Unknown SKU ${sku}`, [{ field: '/sku', message: 'unknown SKU' }]) : ok(product);
}
