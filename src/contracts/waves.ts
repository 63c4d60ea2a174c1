/** waves: which allocated orders go to the floor together, and when. */
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

export const WAVE_STATUSES = ['DRAFT', 'PLANNED', 'RELEASED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export const WaveEvents = {
  planned: 'waves.wave.planned.v1',
  released: 'waves.wave.released.v1',
  completed: 'waves.wave.completed.v1',
  cancelled: 'waves.wave.cancelled.v1',
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
} as const;

type Payload<T extends keyof typeof WaveEventSchemas> = Static<(typeof WaveEventSchemas)[T]>;
export type WavePlanned = Payload<typeof WaveEvents.planned>;
export type WaveReleased = Payload<typeof WaveEvents.released>;
/** Every order of the wave has been picked (its pick lists completed, fully or short). */
export type WaveCompleted = Payload<typeof WaveEvents.completed>;
export type WaveCancelled = Payload<typeof WaveEvents.cancelled>;

/** Coded errors of waves. */
export const WavesErrors = {
  NOTHING_TO_PLAN: { status: 422, title: 'No orders are ready to plan' },
} as const satisfies ErrorSpecs;
