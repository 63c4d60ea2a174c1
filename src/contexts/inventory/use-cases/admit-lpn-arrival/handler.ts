import type { AsnLpnArrivalAdmission } from '../../../../contracts/inventory.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as inbound from '../../inbound-store.ts';

/**
 * `InventoryApi.admitAsnLpnArrival`: a RECEIVE_LPN scan asks, before it commits, whether the ASNs it would receive the
 * pallet for still take goods. Each of them at the site is locked (FOR UPDATE, in id order: the lock a cancel, a close
 * and a receipt take first) and, when OPEN or RECEIVING, the arrival is recorded against it (as the scan's event would
 * record it later) in this transaction, committed before the answer. So a cancel or close either ran before (the ASN is
 * answered as ended, and the scan receives nothing for it) or runs after and finds the arrival: there is no instant in
 * which both pass (ADR 0029, addendum of 2026-12-06).
 */
export function admitAsnLpnArrivalHandler(deps: Pick<PlatformDeps, 'db' | 'clock'>) {
  return async (a: AsnLpnArrivalAdmission): Promise<readonly string[]> => deps.db.tx(async (tx) => {
    const admitted: string[] = [];
    for (const asn of await inbound.lockAsnsOfSite(tx, a.siteId, a.asnIds)) {
      if (asn.status !== 'OPEN' && asn.status !== 'RECEIVING') continue;
      await inbound.recordAsnLpnArrival(tx, { asn_id: asn.id, lpn_id: a.lpnId, code: a.code, location_id: a.locationId }, deps.clock.now());
      admitted.push(asn.id);
    }
    return admitted;
  });
}

/**
 * `InventoryApi.withdrawAsnLpnArrival`: a RECEIVE_LPN scan admitted under `lpnId` ended without its LPN (refused after the
 * admission, or its transaction rolled back): the arrivals it recorded are dropped. Left, they held the ASN as a scanned
 * pallet does (no cancel; a close only with acceptUnbooked) with no pallet at the dock (ADR 0029, addendum of 2026-12-06).
 */
export function withdrawAsnLpnArrivalHandler(deps: Pick<PlatformDeps, 'db'>) {
  return async (w: { readonly siteId: string; readonly lpnId: string }): Promise<void> => {
    await inbound.dropAsnLpnArrivals(deps.db, w.siteId, w.lpnId);
  };
}
