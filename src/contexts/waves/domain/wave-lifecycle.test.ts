import { describe, expect, it } from 'vitest';
import { WAVE_STATUSES, type WaveStatus } from '../../../contracts/waves.ts';
import { WAVE_TRANSITIONS, isOnTheFloor, isOpenForChanges, pickProgressPath, waveLifecycle } from './wave-lifecycle.ts';

const canTransition = waveLifecycle.can;

describe('wave lifecycle', () => {
  it('follows the lifecycle: DRAFT → PLANNED → RELEASED → IN_PROGRESS → COMPLETED', () => {
    expect(canTransition('DRAFT', 'PLANNED')).toBe(true);
    expect(canTransition('PLANNED', 'RELEASED')).toBe(true);
    expect(canTransition('RELEASED', 'IN_PROGRESS')).toBe(true);
    expect(canTransition('IN_PROGRESS', 'COMPLETED')).toBe(true);
  });

  it('cancels only DRAFT and PLANNED waves', () => {
    expect(canTransition('DRAFT', 'CANCELLED')).toBe(true);
    expect(canTransition('PLANNED', 'CANCELLED')).toBe(true);
    for (const s of ['RELEASED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const) expect(canTransition(s, 'CANCELLED')).toBe(false);
  });

  it('refuses skipping steps, going back and leaving final states', () => {
    expect(canTransition('PLANNED', 'IN_PROGRESS')).toBe(false);
    expect(canTransition('RELEASED', 'COMPLETED')).toBe(false);
    expect(canTransition('RELEASED', 'PLANNED')).toBe(false);
    for (const to of WAVE_STATUSES) {
      expect(canTransition('COMPLETED', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });

  it('has a row for every status and only known targets', () => {
    expect(Object.keys(WAVE_TRANSITIONS).sort()).toEqual([...WAVE_STATUSES].sort());
    for (const targets of Object.values(WAVE_TRANSITIONS)) for (const t of targets) expect(WAVE_STATUSES).toContain(t);
  });

  it('moves to IN_PROGRESS on the first picked order and COMPLETED on the last, through legal steps', () => {
    expect(pickProgressPath('RELEASED', false)).toEqual(['IN_PROGRESS']);
    expect(pickProgressPath('RELEASED', true)).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(pickProgressPath('IN_PROGRESS', false)).toEqual([]);
    expect(pickProgressPath('IN_PROGRESS', true)).toEqual(['COMPLETED']);
    for (const s of ['DRAFT', 'PLANNED', 'COMPLETED', 'CANCELLED'] as const) expect(pickProgressPath(s, true)).toEqual([]);
    for (const from of WAVE_STATUSES) {
      for (const done of [true, false]) {
        let at: WaveStatus = from;
        for (const step of pickProgressPath(from, done)) {
          expect(canTransition(at, step)).toBe(true);
          at = step;
        }
      }
    }
  });

  it('takes order changes only before release', () => {
    expect(WAVE_STATUSES.filter(isOpenForChanges)).toEqual(['DRAFT', 'PLANNED']);
  });

  it('is on the floor once released and until completed (orders cancelled then leave it)', () => {
    expect(WAVE_STATUSES.filter(isOnTheFloor)).toEqual(['RELEASED', 'IN_PROGRESS']);
  });
});

describe('waveLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(waveLifecycle.unreachable()).toEqual([]);
  });
});
