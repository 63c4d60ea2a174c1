import { on } from '../../contracts/events.ts';
import { PhysicalTrackingEvents } from '../../contracts/physical-tracking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { lpnLabelCode } from './domain/inbound.ts';
import * as inbound from './inbound-store.ts';
import { holdLostLpn, releaseFoundLpn } from './use-cases/lpn-lost/handler.ts';

/**
 * Lost and found LPNs (ADR 0029 addendum): a lost LPN's units at its last location go on HOLD (reason LPN_LOST), out
 * of ATP, allocation and reservation; when it is found they follow it there (MOVE) and are released (RELEASE; backorders
 * retried on `inventory.stock.hold-released`). Idempotent twice over: the inbox, and the `lpn_holds` rows of each loss.
 */
export function lpnSubscriptions(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>): Subscription[] {
  const hold = holdLostLpn(deps);
  const release = releaseFoundLpn(deps);
  return [
    on(PhysicalTrackingEvents.lpnLost, (lost, event, tx) => hold(tx, lost, event.id, causedBy(event))),
    on(PhysicalTrackingEvents.lpnFound, (found, event, tx) => release(tx, found, causedBy(event))),
    // An ASN's LPN scanned in at the dock (RECEIVE_LPN): its goods arrived, booked or not (ADR 0029 addendum of
    // 2026-12-06). Recorded against every ASN of the site expecting the label (physical tracking received the lines of
    // those not received before): such an ASN is no longer cancelled, and is closed with the LPN unbooked only on purpose.
    on(PhysicalTrackingEvents.scanRecorded, async (scan, _event, tx) => {
      if (scan.meaning !== 'RECEIVE_LPN' || scan.lpnId === undefined) return;
      const code = lpnLabelCode(scan.barcode);
      const asnIds = new Set((await inbound.asnLabelsAt(tx, scan.siteId, code)).filter((l) => lpnLabelCode(l.expected_lpn) === code).map((l) => l.asn_id));
      for (const asnId of asnIds) {
        await inbound.recordAsnLpnArrival(tx, { asn_id: asnId, lpn_id: scan.lpnId, code, location_id: scan.locationId ?? null }, new Date(scan.at));
      }
    }),
  ];
}
