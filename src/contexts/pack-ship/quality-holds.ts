/** Quality holds on packages (issue 13, ADR 0031): the one rule pack & ship enforces for quality. */
import { reject, type Outcome } from '../../platform/errors.ts';

/**
 * A package a failed inspection holds is not booked nor dispatched until a disposition releases it (409
 * PACKAGE_ON_QUALITY_HOLD); a scrapped one never is. `held`: the blocking holds (HELD or SCRAPPED) of the packages,
 * read under the order's row lock, which the hold's handler takes too (with the packages, in the same statement).
 */
export function holdRefusal(held: readonly { package_id: string; status: string }[]): Outcome<never, 'PACKAGE_ON_QUALITY_HOLD'> | undefined {
  if (held.length === 0) return undefined;
  const list = held.map((h) => `${h.package_id} (${h.status === 'HELD' ? 'on hold until a disposition' : 'scrapped: repack the order'})`).join(', ');
  return reject('PACKAGE_ON_QUALITY_HOLD', `Quality holds package(s) ${list}; they cannot ship`);
}
