/** orchestration: durable sagas across contexts and the supervisors' exception queue. */
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

export const SAGA_STATUS_VALUES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'] as const;

/** What a supervisor is asked to look at (docs/operations/exceptions.md). */
export const EXCEPTION_KINDS = [
  'CUTOFF_AT_RISK', 'ORDER_NOT_MOVING', 'RESERVATION_SHORTAGE', 'DEAD_LETTER', 'TASK_NOT_STARTED', 'TASK_NOT_FINISHED', 'TASK_FAILED', 'SAGA_FAILED',
  'SHIPMENT_EXCEPTION', 'QUALITY_HOLD_SHORTFALL', 'QUALITY_HOLD_INCOMPLETE', 'QUALITY_HOLD_ON_SHIPPED_PACKAGE', 'LPN_HOLD_INCOMPLETE',
  'LABEL_VOID_FAILED', 'NO_REPLENISHMENT_SOURCE', 'UNITS_LEFT_AT_DOCK', 'LABEL_BOOKING_UNSETTLED', 'PICKED_UNITS_LOST',
  'CUTOFF_MISSED', 'WEBHOOK_DISABLED', 'PARTNER_MESSAGE_FAILED', 'ERP_FILE_REJECTED', 'SHIP_BY_MISSED', 'STOREFRONT_CHANGE_REFUSED',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** Every action any exception may offer; each exception lists the ones it offers. */
export const EXCEPTION_ACTIONS = ['retry', 'cancel', 'expedite', 'replay', 'discard', 'reprioritise', 'requeue', 'acknowledge'] as const;
export type ExceptionAction = (typeof EXCEPTION_ACTIONS)[number];

/** The actions each kind offers, in the order a supervisor would try them. */
export const ACTIONS_OF: Readonly<Record<ExceptionKind, readonly ExceptionAction[]>> = {
  CUTOFF_AT_RISK: ['expedite', 'acknowledge'],
  // A packed (or booked) order was not dispatched by its ship-by: ship it on the next truck (acknowledge) or cancel it.
  CUTOFF_MISSED: ['cancel', 'acknowledge'],
  // The order's own ship-by (given at intake) passed and it has not shipped: hurry it (expedite), cancel it, or accept it late.
  SHIP_BY_MISSED: ['expedite', 'cancel', 'acknowledge'],
  ORDER_NOT_MOVING: ['retry', 'cancel', 'acknowledge'],
  RESERVATION_SHORTAGE: ['retry', 'cancel', 'acknowledge'],
  DEAD_LETTER: ['replay', 'discard'],
  TASK_NOT_STARTED: ['reprioritise', 'acknowledge'],
  TASK_NOT_FINISHED: ['acknowledge'],
  TASK_FAILED: ['requeue', 'acknowledge'],
  SAGA_FAILED: ['retry', 'acknowledge'],
  // The carrier has the parcel: customer service calls the carrier or the customer; the carrier's next scan clears it.
  SHIPMENT_EXCEPTION: ['acknowledge'],
  // Held units went missing before their disposition: someone finds where they went (moved, counted, adjusted away).
  QUALITY_HOLD_SHORTFALL: ['acknowledge'],
  // Units failed their inspection but were no longer where received (put away, moved, reserved, promised): someone finds and holds them.
  QUALITY_HOLD_INCOMPLETE: ['acknowledge'],
  // A failed packing inspection's hold reached a package already dispatched: someone calls the carrier (intercept, return) or the customer.
  QUALITY_HOLD_ON_SHIPPED_PACKAGE: ['acknowledge'],
  // A lost LPN's units were not all where it was lost to hold (counted or moved away, reserved, promised): someone finds them.
  LPN_HOLD_INCOMPLETE: ['acknowledge'],
  // A cancelled order's label could not be voided with its carrier (it may stay billed): retry the void, or void it in the carrier's portal.
  LABEL_VOID_FAILED: ['retry', 'acknowledge'],
  // A pick face needs units and no reserve/storage location has free ones (under count, held, none): clears by itself when a source frees up or the need goes.
  NO_REPLENISHMENT_SOURCE: ['acknowledge'],
  // A putaway was cancelled with AVAILABLE units still at the dock and no other putaway for them: someone moves them off by hand.
  UNITS_LEFT_AT_DOCK: ['acknowledge'],
  // A booking the carrier never answered (ADR 0056): it may hold a label PakLog does not know; someone looks it up in the carrier's portal by its key.
  LABEL_BOOKING_UNSETTLED: ['retry', 'acknowledge'],
  // A tote (or carton, pallet) holding an order's picked units was reported lost: find it, short the units at packing, or cancel the order.
  PICKED_UNITS_LOST: ['cancel', 'acknowledge'],
  // A webhook subscription failed PAKLOG_WEBHOOK_MAX_FAILURES deliveries in a row and was disabled: its receiver gets nothing until
  // someone fixes it and enables the subscription (which clears the case), or deletes the subscription.
  WEBHOOK_DISABLED: ['acknowledge'],
  // A message to the ERP or TMS (a shipment confirmation, a load booking…) ran out of attempts: the partner never got it
  // until someone replays it (POST /integrations/partner-messages/{id}/replay), which clears the case once it is delivered.
  PARTNER_MESSAGE_FAILED: ['acknowledge'],
  // A file the ERP dropped had rows in error and went to error/, nothing of it imported: someone fixes it (or what it
  // needs, an item master) and drops it again under its name, which clears the case once imported; or acknowledges it.
  ERP_FILE_REJECTED: ['acknowledge'],
  // A storefront's change of an order already cancelled or shipped was acknowledged to the shop and not applied: someone
  // tells the shop's side (the customer may expect the change), then acknowledges it.
  STOREFRONT_CHANGE_REFUSED: ['acknowledge'],
};

export const EXCEPTION_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

export const OrchestrationEvents = {
  sagaCompleted: 'orchestration.saga.completed.v1',
  sagaCompensated: 'orchestration.saga.compensated.v1',
  sagaFailed: 'orchestration.saga.failed.v1',
  exceptionRaised: 'orchestration.exception.raised.v1',
  exceptionResolved: 'orchestration.exception.resolved.v1',
  cutoffsReplaced: 'orchestration.carrier-cutoffs.replaced.v1',
} as const;

const SagaEndedSchema = (description: string) => Type.Object({
  sagaId: Type.String(), type: Type.String({ description: 'The saga type, e.g. `order-fulfilment`.' }),
  key: Type.String({ description: 'The business key the saga runs for, e.g. the order id.' }),
  siteId: Type.Union([Type.String(), Type.Null()]), status: Type.Enum(SAGA_STATUS_VALUES),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'Why it compensated or failed; null when completed.' }),
}, { description });

/** The payload of every orchestration event, by type name; the description says when it is emitted. */
export const OrchestrationEventSchemas = {
  [OrchestrationEvents.sagaCompleted]: SagaEndedSchema('A saga ran all its steps, or finished early (an order shipped or cancelled).'),
  [OrchestrationEvents.sagaCompensated]: SagaEndedSchema('A saga step failed for good and the steps before it were compensated, newest first.'),
  [OrchestrationEvents.sagaFailed]: SagaEndedSchema('A compensation failed after its retries: the saga is FAILED and a SAGA_FAILED exception is raised.'),
  [OrchestrationEvents.exceptionRaised]: Type.Object({
    exceptionId: Type.String(), siteId: Type.Union([Type.String(), Type.Null()]), kind: Type.Enum(EXCEPTION_KINDS),
    subject: Type.String({ description: 'What it is about: an order, task or dead letter id.' }),
    reason: Type.String(), actions: List(Type.Enum(EXCEPTION_ACTIONS)),
  }, { description: 'A stuck case needs a supervisor (GET /exceptions); raised once per case.' }),
  [OrchestrationEvents.exceptionResolved]: Type.Object({
    exceptionId: Type.String(), siteId: Type.Union([Type.String(), Type.Null()]), kind: Type.Enum(EXCEPTION_KINDS), subject: Type.String(),
    resolution: Type.String({ description: 'The action that resolved it (`retry`, `cancel`, …) or `auto: …` when the case cleared by itself.' }),
    resolvedBy: Type.Union([Type.String(), Type.Null()], { description: 'Who ran the action (the caller), null when it cleared by itself.' }),
  }, { description: 'An exception was resolved: by an action (POST /exceptions/{id}/actions/{action}) or because its case cleared.' }),
  [OrchestrationEvents.cutoffsReplaced]: Type.Object({
    siteId: Type.String(),
    cutoffs: List(Type.Object({
      carrier: Type.String(), cutoffMin: Type.Integer({ minimum: 0, maximum: 1439, description: 'Minutes after midnight UTC (960 = 16:00).' }),
    }), { description: "The site's whole table as it is now." }),
  }, { description: "A site's carrier cut-offs were replaced (`PUT /sites/{siteId}/carrier-cutoffs`): for contexts that plan against them (workload)." }),
} as const;

export type ExceptionRaised = Static<(typeof OrchestrationEventSchemas)[typeof OrchestrationEvents.exceptionRaised]>;

/** Coded errors of orchestration. */
export const OrchestrationErrors = {
  EXCEPTION_RESOLVED: { status: 409, title: 'The exception is already resolved' },
  ACTION_NOT_OFFERED: { status: 409, title: 'The exception does not offer this action' },
  ACTION_FAILED: { status: 409, title: 'The action could not resolve the exception' },
  ACTION_UNAVAILABLE: { status: 409, title: 'The context the action needs does not run in this process' },
} as const satisfies ErrorSpecs;
