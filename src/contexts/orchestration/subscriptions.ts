import { on, onMany, type EnvelopeFor } from '../../contracts/events.ts';
import { IntegrationsEvents } from '../../contracts/integrations.ts';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents, type OrderStatus } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PhysicalTrackingEvents } from '../../contracts/physical-tracking.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import { causedBy, type EventMeta } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Tx } from '../../platform/db/database.ts';
import { assertNever } from '../../platform/errors.ts';
import type { SagaRuntime } from '../../platform/saga/saga-runtime.ts';
import type { ExceptionKind } from '../../contracts/orchestration.ts';
import { ORDER_KINDS, type ExceptionService } from './exceptions.ts';
import { FULFILMENT, shipByOf, type FulfilmentData, type OrderMoved } from './fulfilment-saga.ts';
import { cutoffKey, orchestrationStore as store, type WorkingTaskChange } from './store.ts';

/** The reason orders gives an order sent back from its wave because its release could not reserve it. */
export const RESERVATION_SHORTAGE = 'RESERVATION_SHORTAGE';

/** Every event type orchestration hears: the orders events its sagas follow, the tasks events of the queue, and the events that raise an exception of their own (a carrier exception, a quality hold short of units, a quality hold on a package already dispatched, one that could not hold them all, units left at a dock and the moves, adjustments and holds that take them off it, a webhook subscription disabled, and enabled again or deleted; a message to the ERP or TMS that ran out of attempts, and delivered after its replay; a file the ERP dropped rejected into error/, and one of its name imported; a booking given up, and a shipment labelled under its id). */
const ORCHESTRATION_EVENT_TYPES = [
  OrderEvents.received, OrderEvents.linesChanged, OrderEvents.allocated, OrderEvents.backordered, OrderEvents.waved,
  OrderEvents.released, OrderEvents.pickingStarted, OrderEvents.picked, OrderEvents.packed, OrderEvents.unwaved,
  OrderEvents.shipped, OrderEvents.cancelled, OrderEvents.heldOnRequest, OrderEvents.holdReleased,
  TaskEvents.created, TaskEvents.rejected, TaskEvents.timedOut, TaskEvents.assigned, TaskEvents.started, TaskEvents.completed,
  TaskEvents.cancelled, TaskEvents.paused, TaskEvents.resumed, TaskEvents.failed, TaskEvents.requeued,
  PackShipEvents.shipmentTracked, InventoryEvents.qualityHoldPlaced, InventoryEvents.qualityHoldDisposed, InventoryEvents.lpnHoldPlaced,
  PackShipEvents.labelVoidFailed, PackShipEvents.labelBookingUnsettled, PackShipEvents.shipmentCreated, PackShipEvents.heldAfterDispatch, InventoryEvents.replenishmentWaiting, InventoryEvents.replenishmentWaitEnded,
  InventoryEvents.putawayCancelled, InventoryEvents.moved, InventoryEvents.adjusted, InventoryEvents.held,
  PhysicalTrackingEvents.lpnLost, PhysicalTrackingEvents.lpnFound,
  IntegrationsEvents.subscriptionDisabled, IntegrationsEvents.subscriptionEnabled, IntegrationsEvents.subscriptionDeleted,
  IntegrationsEvents.partnerMessageFailed, IntegrationsEvents.partnerMessageRecovered,
  IntegrationsEvents.erpFileRejected, IntegrationsEvents.erpFileImported, IntegrationsEvents.storefrontChangeRefused,
] as const;

/** The signal an orders event becomes for its order's fulfilment saga. */
interface Signal { readonly key: string; readonly name: string; readonly data: OrderMoved }
/** A case the run clears (`ExceptionService.clear`). */
interface Clear { readonly kinds: readonly ExceptionKind[]; readonly subject: string; readonly why: string; readonly meta: EventMeta }
/** A change of the list of tasks waiting in the queue. */
type QueueChange =
  | { readonly kind: 'queued'; readonly task: { taskId: string; siteId: string; type: string; reference: string; queuedAt: Date } }
  | { readonly kind: 'left'; readonly taskId: string };
/** A change of the list of tasks a worker holds (IN_PROGRESS or PAUSED). */
type WorkingChange =
  | { readonly kind: 'working'; readonly task: WorkingTaskChange }
  | { readonly kind: 'stopped'; readonly taskId: string };

/** A fulfilment saga a received order starts. */
interface Start { readonly key: string; readonly data: FulfilmentData; readonly siteId: string }

/** What a run writes together: the sagas it starts, its saga signals, the cases it clears, the changes of the task queue, in order. */
interface RunWrites {
  /** The carriers' cut-offs of the run's received orders, read once (`cutoffKey`). */
  readonly cutoffs: ReadonlyMap<string, number>;
  readonly starts: Start[];
  readonly signals: Signal[];
  readonly clears: Clear[];
  readonly queue: QueueChange[];
  readonly working: WorkingChange[];
}

/**
 * Orders events start and signal the fulfilment sagas (in the handler's transaction: a redelivered event signals
 * once); a reservation shortage raises its exception at once; tasks events keep the lists of tasks waiting in the queue
 * and of tasks a worker holds.
 *
 * One set-based subscription for all of them (ADR 0043): the bus hands over a run of these events in one call, and the
 * run's writes are made together: the carriers' cut-offs of its received orders read once at its start, the sagas it
 * starts in one statement at its end (`startMany`) and then its saga signals (`signalMany`: two statements per run
 * instead of two per event), the exception cases it clears in one look-up (before a raise, which must come after them, and at the end),
 * the task queue's changes one statement per stretch of additions or removals. Each kind of write touches its own
 * tables, which nothing else in the run reads, and keeps its order: the effect of handling each event in turn.
 */
export function orchestrationSubscriptions(sagas: SagaRuntime, exceptions: ExceptionService): Subscription[] {
  return [
    onMany(ORCHESTRATION_EVENT_TYPES, async (items, tx) => {
      const intake = items.flatMap(({ event: e }) => (e.type === OrderEvents.received ? [{ siteId: e.data.siteId, carrier: e.data.carrier }] : []));
      const run: RunWrites = { cutoffs: await store.cutoffsOf(tx, intake), starts: [], signals: [], clears: [], queue: [], working: [] };
      for (const { event } of items) await handleOne(event, tx, run);
      await clearCases(tx, run);
      await changeQueue(tx, run.queue);
      await changeWorking(tx, run.working);
      // The starts before the signals: a signal for a saga of the run finds it, as when each was started in turn.
      await sagas.startMany(tx, FULFILMENT, run.starts);
      await sagas.signalMany(tx, FULFILMENT, run.signals);
    }),
    // The orders of each pick list: an order's exceptions on its pick tasks, and its dead letters, are listed with it.
    on(PickingEvents.listCreated, async (d, _event, tx) => {
      await store.pickListOrders(tx, d.pickListId, d.orderIds);
    }),
  ];

  async function clearCases(tx: Tx, run: RunWrites): Promise<void> {
    await exceptions.clearMany(tx, run.clears.splice(0));
  }

  async function changeQueue(tx: Tx, changes: readonly QueueChange[]): Promise<void> {
    await inRuns(changes, async (kind, run) => {
      if (kind === 'queued') await store.tasksQueued(tx, run.flatMap((c) => (c.kind === 'queued' ? [c.task] : [])));
      else await store.tasksLeftQueue(tx, run.flatMap((c) => (c.kind === 'left' ? [c.taskId] : [])));
    });
  }

  async function changeWorking(tx: Tx, changes: readonly WorkingChange[]): Promise<void> {
    await inRuns(changes, async (kind, run) => {
      if (kind === 'working') await store.tasksWorking(tx, run.flatMap((c) => (c.kind === 'working' ? [c.task] : [])));
      else await store.tasksStoppedWorking(tx, run.flatMap((c) => (c.kind === 'stopped' ? [c.taskId] : [])));
    });
  }

  async function handleOne(event: EnvelopeFor<(typeof ORCHESTRATION_EVENT_TYPES)[number]>, tx: Tx, run: RunWrites): Promise<void> {
    const moved = (orderId: string, status: OrderStatus, reason?: string | null, skus?: readonly string[]) =>
      run.signals.push({ key: orderId, name: status.toLowerCase(), data: { status, at: event.time, reason: reason ?? null, ...(skus === undefined ? {} : { skus }) } });
    const clear = (kinds: readonly ExceptionKind[], subject: string, why: string) => run.clears.push({ kinds, subject, why, meta: causedBy(event) });
    switch (event.type) {
      case OrderEvents.received: {
        const o = event.data;
        const intake = new Date(event.time);
        const shipBy = shipByOf(intake, run.cutoffs.get(cutoffKey(o.siteId, o.carrier)));
        const data: FulfilmentData = {
          orderId: o.orderId, siteId: o.siteId, carrier: o.carrier, skus: [...new Set(o.lines.map((l) => l.sku))].sort(), status: 'RECEIVED',
          lastMoveAt: event.time, shipBy: shipBy?.toISOString() ?? null, outcome: null,
          // null: the order gave none (absent would be a saga started before it was kept, which reads it from orders).
          orderShipBy: o.shipBy ?? null,
        };
        run.starts.push({ key: o.orderId, data, siteId: o.siteId });
        return;
      }
      // Lines changed before a wave (ADR 0046): the order is RECEIVED again, to be allocated anew, with its new SKUs
      // (an ORDER_NOT_MOVING or RESERVATION_SHORTAGE retry re-drives the allocation of those, not of the first lines').
      case OrderEvents.linesChanged:
        moved(event.data.orderId, 'RECEIVED', null, [...new Set(event.data.lines.map((l) => l.sku))].sort());
        return;
      // Held (ADR 0052): the order waits for its release; ORDER_NOT_MOVING after the stall limit says it is still held.
      case OrderEvents.heldOnRequest:
        moved(event.data.orderId, 'ON_HOLD', event.data.reason);
        return;
      case OrderEvents.holdReleased:
        moved(event.data.orderId, event.data.to);
        return;
      case OrderEvents.allocated:
        moved(event.data.orderId, 'ALLOCATED');
        clear(['RESERVATION_SHORTAGE'], event.data.orderId, 'the order was allocated again');
        return;
      case OrderEvents.backordered: {
        const d = event.data;
        moved(d.orderId, d.to, d.reason);
        if (d.reason !== RESERVATION_SHORTAGE) return;
        // The cases cleared before it in the run are cleared first: an earlier `allocated` must not resolve this one.
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'RESERVATION_SHORTAGE', caseKey: `${d.orderId}:${event.id}`, subject: d.orderId, siteId: d.siteId,
          reason: `Order ${d.orderId} was sent back from its wave (${d.from} → ${d.to}): its release could not reserve every line`,
          details: { orderId: d.orderId, from: d.from, eventId: event.id },
        }, causedBy(event));
        return;
      }
      // A carrier exception is raised for customer service; the carrier's next scan (on its way, delivered) clears it.
      case PackShipEvents.shipmentTracked: {
        const d = event.data;
        if (d.status !== 'EXCEPTION') {
          clear(['SHIPMENT_EXCEPTION'], d.shipmentId, d.status === 'DELIVERED' ? 'the carrier delivered it' : 'the carrier has it on its way again');
          return;
        }
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'SHIPMENT_EXCEPTION', caseKey: `${d.shipmentId}:${d.at}`, subject: d.shipmentId, siteId: d.siteId,
          reason: `${d.carrier} reported an exception for shipment ${d.shipmentId} of order ${d.orderId} (tracking ${d.trackingNumber}) at ${d.at}`
            + (d.detail === undefined ? '' : `: ${d.detail}`),
          details: { shipmentId: d.shipmentId, orderId: d.orderId, carrier: d.carrier, trackingNumber: d.trackingNumber, at: d.at, detail: d.detail ?? null },
        }, causedBy(event));
        return;
      }
      // A failed packing inspection's hold reached a package already dispatched: the failed carton is on its way to the
      // customer, and only a person can stop or recall it (ADR 0031 addendum 2026-12-07).
      case PackShipEvents.heldAfterDispatch: {
        const d = event.data;
        await clearCases(tx, run);
        const tracking = d.trackingNumber === null ? '' : `, tracking ${d.trackingNumber}`;
        await exceptions.raise(tx, {
          kind: 'QUALITY_HOLD_ON_SHIPPED_PACKAGE', caseKey: d.inspectionId, subject: d.packageId, siteId: d.siteId,
          reason: `Package ${d.packageId} of order ${d.orderId} failed packing inspection ${d.inspectionId}, but it had already been dispatched `
            + `(shipment ${d.shipmentId}, ${d.carrier}${tracking}) before the hold reached it: the failed carton is on its way. Contact the carrier `
            + '(intercept or return the parcel) or the customer; the inspection\'s disposition moves no stock for it. Then acknowledge',
          details: {
            inspectionId: d.inspectionId, packageId: d.packageId, orderId: d.orderId, shipmentId: d.shipmentId, carrier: d.carrier,
            trackingNumber: d.trackingNumber, dispatchedAt: d.dispatchedAt,
          },
        }, causedBy(event));
        return;
      }
      // A cancelled order's label the carrier did not void: it may stay billed until someone voids it with the carrier.
      case PackShipEvents.labelVoidFailed: {
        const d = event.data;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'LABEL_VOID_FAILED', caseKey: `${d.shipmentId}:${d.trackingNumber}`, subject: d.shipmentId, siteId: d.siteId,
          reason: `Order ${d.orderId} was cancelled after its label was booked, but ${d.carrier} did not void label ${d.trackingNumber} `
            + `(shipment ${d.shipmentId}): ${d.error}. The label may stay billed: void it in the carrier's portal or by its support, then acknowledge`,
          details: { shipmentId: d.shipmentId, orderId: d.orderId, carrier: d.carrier, trackingNumber: d.trackingNumber, error: d.error },
        }, causedBy(event));
        return;
      }
      // A booking with a remote carrier never answered (ADR 0056): the carrier may hold a label PakLog does not know.
      case PackShipEvents.labelBookingUnsettled: {
        const d = event.data;
        await clearCases(tx, run);
        // The carrier booked a label under a tracking number another shipment has: it exists at the carrier, PakLog could
        // not record it and did not void it (that number's void would void the other shipment's label).
        if (d.answered !== undefined) {
          await exceptions.raise(tx, {
            kind: 'LABEL_BOOKING_UNSETTLED', caseKey: d.shipmentId, subject: d.shipmentId, siteId: d.siteId,
            reason: d.error,
            details: { shipmentId: d.shipmentId, orderId: d.orderId, carrier: d.carrier, service: d.service, bookingKey: d.bookingKey, attempts: d.attempts, error: d.error, answered: d.answered },
          }, causedBy(event));
          return;
        }
        // The carrier answered and refused it (a 4xx, asked by the carrier-calls job): its reason, and the way out.
        if (d.refusal !== undefined) {
          await exceptions.raise(tx, {
            kind: 'LABEL_BOOKING_UNSETTLED', caseKey: d.shipmentId, subject: d.shipmentId, siteId: d.siteId,
            reason: `${d.carrier} refused the booking of order ${d.orderId} (${d.service}): "${d.refusal}". Nothing was booked and asking again `
              + 'will be refused again: correct the order\'s ship-to address, or book its packages with another carrier or service, or cancel the order; then acknowledge',
            details: { shipmentId: d.shipmentId, orderId: d.orderId, carrier: d.carrier, service: d.service, bookingKey: d.bookingKey, attempts: d.attempts, error: d.error, refusal: d.refusal },
          }, causedBy(event));
          return;
        }
        await exceptions.raise(tx, {
          kind: 'LABEL_BOOKING_UNSETTLED', caseKey: d.shipmentId, subject: d.shipmentId, siteId: d.siteId,
          reason: `${d.carrier} never answered the booking of order ${d.orderId} (${d.service}, key ${d.bookingKey}) after ${d.attempts} attempts: ${d.error}. `
            + 'It may hold a label PakLog does not know: look the key up in the carrier\'s portal and void any label there, then acknowledge; the order\'s packages are still bookable',
          details: { shipmentId: d.shipmentId, orderId: d.orderId, carrier: d.carrier, service: d.service, bookingKey: d.bookingKey, attempts: d.attempts, error: d.error },
        }, causedBy(event));
        return;
      }
      // A shipment labelled: a booking given up under its id (LABEL_BOOKING_UNSETTLED) was settled, by a booking of the
      // order made again with the same key (which takes the given-up one over, exc9) or by the carrier-calls job.
      case PackShipEvents.shipmentCreated:
        clear(['LABEL_BOOKING_UNSETTLED'], event.data.shipmentId, 'its label was recorded (a booking with the same key)');
        return;
      // A failed inspection whose hold could not take every inspected unit: the rest failed and are still AVAILABLE somewhere.
      case InventoryEvents.qualityHoldPlaced: {
        const d = event.data;
        if (d.shortfall <= 0) return;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'QUALITY_HOLD_INCOMPLETE', caseKey: d.inspectionId, subject: d.inspectionId, siteId: d.siteId,
          reason: `Inspection ${d.inspectionId} failed ${d.requested} units of ${d.sku}${d.lot === null ? '' : ` lot ${d.lot}`} received at location `
            + `${d.locationId}, but only ${d.held} were still there to put on HOLD: ${d.shortfall} were put away, moved, reserved for picking or `
            + 'promised to orders before it failed, and are still AVAILABLE (find them in the SKU\'s ledger and hold them: POST /inventory/holds)',
          details: {
            inspectionId: d.inspectionId, sku: d.sku, lot: d.lot, locationId: d.locationId, ownerId: d.ownerId ?? null,
            requested: d.requested, held: d.held, shortfall: d.shortfall, movementId: d.movementId,
          },
        }, causedBy(event));
        return;
      }
      // A lost LPN whose units were not all where it was lost to hold: the rest are still AVAILABLE on the books somewhere.
      case InventoryEvents.lpnHoldPlaced: {
        const d = event.data;
        if (d.shortfall <= 0) return;
        await clearCases(tx, run);
        const lot = d.lot ?? '';
        await exceptions.raise(tx, {
          kind: 'LPN_HOLD_INCOMPLETE', caseKey: `${d.lossEventId}:${d.lpnId}:${d.ownerId ?? ''}:${d.sku}:${lot}`, subject: d.lpnId, siteId: d.siteId,
          reason: `LPN ${d.lpnId} was lost at location ${d.locationId} holding ${d.requested} units of ${d.sku}${d.lot === null ? '' : ` lot ${d.lot}`}, `
            + `but only ${d.held} were there to put on HOLD: ${d.shortfall} were counted or moved away, reserved for picking or promised to orders `
            + 'before it was lost, and are still AVAILABLE on the books (find them in the SKU\'s ledger at that location; count the location, '
            + 'or hold them: POST /inventory/holds)',
          details: {
            lpnId: d.lpnId, lossEventId: d.lossEventId, sku: d.sku, lot: d.lot, locationId: d.locationId, ownerId: d.ownerId ?? null,
            requested: d.requested, held: d.held, shortfall: d.shortfall, movementId: d.movementId,
          },
        }, causedBy(event));
        return;
      }
      // An LPN holding picked units of orders (a tote, or a carton or pallet of them) was reported lost: each order's
      // packer would look for units that are not there, and nothing else says so.
      case PhysicalTrackingEvents.lpnLost: {
        const d = event.data;
        const byOrder = new Map<string, { sku: string; lot: string | null; quantity: number }[]>();
        for (const l of d.lines) {
          if (l.orderId === null || l.quantity <= 0) continue;
          byOrder.set(l.orderId, [...(byOrder.get(l.orderId) ?? []), { sku: l.sku, lot: l.lot, quantity: l.quantity }]);
        }
        // A shipped or cancelled order's units are not awaited by a packer (a cancelled one's wait for their return to stock).
        const open = await store.ordersInFulfilment(tx, [...byOrder.keys()]);
        for (const id of [...byOrder.keys()]) if (!open.has(id)) byOrder.delete(id);
        if (byOrder.size === 0) return;
        await clearCases(tx, run);
        const lpnIds = d.lpns.map((x) => x.lpnId);
        for (const [orderId, lines] of [...byOrder].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const units = lines.map((l) => `${l.quantity} ${l.sku}${l.lot === null ? '' : ` lot ${l.lot}`}`).join(', ');
          await exceptions.raise(tx, {
            kind: 'PICKED_UNITS_LOST', caseKey: `${event.id}:${orderId}`, subject: orderId, siteId: d.siteId,
            reason: `LPN ${d.code} (${d.lpnId}) was reported lost (${d.reason}) holding picked units of order ${orderId}: ${units}. `
              + `Find it (POST /lpns/${d.lpnId}/found, or scan it where it is) and pack them; or short them at packing (POST /pack-station/shorts, `
              + 'reason MISSING; a sealed carton is repacked first) and the rest of the order ships; or cancel the order',
            details: { orderId, lpnId: d.lpnId, code: d.code, lpnIds, lostAt: d.at, lostReason: d.reason, locationId: d.locationId, lines },
          }, causedBy(event));
        }
        return;
      }
      // A webhook subscription its receiver kept failing was disabled: the ERP (or whoever listens) gets nothing until a
      // person fixes the receiver and enables it. Each disable is a case of its own; enabling it clears it.
      case IntegrationsEvents.subscriptionDisabled: {
        const d = event.data;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'WEBHOOK_DISABLED', caseKey: `${d.subscriptionId}:${event.id}`, subject: d.subscriptionId, siteId: event.siteid ?? null,
          reason: `Webhook subscription ${d.subscriptionId} (${d.url}) was disabled after ${d.consecutiveFailures} failed deliveries in a row, the last: `
            + `${d.reason.slice(0, 300)}. Its receiver gets no events meanwhile (they wait, in order): fix the receiver (its delivery log: `
            + `GET /integrations/webhook-deliveries?subscriptionId=${d.subscriptionId}), then enable it (POST /integrations/webhook-subscriptions/`
            + `${d.subscriptionId}/enable), which clears this, as deleting the subscription does`,
          details: { subscriptionId: d.subscriptionId, url: d.url, consecutiveFailures: d.consecutiveFailures, lastError: d.reason, disabledAt: event.time },
        }, causedBy(event));
        return;
      }
      case IntegrationsEvents.subscriptionEnabled:
      case IntegrationsEvents.subscriptionDeleted:
        clear(['WEBHOOK_DISABLED'], event.data.subscriptionId, `the subscription was ${event.type === IntegrationsEvents.subscriptionEnabled ? 'enabled again' : 'deleted'}`);
        return;
      // A message to the ERP or TMS ran out of attempts: the partner never got it (a shipment it does not know of, a load
      // not booked), and only a replay sends it. Raised once per give-up; delivered after a replay, it clears.
      case IntegrationsEvents.partnerMessageFailed: {
        const d = event.data;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'PARTNER_MESSAGE_FAILED', caseKey: `${d.messageId}:${d.attempts}`, subject: d.messageId, siteId: event.siteid ?? null,
          reason: `${d.kind} message ${d.messageId} to the ${d.partner} about ${d.subject} failed all its ${d.attempts} attempts, the last: `
            + `${d.error.slice(0, 300)}. The ${d.partner} has not got it and nothing sends it again: once the ${d.partner} answers, replay it `
            + `(POST /integrations/partner-messages/${d.messageId}/replay, with the same idempotency key), which clears this when it is delivered`,
          details: { messageId: d.messageId, partner: d.partner, messageKind: d.kind, about: d.subject, idempotencyKey: d.idempotencyKey, attempts: d.attempts, lastError: d.error, failedAt: event.time },
        }, causedBy(event));
        return;
      }
      // A file the ERP dropped went to error/ whole (rows in error): what it held (ASNs, items) is not in PakLog, and only
      // its error report in the exchange folder says so. Raised once per file; a file of that name imported clears it.
      case IntegrationsEvents.erpFileRejected: {
        const d = event.data;
        await clearCases(tx, run);
        const shown = d.errors.slice(0, 3).map((e) => `row ${e.row}${e.field === '' ? '' : ` ${e.field}`}: ${e.message}`).join('; ');
        await exceptions.raise(tx, {
          kind: 'ERP_FILE_REJECTED', caseKey: d.fileId, subject: d.name, siteId: d.siteIds.length === 1 ? d.siteIds[0]! : null,
          reason: `The ERP file ${d.name} (${d.kind}, ${d.rows} rows) was rejected whole: ${d.errorCount} row error(s), ${shown.slice(0, 400)}. `
            + `Nothing of it was imported; it is in error/ beside its report, error/${d.name}.errors.json (a .1, .2… suffix when that name was there; GET /integrations/erp/inbound-files?status=REJECTED). `
            + `Fix the file (or send first what it needs, such as the item master naming its SKUs) and drop it into inbox/ again as ${d.name}: `
            + 'imported, it clears this',
          details: { fileId: d.fileId, name: d.name, kind: d.kind, rows: d.rows, errorCount: d.errorCount, errors: d.errors, siteIds: d.siteIds, rejectedAt: event.time },
        }, causedBy(event));
        return;
      }
      // A storefront changed an order already cancelled or shipped, or cancelled one already shipped: the shop was answered
      // 200 (or it would retry for ever) and nothing was applied, so only this says the shop and PakLog disagree. Raised
      // once per delivery.
      case IntegrationsEvents.storefrontChangeRefused: {
        const d = event.data;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'STOREFRONT_CHANGE_REFUSED', caseKey: d.webhookId === undefined ? event.id : `${d.channelId}:${d.webhookId}`, subject: d.externalId, siteId: d.siteId,
          reason: `The storefront ${d.shopDomain} sent ${d.topic} for order ${d.externalId} (${d.orderId}), which was not applied: ${d.code}: ${d.message.slice(0, 300)}. `
            + 'The shop was answered 200 so that it stops sending it; tell the shop\'s side (the customer may expect the change, or a refund and a return for a cancel that came after the order left), then acknowledge this',
          details: { channelId: d.channelId, shopDomain: d.shopDomain, orderId: d.orderId, externalId: d.externalId, topic: d.topic, webhookId: d.webhookId ?? null, code: d.code, message: d.message, refusedAt: event.time },
        }, causedBy(event));
        return;
      }
      case IntegrationsEvents.erpFileImported:
        clear(['ERP_FILE_REJECTED'], event.data.name, `a file ${event.data.name} was imported (${event.data.fileId})`);
        return;
      case IntegrationsEvents.partnerMessageRecovered:
        clear(['PARTNER_MESSAGE_FAILED'], event.data.messageId, `the message was delivered to the ${event.data.partner} after its replay`);
        return;
      case PhysicalTrackingEvents.lpnFound: {
        const d = event.data;
        for (const x of await store.openPickedUnitsLost(tx, d.lpns.map((l) => l.lpnId))) {
          clear(['PICKED_UNITS_LOST'], x.subject, `LPN ${d.code} was found at ${d.locationId}`);
        }
        return;
      }
      // A disposition that found fewer units on HOLD than its inspection held: where the rest went is for a supervisor.
      case InventoryEvents.qualityHoldDisposed: {
        const d = event.data;
        if (d.shortfall <= 0) return;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'QUALITY_HOLD_SHORTFALL', caseKey: d.inspectionId, subject: d.inspectionId, siteId: d.siteId,
          reason: `Inspection ${d.inspectionId}'s ${d.disposition} found ${d.disposed} of the ${d.held} units of ${d.sku}${d.lot === null ? '' : ` lot ${d.lot}`} `
            + `its hold put on HOLD at location ${d.locationId}: ${d.shortfall} were moved, counted or adjusted away meanwhile (see the ledger of `
            + 'the SKU there, HOLD status) and were not '
            + (d.disposition === 'RELEASE' || d.disposition === 'REWORK' ? 'released' : d.disposition === 'SCRAP' ? 'scrapped' : 'returned to the vendor'),
          details: {
            inspectionId: d.inspectionId, disposition: d.disposition, sku: d.sku, lot: d.lot, locationId: d.locationId, ownerId: d.ownerId ?? null,
            expected: d.held, found: d.disposed, shortfall: d.shortfall, movementId: d.movementId,
          },
        }, causedBy(event));
        return;
      }
      // A pick face that needs units with no source to bring them from: the face would run dry with no task anywhere.
      case InventoryEvents.replenishmentWaiting: {
        const d = event.data;
        await clearCases(tx, run);
        const why = d.underCount.length > 0
          ? `its free units in reserve or storage are at locations under count (${d.underCount.join(', ')}): nothing moves from them until the count closes (finish or reject the count)`
          : 'no reserve or storage location holds free AVAILABLE units of it (held, quarantined, expired, reserved, or none): release held units, receive or move stock to reserve';
        await exceptions.raise(tx, {
          kind: 'NO_REPLENISHMENT_SOURCE', caseKey: d.waitId, subject: d.waitId, siteId: d.siteId,
          reason: `Pick face ${d.faceLocationId} needs units of ${d.sku} (${d.trigger}) but no replenishment could be asked for: ${why}. `
            + 'It is asked for by itself as soon as a source frees up',
          details: { waitId: d.waitId, sku: d.sku, faceLocationId: d.faceLocationId, ownerId: d.ownerId ?? null, trigger: d.trigger,
            triggerReference: d.triggerReference, underCount: d.underCount },
        }, causedBy(event));
        return;
      }
      // A putaway cancelled with AVAILABLE units still at the dock and nothing else to put them away: nobody would be told.
      case InventoryEvents.putawayCancelled: {
        const d = event.data;
        if ((d.leftAtDock ?? 0) <= 0) return;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'UNITS_LEFT_AT_DOCK', caseKey: d.putawayId, subject: d.putawayId, siteId: d.siteId,
          reason: `Putaway ${d.putawayId} was cancelled (${d.reason}) with ${d.leftAtDock ?? 0} AVAILABLE units of ${d.sku}`
            + `${d.lot === null ? '' : ` lot ${d.lot}`} still at receiving location ${d.fromLocationId} and no other putaway for them: no task will `
            + 'move them and they are not pickable there. Move them to a storage location (POST /inventory/moves), then acknowledge',
          details: { putawayId: d.putawayId, sku: d.sku, lot: d.lot, locationId: d.fromLocationId, ownerId: d.ownerId ?? null, status: d.status,
            leftAtDock: d.leftAtDock ?? 0, putAway: d.putAway, remaining: d.remaining, reason: d.reason },
        }, causedBy(event));
        return;
      }
      // Units taken off a dock (moved, adjusted, held) with none left there that no putaway covers: the cases about them clear.
      case InventoryEvents.moved:
      case InventoryEvents.adjusted:
      case InventoryEvents.held: {
        const d = event.data;
        if (d.uncoveredAtDock !== 0) return;
        const locationId = event.type === InventoryEvents.moved ? event.data.fromLocationId : event.data.locationId;
        const why = event.type === InventoryEvents.moved ? 'moved off the dock' : event.type === InventoryEvents.adjusted ? 'adjusted out' : 'put on hold';
        const open = await store.openUnitsLeftAtDock(tx, { siteId: d.siteId, locationId, ownerId: d.ownerId ?? DEFAULT_OWNER_ID, sku: d.sku, lot: d.lot });
        for (const x of open) clear(['UNITS_LEFT_AT_DOCK'], x.subject, `no AVAILABLE units left at the dock without a putaway (${why})`);
        return;
      }
      case InventoryEvents.replenishmentWaitEnded: {
        const d = event.data;
        clear(['NO_REPLENISHMENT_SOURCE'], d.waitId, d.outcome === 'REQUESTED' ? `replenishment ${d.replenishmentId ?? ''} asked for` : 'the face no longer needs units');
        return;
      }
      case OrderEvents.waved:
      case OrderEvents.released:
      case OrderEvents.pickingStarted:
      case OrderEvents.picked:
      case OrderEvents.unwaved:
        moved(event.data.orderId, event.data.to);
        return;
      // Packed: every unit it ships is in a carton, the lost ones found or shorted at packing.
      case OrderEvents.packed:
        moved(event.data.orderId, event.data.to);
        clear(['PICKED_UNITS_LOST'], event.data.orderId, 'the order was packed');
        return;
      case OrderEvents.shipped:
        moved(event.data.orderId, 'SHIPPED');
        clear(ORDER_KINDS, event.data.orderId, 'order shipped');
        return;
      case OrderEvents.cancelled:
        moved(event.data.orderId, 'CANCELLED', event.data.reason);
        clear(ORDER_KINDS, event.data.orderId, 'order cancelled');
        return;
      case TaskEvents.created:
      case TaskEvents.rejected:
      case TaskEvents.timedOut:
      case TaskEvents.requeued: {
        const t = event.data;
        run.queue.push({ kind: 'queued', task: { taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, queuedAt: new Date(event.time) } });
        // A FAILED task re-queued (by its retry or a supervisor) is no longer a failed case.
        if (event.type === TaskEvents.requeued) clear(['TASK_FAILED'], t.taskId, 'the task was re-queued');
        return;
      }
      // Nobody holds a failed task: it leaves the working list; at the limit it waits for a supervisor.
      case TaskEvents.failed: {
        const t = event.data;
        run.working.push({ kind: 'stopped', taskId: t.taskId });
        clear(['TASK_NOT_FINISHED'], t.taskId, 'the task failed');
        if (t.retried) return;
        await clearCases(tx, run);
        await exceptions.raise(tx, {
          kind: 'TASK_FAILED', caseKey: `${t.taskId}:${event.id}`, subject: t.taskId, siteId: t.siteId,
          reason: `${t.type} task ${t.taskId} (${t.reference}) failed ${t.attempt} time(s), the limit (PAKLOG_TASK_MAX_FAILURES ${t.maxFailures}); `
            + `last: ${t.reason}${t.note === null ? '' : ` "${t.note}"`} by ${t.previousWorkerId}. Fix the cause and requeue it `
            + `(POST /tasks/${t.taskId}/requeue, or this exception's requeue); or finish its work without it (a PICK task: a supervisor `
            + 'confirms or shorts the rest of its pick list\'s lines) or withdraw its work (cancel the order, replenishment, '
            + 'putaway or return to stock, reject the count), which cancels it',
          details: {
            taskId: t.taskId, type: t.type, reference: t.reference, reason: t.reason, note: t.note, attempt: t.attempt,
            previousWorkerId: t.previousWorkerId, reportedBy: t.reportedBy,
          },
        }, causedBy(event));
        return;
      }
      case TaskEvents.assigned:
      case TaskEvents.started:
      case TaskEvents.completed:
      case TaskEvents.cancelled: {
        const t = event.data;
        run.queue.push({ kind: 'left', taskId: t.taskId });
        if (event.type === TaskEvents.started) {
          run.working.push({ kind: 'working', task: {
            taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, status: t.status, workerId: t.workerId, since: new Date(event.time),
          } });
        } else if (event.type !== TaskEvents.assigned) {
          run.working.push({ kind: 'stopped', taskId: t.taskId });
        }
        clear(['TASK_NOT_STARTED', 'TASK_NOT_FINISHED', 'TASK_FAILED'], t.taskId, `the task was ${t.status.toLowerCase()}`);
        return;
      }
      // A worker's move of a task they hold: its wait starts again.
      case TaskEvents.paused:
      case TaskEvents.resumed: {
        const t = event.data;
        run.working.push({ kind: 'working', task: {
          taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, status: t.status, workerId: t.workerId, since: new Date(event.time),
        } });
        clear(['TASK_NOT_FINISHED'], t.taskId, `the task was ${t.status === 'PAUSED' ? 'paused' : 'resumed'}`);
        return;
      }
      default:
        return assertNever(event, 'orchestration event');
    }
  }
}

/** `changes` in order, each run of consecutive changes of one kind handed to `write` as one statement's worth. */
async function inRuns<C extends { readonly kind: string }>(changes: readonly C[], write: (kind: C['kind'], run: readonly C[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < changes.length;) {
    const kind = changes[i]!.kind;
    let end = i + 1;
    while (end < changes.length && changes[end]!.kind === kind) end++;
    await write(kind, changes.slice(i, end));
    i = end;
  }
}
