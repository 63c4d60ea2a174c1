/** waves: which allocated orders go to the floor together, and when. */

export const WAVE_STATUSES = ['DRAFT', 'PLANNED', 'RELEASED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export const WaveEvents = {
  planned: 'waves.wave.planned.v1',
  released: 'waves.wave.released.v1',
  completed: 'waves.wave.completed.v1',
  cancelled: 'waves.wave.cancelled.v1',
} as const;

export interface WavePlanned {
  readonly waveId: string;
  readonly siteId: string;
  readonly orderIds: readonly string[];
}

export interface WaveReleased {
  readonly waveId: string;
  readonly siteId: string;
  /** How pick work is grouped: one list per order (discrete) or batches of orders (batch picking). */
  readonly pickStrategy: 'discrete' | 'batch';
  readonly orders: readonly {
    readonly orderId: string;
    readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
  }[];
  /**
   * Batch picking only: the wave's orders grouped into cart batches (order ids per batch); every order of `orders`
   * is in exactly one batch. Picking makes one pick list per batch. Absent for discrete picking.
   */
  readonly batches?: readonly (readonly string[])[];
}

export interface WaveCancelled {
  readonly waveId: string;
  readonly siteId: string;
  readonly orderIds: readonly string[];
}

/** Every order of the wave has been picked (its pick lists completed, fully or short). */
export interface WaveCompleted {
  readonly waveId: string;
  readonly siteId: string;
  readonly orderIds: readonly string[];
}
