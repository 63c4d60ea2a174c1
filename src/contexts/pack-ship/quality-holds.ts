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

/**
 * A package a failed inspection still holds is not repacked either (ADR 0031 addendum 2026-12-04): its units would
 * leave it for a new package no inspection holds and ship, the hold a manager's disposition lifts undone by a packer.
 * The disposition comes first — RELEASE or REWORK lets the package ship or be repacked, SCRAP asks for the repack.
 * `hold`: the package's hold, read under the order's row lock (undefined: none); `openInspections`: its packing
 * inspections still OPEN, read under the same lock (see `inspectionRefusal`).
 */
export function repackRefusal(
  packageId: string, hold: { inspection_id: string; status: string } | undefined, openInspections: readonly string[] = [],
): Outcome<never, 'PACKAGE_ON_QUALITY_HOLD' | 'PACKAGE_UNDER_INSPECTION'> | undefined {
  if (hold === undefined || hold.status !== 'HELD') return inspectionRefusal(packageId, openInspections);
  return reject('PACKAGE_ON_QUALITY_HOLD', `Quality inspection ${hold.inspection_id} holds package ${packageId}: it is not repacked until a manager `
    + `gives its disposition (POST /inspections/${hold.inspection_id}/disposition: RELEASE or REWORK lets it ship, SCRAP has the order repacked)`);
}

/**
 * A package whose packing inspection is still OPEN is not repacked either (ADR 0031 addendum 2026-12-04, second): the
 * inspection is about this package, and were it to fail its hold would land on the emptied, REPACKED package while the
 * units shipped in a new one. The inspector records the results first (`POST /inspections/{id}/results`): PASSED lets
 * the repack through; FAILED holds the package (`repackRefusal`) until a manager's disposition.
 */
export function inspectionRefusal(packageId: string, openInspections: readonly string[]): Outcome<never, 'PACKAGE_UNDER_INSPECTION'> | undefined {
  if (openInspections.length === 0) return undefined;
  const which = openInspections.join(', ');
  return reject('PACKAGE_UNDER_INSPECTION', `Quality inspection ${which} of package ${packageId} is still OPEN: the package is not repacked until its results `
    + `are recorded (POST /inspections/${openInspections[0]!}/results: PASSED lets the repack through, FAILED holds the package until a disposition)`);
}
