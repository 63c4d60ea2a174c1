import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { lockOrders, ordersWithShorts, writePicks } from '../../store.ts';
import { BACKORDER_REASONS } from '../../../../contracts/orders.ts';
import { decidePicks, type PickNews } from './decide.ts';

/**
 * On a run of `picking.line.picked` (column `picked`) or `picking.line.shorted` (`shorted`) events (ADR 0043): one
 * statement for the order locks, one for the line quantities, the orders and the history together (`writePicks`), and
 * the events' append, whatever the number of lines and orders in the run, instead of four to six per line.
 */
export function recordPicksHandler(deps: Pick<PlatformDeps, 'bus' | 'clock' | 'log'>) {
  return async (tx: Tx, column: 'picked' | 'shorted', news: readonly PickNews[]): Promise<void> => {
    if (news.length === 0) return;
    const orders = await lockOrders(tx, news.map((n) => n.orderId));
    // A shipComplete order held for stock (BACKORDERED, SHORT_PICK) stays held while a short of it waits: a short in
    // this run is one; else a line that still counts shorted units (the re-reservation of each takes it off).
    const held = [...orders.values()].filter((o) => o.status === 'BACKORDERED' && o.backorderReason === BACKORDER_REASONS.shortPick).map((o) => o.id);
    const waitingForStock = column === 'shorted' ? new Set(held) : await ordersWithShorts(tx, held);
    const d = unwrap(decidePicks({ orders, waitingForStock }, news, deps.clock.now()));
    for (const i of d.ignored) {
      deps.log.warn({ orderId: i.orderId, type: i.type }, i.why === 'unknown' ? 'event for an unknown order ignored' : 'event for a cancelled order ignored');
    }
    const now = deps.clock.now();
    const nothing = d.lines.length === 0 && d.orders.length === 0 && d.history.length === 0;
    const { changed, written } = nothing ? { changed: new Set<string>(), written: 0 } : await writePicks(tx, column, d.lines, d.orders, d.history, now);
    const unknownLines = d.lines.filter((l) => !changed.has(`${l.orderId} ${l.lineId}`));
    for (const orderId of new Set(unknownLines.map((l) => l.orderId))) {
      deps.log.warn({ orderId, type: news[0]!.cause.type }, 'event names lines this order does not have; those were ignored');
    }
    // The version guard is the last word: the rows were read under their locks, so a mismatch is a fault.
    if (written !== d.orders.length) throw new Error('an order changed under its row lock');
    await deps.bus.appendMany(tx, 'orders', d.events);
  };
}
