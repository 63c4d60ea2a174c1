import { on } from '../../contracts/events.ts';
import { PhysicalTrackingEvents } from '../../contracts/physical-tracking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { PlatformDeps } from '../../platform/module.ts';
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
  ];
}
