/** A carton on quality hold does not ship (ADR 0031 addendum 2026-12-04): the decision of a SHIP scan over its tree. */
import { reject, type Outcome } from '../../../platform/errors.ts';

export interface HeldCarton {
  /** The package id: the carton's label. */
  readonly packageId: string;
  readonly inspectionId: string;
  /** HELD until a disposition; SCRAPPED (or returned to the vendor) for good. */
  readonly status: 'HELD' | 'SCRAPPED';
}

interface TreeRow { readonly id: string; readonly code: string; readonly parent_id: string | null }

/**
 * A SHIP scan of `root` is refused when a live LPN of its tree (`tree`, root included) is the carton of a package quality
 * holds (`held`, by label): 409 LPN_ON_QUALITY_HOLD naming the cartons, their inspections and, when they sit inside the
 * one scanned, what to take off (the outermost LPN below it holding one). Nothing ships: not the pallet without them,
 * which would be a loader's choice the scan cannot tell from a mistake.
 */
export function qualityHoldRefusal(root: TreeRow, tree: readonly TreeRow[], held: ReadonlyMap<string, HeldCarton>): Outcome<never, 'LPN_ON_QUALITY_HOLD'> | undefined {
  const holding = tree.filter((r) => held.has(r.code));
  if (holding.length === 0) return undefined;
  const byId = new Map(tree.map((r) => [r.id, r]));
  const takeOff = new Set(holding.map((r) => {
    let at = r;
    while (at.id !== root.id && at.parent_id !== null && at.parent_id !== root.id && byId.has(at.parent_id)) at = byId.get(at.parent_id)!;
    return at;
  }));
  const cartons = holding.map((r) => {
    const h = held.get(r.code)!;
    return `${r.code} (inspection ${h.inspectionId}: ${h.status === 'HELD' ? 'on hold until a disposition' : 'scrapped, it never ships'})`;
  }).sort().join(', ');
  const way = 'a manager\'s disposition (POST /inspections/{id}/disposition: RELEASE or REWORK) lets a held carton ship';
  if (holding.some((r) => r.id === root.id)) {
    return reject('LPN_ON_QUALITY_HOLD', `LPN ${root.code} is the carton of a package quality holds: ${cartons}; it does not ship until ${way}`,
      [{ field: '/barcode', message: 'on quality hold' }]);
  }
  const names = [...takeOff].map((r) => r.code).sort().join(', ');
  return reject('LPN_ON_QUALITY_HOLD', `LPN ${root.code} carries cartons quality holds: ${cartons} in ${names}; it does not ship until ${way}, `
    + `or ${takeOff.size === 1 ? 'that LPN is' : 'those LPNs are'} taken off (moved to a location)`, [{ field: '/barcode', message: 'carries a carton on quality hold' }]);
}
