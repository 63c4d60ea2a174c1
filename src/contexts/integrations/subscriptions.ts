import { WEBHOOK_EVENT_TYPES } from '../../contracts/integrations.ts';
import { on } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { EdiService } from './edi/service.ts';
import type { IntegrationsService } from './service.ts';

/**
 * Every event type a webhook may ask for: each becomes its deliveries in the handler's transaction (outbox style).
 * A plain subscription rather than `on(...)`: the handler forwards the envelope as it is and reads no payload field
 * but `siteId`/`ownerId`, which it checks at run time. EDI orders learn their packages and shipments, and get their
 * 945 and 856 when they ship (ADR 0037); an ASN from a 943 gets its 944 when it is closed (ADR 0040).
 */
export function integrationsSubscriptions(service: IntegrationsService, edi: EdiService): Subscription[] {
  return [
    { types: WEBHOOK_EVENT_TYPES, handle: (event, tx) => service.recordEvent(tx, event) },
    on(PackShipEvents.packagePacked, (d, _e, tx) => edi.packagePacked(tx, d)),
    on(PackShipEvents.packageRepacked, (d, _e, tx) => edi.packageRepacked(tx, d)),
    on(PackShipEvents.shipmentDispatched, (d, _e, tx) => edi.shipmentDispatched(tx, d)),
    on(OrderEvents.shipped, (d, e, tx) => edi.orderShipped(tx, d, causedBy(e))),
    on(InventoryEvents.asnClosed, (d, e, tx) => edi.asnClosed(tx, d, causedBy(e))),
  ];
}
