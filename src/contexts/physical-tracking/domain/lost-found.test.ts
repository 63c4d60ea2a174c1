import { describe, expect, it } from 'vitest';
import type { LpnStatus } from '../../../contracts/physical-tracking.ts';
import type { ContentLine } from './contents.ts';
import { decideFound, decideLost, type LpnFacts } from './lost-found.ts';

const at = new Date('2026-12-03T10:00:00Z');
const units = (sku: string, quantity: number, orderId: string | null = null): ContentLine =>
  ({ sku, lot: null, serial: null, owner: null, orderId, quantity });
const lpn = (id: string, status: LpnStatus, contents: ContentLine[] = [], parent: string | null = null): LpnFacts =>
  ({ id, site_id: 'sit_1', code: `C-${id}`, status, parent_id: parent, location_id: 'loc_A', contents });

describe('an LPN reported lost', () => {
  it('is LOST with the live LPNs inside it, out of its container, at the place it was; the event names their units', () => {
    const d = decideLost([
      lpn('lpn_1', 'CLOSED', [units('MUG', 4)], 'lpn_0'), lpn('lpn_2', 'OPEN', [units('CUP', 2), units('CUP', 1, 'ord_1')], 'lpn_1'),
      lpn('lpn_3', 'CONSUMED', [], 'lpn_1'),
    ], { reason: ' fell behind the rack ', at });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.changes).toEqual([{ id: 'lpn_1', status: 'LOST', parentId: null }, { id: 'lpn_2', status: 'LOST' }]);
    expect(d.value.losses).toEqual([{ lpnId: 'lpn_1', statusBefore: 'CLOSED' }, { lpnId: 'lpn_2', statusBefore: 'OPEN' }]);
    expect(d.value.event).toMatchObject({
      lpnId: 'lpn_1', code: 'C-lpn_1', reason: 'fell behind the rack', locationId: 'loc_A', at: at.toISOString(),
      lpns: [{ lpnId: 'lpn_1', previousStatus: 'CLOSED' }, { lpnId: 'lpn_2', previousStatus: 'OPEN' }],
      lines: [
        { lpnId: 'lpn_1', sku: 'MUG', quantity: 4, orderId: null }, { lpnId: 'lpn_2', sku: 'CUP', quantity: 2, orderId: null },
        { lpnId: 'lpn_2', sku: 'CUP', quantity: 1, orderId: 'ord_1' },
      ],
    });
  });

  it('is refused when it left the floor, is lost already, or no reason is given', () => {
    for (const status of ['SHIPPED', 'CONSUMED', 'LOST'] as const) {
      expect(decideLost([lpn('lpn_1', status)], { reason: 'gone', at })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    }
    expect(decideLost([lpn('lpn_1', 'LOST')], { reason: 'gone', at })).toMatchObject({ message: 'LPN C-lpn_1 is LOST already' });
    expect(decideLost([lpn('lpn_1', 'OPEN')], { reason: '  ', at })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });
});

describe('a lost LPN found', () => {
  const losses = new Map([
    ['lpn_1', { statusBefore: 'STAGED' as const, locationId: 'loc_A' }], ['lpn_2', { statusBefore: 'OPEN' as const, locationId: 'loc_A' }],
  ]);

  it('resumes OPEN or CLOSED at the location, with the LPNs lost inside it; the event says where it was and is', () => {
    const d = decideFound([lpn('lpn_1', 'LOST'), lpn('lpn_2', 'LOST', [], 'lpn_1'), lpn('lpn_3', 'CONSUMED', [], 'lpn_1')], losses,
      { locationId: 'loc_B', at });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.changes).toEqual([
      { id: 'lpn_1', status: 'CLOSED', locationId: 'loc_B', parentId: null }, { id: 'lpn_2', status: 'OPEN', locationId: 'loc_B' },
    ]);
    expect(d.value.event).toMatchObject({
      lpnId: 'lpn_1', locationId: 'loc_B', lostAtLocationId: 'loc_A', lpns: [{ lpnId: 'lpn_1', status: 'CLOSED' }, { lpnId: 'lpn_2', status: 'OPEN' }],
    });
  });

  it('is refused for an LPN that is not LOST, and a LOST one without its loss is a broken invariant', () => {
    expect(decideFound([lpn('lpn_1', 'OPEN')], losses, { locationId: 'loc_B', at })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(() => decideFound([lpn('lpn_9', 'LOST')], losses, { locationId: 'loc_B', at })).toThrow(/without an open loss/);
  });
});
