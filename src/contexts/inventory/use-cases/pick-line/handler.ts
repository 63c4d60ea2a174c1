import type { LinePicked } from '../../../../contracts/picking.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { reservedBalance } from '../../domain/ledger.ts';
import { lockPickable } from '../../pickability.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, record } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decidePick } from './decide.ts';

/**
 * On `picking.line.picked`. Locks the reservation, then (when open, or cancelled: the units go to the tote and wait for
 * their return) its location's projection row and its balance.
 */
export function pickLineHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, pick: LinePicked, meta: EventMeta): Promise<void> => {
    const reservation = await store.lockReservation(tx, pick.reservationId);
    let sourcePickable = true;
    let sourceExpiresOn: string | null = null;
    let sourceFree = 0;
    if (reservation?.status === 'OPEN' || reservation?.status === 'CANCELLED') {
      sourcePickable = await lockPickable(tx, reservation.location_id);
      const source = await store.lockBalance(tx, reservedBalance(reservation));
      sourceExpiresOn = source?.expires_on ?? null;
      sourceFree = source === undefined ? 0 : source.on_hand - source.reserved;
    }
    // A rejection is thrown: the event is retried, then dead-lettered, as before use cases returned outcomes.
    const command = { ...pick, newReturnId: () => deps.ids.next('rtn') };
    const d = unwrap(decidePick({ reservation, sourcePickable, sourceExpiresOn, sourceFree }, command, deps.clock.now()));
    if (d.take !== undefined) {
      const { from, to, quantity: q } = d.take;
      await changeBalanceOrFail(tx, from, -q, -d.take.reserved, `balance at ${from.locationId} cannot give ${q} units`);
      await store.changeUnpickable(tx, from.siteId, from.ownerId, from.sku, d.unpickable);
      await store.addOnHand(tx, to, q, d.take.expiresOn);
    }
    if (d.returnRequest !== undefined) await store.insertReturns(tx, [d.returnRequest.row]);
    if (d.reservationChange !== undefined) {
      const c = d.reservationChange;
      await store.updateReservation(tx, c.id, c.picked, c.shorted, c.status);
    }
    await record(tx, deps, d.movements, d.events, meta);
    if (d.units > 0) tx.afterCommit(() => counters.picked.inc(d.units));
  };
}
