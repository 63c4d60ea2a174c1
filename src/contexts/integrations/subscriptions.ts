import { WEBHOOK_EVENT_TYPES } from '../../contracts/integrations.ts';
import { on } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Projection } from '../../platform/module.ts';
import type { EdiService } from './edi/service.ts';
import type { IntegrationsService } from './service.ts';

/**
 * Every event type a webhook may ask for: each becomes its deliveries in the handler's transaction (outbox style).
 * EDI orders learn their packages and shipments, and get their 945 and 856 when they ship (ADR 0037); an ASN from a
 * 943 gets its 944 when it is closed (ADR 0040).
 *
 * One set-based subscription for all of these types (ADR 0043), so the bus hands a run of them over in one call: the
 * run's webhook deliveries are one subscription lookup and one insert (`recordEvents`), whatever its length and
 * whether or not any webhook exists; then each EDI event is handled in turn. A plain subscription rather than
 * `onMany(...)`: the webhook part forwards the envelope as it is and reads no payload field but `siteId`/`ownerId`,
 * which it checks at run time.
 */
export function integrationsSubscriptions(service: IntegrationsService, edi: EdiService): Subscription[] {
  const ediHandlers = [
    on(PackShipEvents.packagePacked, (d, _e, tx) => edi.packagePacked(tx, d)),
    on(PackShipEvents.packageRepacked, (d, _e, tx) => edi.packageRepacked(tx, d)),
    on(PackShipEvents.shipmentDispatched, (d, _e, tx) => edi.shipmentDispatched(tx, d)),
    on(OrderEvents.shipped, (d, e, tx) => edi.orderShipped(tx, d, causedBy(e))),
    on(OrderEvents.cancelled, (d, e, tx) => edi.orderCancelled(tx, d, causedBy(e))),
    on(InventoryEvents.asnClosed, (d, e, tx) => edi.asnClosed(tx, d, causedBy(e))),
  ];
  const ediOf = new Map(ediHandlers.flatMap((s) => s.types.map((t) => [t, s] as const)));
  const webhookTypes = new Set(WEBHOOK_EVENT_TYPES);
  // The EDI handlers of an order's events change only an order that came by EDI (an `edi_orders` row, written by the
  // 940's intake, never by these events): the run's orders are looked up once, not once per event.
  const orderTypes = new Set<string>([PackShipEvents.packagePacked, PackShipEvents.packageRepacked, PackShipEvents.shipmentDispatched, OrderEvents.shipped, OrderEvents.cancelled]);
  const orderOf = (e: EventEnvelope): string | undefined => {
    const data: unknown = e.data;
    return orderTypes.has(e.type) && typeof data === 'object' && data !== null && 'orderId' in data && typeof data.orderId === 'string' ? data.orderId : undefined;
  };
  // The webhook deliveries first (each event's webhook handler ran before its EDI handler), then EDI in the run's order:
  // they write different tables, so this is the effect of handling each event in turn.
  const handleMany = async (events: readonly EventEnvelope[], tx: Tx): Promise<void> => {
    await service.recordEvents(tx, events.filter((e) => webhookTypes.has(e.type)));
    const forEdi = events.filter((e) => ediOf.has(e.type));
    const orderIds = [...new Set(forEdi.flatMap((e) => orderOf(e) ?? []))];
    const ediOrders = orderIds.length === 0 ? new Set<string>() : await edi.ediOrderIds(tx, orderIds);
    for (const e of forEdi) {
      const orderId = orderOf(e);
      if (orderId === undefined || ediOrders.has(orderId)) await ediOf.get(e.type)?.handle(e, tx);
    }
  };
  return [{
    types: [...new Set([...WEBHOOK_EVENT_TYPES, ...ediOf.keys()])],
    handle: (event, tx) => handleMany([event], tx),
    handleMany,
  }];
}

/**
 * Integrations' projection of location-master's sites: the ship-from name of the 945 and 856 (issue 8: the shipped and
 * cancelled handlers read it here, not from location-master inside their transaction). Rebuildable with
 * `paklog replay integrations` (an installation that had sites before this projection fills it that way).
 */
export function integrationsProjections(edi: EdiService): Projection[] {
  return [{
    name: 'sites',
    tables: ['sites'],
    subscriptions: [on([LocationMasterEvents.siteCreated, LocationMasterEvents.siteUpdated], (d, _e, tx) => edi.learnSite(tx, d))],
  }];
}
