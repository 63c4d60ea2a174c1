import { describe, expect, it } from 'vitest';
import { alertConditions, reconcileAlerts } from './alerts.ts';
import type { Position } from './position.ts';

const pos = (over: Partial<Position>): Position => ({
  siteId: 'sit_1', kind: 'lpn', id: 'lpn_1', x: 0, y: 0, zone: 'DOCK', locationId: 'loc_stage', locationType: 'STAGING',
  at: '2026-01-01T10:00:00Z', source: 'scan', seq: null, zoneSince: '2026-01-01T10:00:00Z', locationSince: '2026-01-01T10:00:00Z',
  anchorX: 0, anchorY: 0, stillSince: '2026-01-01T10:00:00Z', rev: 1, ...over,
});
const limits = { stagedMaxS: 7200, idleMaxS: 600 };

describe('location alerts', () => {
  it('an LPN at a staging location longer than the limit; not at a storage location, not before the limit', () => {
    const staged = pos({});
    const stored = pos({ id: 'lpn_2', locationType: 'STORAGE' });
    expect(alertConditions([staged, stored], new Date('2026-01-01T12:00:00Z'), limits)).toEqual([]);
    expect(alertConditions([staged, stored], new Date('2026-01-01T12:00:01Z'), limits).map((c) => [c.type, c.position.id, c.since]))
      .toEqual([['LPN_STAGED_TOO_LONG', 'lpn_1', '2026-01-01T10:00:00Z']]);
  });

  it('a worker still in a zone longer than the idle limit; a worker in no zone is not idle there', () => {
    const idle = pos({ kind: 'worker', id: 'alice', zone: 'A', locationId: null, locationType: null });
    const nowhere = pos({ kind: 'worker', id: 'bob', zone: null, locationId: null, locationType: null });
    expect(alertConditions([idle, nowhere], new Date('2026-01-01T10:10:01Z'), limits).map((c) => [c.type, c.position.id]))
      .toEqual([['WORKER_IDLE', 'alice']]);
  });

  it('raises what holds and is not open, clears what is open and no longer holds', () => {
    const holding = alertConditions([pos({}), pos({ id: 'lpn_3' })], new Date('2026-01-02T00:00:00Z'), limits);
    const open = [{ type: 'LPN_STAGED_TOO_LONG' as const, kind: 'lpn', trackedId: 'lpn_1' }, { type: 'LPN_STAGED_TOO_LONG' as const, kind: 'lpn', trackedId: 'lpn_9' }];
    const { raise, clear } = reconcileAlerts(open, holding);
    expect(raise.map((c) => c.position.id)).toEqual(['lpn_3']);
    expect(clear.map((a) => a.trackedId)).toEqual(['lpn_9']);
  });
});
