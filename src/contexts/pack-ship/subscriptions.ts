import { on, onMany } from '../../contracts/events.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { PackShipService } from './service.ts';

/** Projections: what each order ordered, what was picked, and when picking finished (announced ready to pack; it may complete the order's packing). */
export function packShipSubscriptions(packShip: PackShipService): Subscription[] {
  return [
    on(OrderEvents.received, async (d, _event, tx) => {
      await packShip.orderReceived(tx, { orderId: d.orderId, siteId: d.siteId, carrier: d.carrier, externalId: d.externalId, shipTo: d.shipTo ?? null, ownerId: d.ownerId ?? null, priority: d.priority, shipComplete: d.shipComplete ?? false, lines: d.lines });
    }),
    // Its PACK task is as urgent as the order: ready-to-pack carries the priority (an expedited order is packed first).
    on(OrderEvents.reprioritised, async (d, _event, tx) => {
      await packShip.priorityChanged(tx, { orderId: d.orderId, siteId: d.siteId, priority: d.to });
    }),
    // A storefront or EDI change before the order was waved: labels print the new address.
    on(OrderEvents.updated, async (d, _event, tx) => {
      await packShip.shipToChanged(tx, { orderId: d.orderId, siteId: d.siteId, shipTo: d.shipTo });
    }),
    // Lines changed before the order was waved (ADR 0046): what to pack is the new lines.
    on(OrderEvents.linesChanged, async (d, _event, tx) => {
      await packShip.linesChanged(tx, { orderId: d.orderId, siteId: d.siteId, carrier: d.carrier, externalId: d.externalId, shipTo: d.shipTo, ownerId: d.ownerId ?? null, priority: d.priority, lines: d.lines });
    }),
    on(OrderEvents.cancelled, async (d, event, tx) => {
      await packShip.orderCancelled(tx, { orderId: d.orderId, siteId: d.siteId, reason: d.reason }, causedBy(event));
    }),
    // Set-based (ADR 0043): a run of picks is three statements, whatever the number of lines in it.
    onMany(PickingEvents.linePicked, (picks, tx) =>
      packShip.picked(tx, picks.map(({ data: d }) => ({ orderId: d.orderId, siteId: d.siteId, lineId: d.lineId, sku: d.sku, quantity: d.quantity, toteId: d.toteId })))),
    // Ready to pack when picking says the order is done: with a list's completion (`ordersDone`; absent in older
    // events: all its orders), or when the recovery of its last short settles it (ADR 0024). Announced to orders as
    // `pack-ship.order.ready-to-pack`, which is what makes an order PICKED (ADR 0049).
    on(PickingEvents.listCompleted, async (d, event, tx) => {
      const done = [...new Set(d.ordersDone ?? d.orderIds)];
      const orders = done.map((orderId) => ({ orderId, unitsPicked: d.unitsPicked?.find((u) => u.orderId === orderId)?.units }));
      await packShip.pickingDone(tx, orders, d.siteId, d.status, causedBy(event));
    }),
    on(PickingEvents.orderPicked, async (d, event, tx) => {
      await packShip.pickingDone(tx, [{ orderId: d.orderId, unitsPicked: d.unitsPicked }], d.siteId, d.status, causedBy(event));
    }),
  ];
}
