import { describe, expect, it } from 'vitest';
import { advance, type Observation, type Position } from './position.ts';

const seen = (at: string, over: Partial<Observation> = {}): Observation => ({
  siteId: 'sit_1', kind: 'worker', id: 'alice', x: 10, y: 10, zone: 'A', locationId: null, locationType: null,
  at, source: 'rtls', seq: null, ...over,
});
const first = (o: Observation): Position => {
  const step = advance(undefined, o, 1.5);
  if (!step.applied) throw new Error('a first observation is always applied');
  return step.next;
};

describe('advancing a live position', () => {
  it('keeps the newest: an older or replayed observation changes nothing (out of order never overwrites)', () => {
    const p = first(seen('2026-01-01T10:00:05Z'));
    expect(advance(p, seen('2026-01-01T10:00:04Z', { x: 99 }), 1.5)).toEqual({ applied: false, reason: 'stale' });
    expect(advance(p, seen('2026-01-01T10:00:05Z', { x: 99 }), 1.5)).toEqual({ applied: false, reason: 'stale' });
    const newer = advance(p, seen('2026-01-01T10:00:06Z', { x: 12 }), 1.5);
    expect(newer.applied && newer.next.x).toBe(12);
    expect(newer.applied && newer.next.rev).toBe(p.rev + 1);
  });

  it('a first position in a zone enters it; moving to another exits the first with its dwell and enters the next', () => {
    const p = advance(undefined, seen('2026-01-01T10:00:00Z'), 1.5);
    expect(p.applied && p.change).toEqual({ exited: null, entered: { zone: 'A' } });
    if (!p.applied) return;
    const same = advance(p.next, seen('2026-01-01T10:00:30Z', { x: 20 }), 1.5);
    expect(same.applied && same.change).toBeNull();
    expect(same.applied && same.next.zoneSince).toBe('2026-01-01T10:00:00Z');
    if (!same.applied) return;
    const moved = advance(same.next, seen('2026-01-01T10:02:00Z', { zone: 'PACK' }), 1.5);
    expect(moved.applied && moved.change).toEqual({ exited: { siteId: 'sit_1', zone: 'A', enteredAt: '2026-01-01T10:00:00Z', dwellS: 120 }, entered: { zone: 'PACK' } });
    expect(moved.applied && moved.next.zoneSince).toBe('2026-01-01T10:02:00Z');
    if (!moved.applied) return;
    const out = advance(moved.next, seen('2026-01-01T10:03:00Z', { zone: null }), 1.5);
    expect(out.applied && out.change).toEqual({ exited: { siteId: 'sit_1', zone: 'PACK', enteredAt: '2026-01-01T10:02:00Z', dwellS: 60 }, entered: null });
  });

  it('a move to another site exits the zone of the site it left (its visit is that site\'s) and enters the new one', () => {
    const p = first(seen('2026-01-01T10:00:00Z'));
    const moved = advance(p, seen('2026-01-01T10:10:00Z', { siteId: 'sit_2' }), 1.5);
    expect(moved.applied && moved.change).toEqual({ exited: { siteId: 'sit_1', zone: 'A', enteredAt: '2026-01-01T10:00:00Z', dwellS: 600 }, entered: { zone: 'A' } });
  });

  it('stays still while within the idle radius of where it stopped; a move beyond it restarts the clock', () => {
    const p = first(seen('2026-01-01T10:00:00Z'));
    const jitter = advance(p, seen('2026-01-01T10:05:00Z', { x: 11, y: 10.5 }), 1.5);
    expect(jitter.applied && [jitter.next.stillSince, jitter.next.anchorX]).toEqual(['2026-01-01T10:00:00Z', 10]);
    if (!jitter.applied) return;
    const walked = advance(jitter.next, seen('2026-01-01T10:06:00Z', { x: 13 }), 1.5);
    expect(walked.applied && [walked.next.stillSince, walked.next.anchorX]).toEqual(['2026-01-01T10:06:00Z', 13]);
  });

  it('keeps since when it is at a location while it stays there', () => {
    const p = first(seen('2026-01-01T10:00:00Z', { locationId: 'loc_1', locationType: 'STAGING' }));
    const again = advance(p, seen('2026-01-01T11:00:00Z', { locationId: 'loc_1', locationType: 'STAGING' }), 1.5);
    expect(again.applied && again.next.locationSince).toBe('2026-01-01T10:00:00Z');
    if (!again.applied) return;
    const elsewhere = advance(again.next, seen('2026-01-01T11:01:00Z', { locationId: 'loc_2', locationType: 'STORAGE' }), 1.5);
    expect(elsewhere.applied && elsewhere.next.locationSince).toBe('2026-01-01T11:01:00Z');
  });
});
