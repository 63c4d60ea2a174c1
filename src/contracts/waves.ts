/** waves: which allocated orders go to the floor together, and when. */
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { EventMeta } from '../platform/bus/envelope.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

export const WAVE_STATUSES = ['DRAFT', 'PLANNED', 'RELEASED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export const WaveEvents = {
  planned: 'waves.wave.planned.v1',
  released: 'waves.wave.released.v1',
  completed: 'waves.wave.completed.v1',
  cancelled: 'waves.wave.cancelled.v1',
  orderHeld: 'waves.order.held.v1',
} as const;

/** The payload of every waves event, by type name; the description says when it is emitted. */
export const WaveEventSchemas = {
  [WaveEvents.planned]: Type.Object({
    waveId: Type.String(), siteId: Type.String(), orderIds: List(Type.String()),
  }, { description: 'Allocated orders were planned into a wave (`POST /waves`).' }),
  [WaveEvents.released]: Type.Object({
    waveId: Type.String(), siteId: Type.String(),
    pickStrategy: Type.Union([Type.Literal('discrete'), Type.Literal('batch')], { description: 'How pick work is grouped: one list per order (discrete) or batches of orders (batch picking).' }),
    orders: List(Type.Object({ orderId: Type.String(), lines: List(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })) })),
    batches: Type.Optional(List(List(Type.String()), {
      description: 'Batch picking only: the wave\'s orders grouped into cart batches (order ids per batch); every order of `orders` is in exactly one batch. Picking makes one pick list per batch. Absent for discrete picking.',
    })),
  }, { description: 'A planned wave was released to the floor (`POST /waves/{id}/release`).' }),
  [WaveEvents.completed]: Type.Object({
    waveId: Type.String(), siteId: Type.String(), orderIds: List(Type.String()),
  }, { description: 'Every order of the wave has been picked (its pick lists completed, fully or short).' }),
  [WaveEvents.cancelled]: Type.Object({
    waveId: Type.String(), siteId: Type.String(), orderIds: List(Type.String()),
  }, { description: 'A wave was cancelled before release; its orders wait for a wave again.' }),
  [WaveEvents.orderHeld]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), changeId: Type.String({ description: "The line change orders asked the hold for." }),
  }, { description: "An order in no wave is held out of wave planning for a change of its lines (`WavesApi.holdForChange`, ADR 0046) until `orders.order.lines-changed` (or, for a change orders will not apply, `orders.order.change-dropped`) arrives; orders completes a change whose own transaction did not commit when it hears this." }),
} as const;

type Payload<T extends keyof typeof WaveEventSchemas> = Static<(typeof WaveEventSchemas)[T]>;
export type WavePlanned = Payload<typeof WaveEvents.planned>;
export type WaveReleased = Payload<typeof WaveEvents.released>;
/** Every order of the wave has been picked (its pick lists completed, fully or short). */
export type WaveCompleted = Payload<typeof WaveEvents.completed>;
export type WaveCancelled = Payload<typeof WaveEvents.cancelled>;
export type WaveOrderHeld = Payload<typeof WaveEvents.orderHeld>;

/** An order a wave already holds: too late to change its lines. */
export interface AlreadyWaved {
  readonly held: false;
  readonly waveId: string;
}

/** What other contexts ask waves synchronously. */
export interface WavesApi {
  /**
   * The single decision point of a line change (ADR 0046), as pack & ship's `stopShipping` is of a cancel: either the
   * order is in no active wave and is now held out of planning (a planner that has it locked is waited for), or the
   * wave that has it is named. Idempotent; commits its own transaction and announces `waves.order.held.v1`, so orders
   * completes the change if its own transaction does not commit.
   */
  holdForChange(input: { readonly orderId: string; readonly siteId: string; readonly carrier: string; readonly priority: number; readonly changeId: string }, meta: EventMeta): Promise<{ readonly held: true } | AlreadyWaved>;
  /**
   * Whether wave `waveId` was cancelled with the order in it: its cancel let go of the order, which waits in the pool
   * again (or is in a later wave). False for a wave not cancelled, for an order never in it, and for one that left it
   * otherwise (cancelled itself, or sent back by the wave's release for want of stock, RESERVATION_SHORTAGE). Reads
   * only. Orders asks it when a request finds an order WAVED in a wave whose cancel it has not heard yet, to take the
   * cancel's step itself (ADR 0052 addendum 2026-12-06).
   */
  cancelledWith(input: { readonly waveId: string; readonly orderId: string }): Promise<boolean>;
}

/** Coded errors of waves. */
export const WavesErrors = {
  NOTHING_TO_PLAN: { status: 422, title: 'No orders are ready to plan' },
} as const satisfies ErrorSpecs;
