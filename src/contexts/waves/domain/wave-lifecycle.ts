import type { WaveStatus } from '../../../contracts/waves.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** The wave lifecycle: who may move where. Enforced through `waveLifecycle` below. */
export const WAVE_TRANSITIONS: Record<WaveStatus, readonly WaveStatus[]> = {
  DRAFT: ['PLANNED', 'CANCELLED'],
  PLANNED: ['RELEASED', 'CANCELLED'],
  // Released work is on the floor: it finishes, it is not cancelled; orders cancelled or sent back leave it.
  RELEASED: ['IN_PROGRESS'],
  IN_PROGRESS: ['COMPLETED'],
  COMPLETED: [],
  CANCELLED: [],
};

/** The table the code enforces (platform/lifecycle.ts): a wave is born DRAFT or, planned at once, PLANNED. */
export const waveLifecycle = defineLifecycle('wave', WAVE_TRANSITIONS, ['DRAFT', 'PLANNED']);

/**
 * The steps a wave takes when pick lists of its orders complete: IN_PROGRESS on the first, COMPLETED once every order
 * has been picked. Waves that are not on the floor do not move.
 */
export function pickProgressPath(status: WaveStatus, allOrdersPicked: boolean): readonly WaveStatus[] {
  switch (status) {
    case 'RELEASED':
      return allOrdersPicked ? ['IN_PROGRESS', 'COMPLETED'] : ['IN_PROGRESS'];
    case 'IN_PROGRESS':
      return allOrdersPicked ? ['COMPLETED'] : [];
    case 'DRAFT':
    case 'PLANNED':
    case 'COMPLETED':
    case 'CANCELLED':
      return [];
    default:
      return assertNever(status, 'wave status');
  }
}

/** Orders may join or leave a wave only before release. */
export function isOpenForChanges(status: WaveStatus): boolean {
  switch (status) {
    case 'DRAFT':
    case 'PLANNED':
      return true;
    case 'RELEASED':
    case 'IN_PROGRESS':
    case 'COMPLETED':
    case 'CANCELLED':
      return false;
    default:
      return assertNever(status, 'wave status');
  }
}

/** Released work on the floor: its orders are being picked and it completes when they all are. */
export function isOnTheFloor(status: WaveStatus): boolean {
  switch (status) {
    case 'RELEASED':
    case 'IN_PROGRESS':
      return true;
    case 'DRAFT':
    case 'PLANNED':
    case 'COMPLETED':
    case 'CANCELLED':
      return false;
    default:
      return assertNever(status, 'wave status');
  }
}
