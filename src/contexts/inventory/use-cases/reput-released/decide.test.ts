import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { closestFreePolicy, type PutawayCandidate } from '../../domain/putaway-policy.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideReputReleased, decideWithdrawReleased, type HeldPutaway, type ReputCommand, type ReputState } from './decide.ts';

const spec = deciderSpec(decideReputReleased);
const dock = location({ id: 'loc_dock', type: 'RECEIVING', x: 0, y: 0 });
const near: PutawayCandidate = { location: location({ id: 'loc_near', type: 'STORAGE', x: 3, y: 0 }), capacity: null,
  contents: { units: 0, volumeCm3: 0, weightG: 0, skus: [] } };
const state: ReputState = { dock, available: 6, covered: 0, unit: null, candidates: [near], policy: closestFreePolicy };
const cmd: ReputCommand = { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', lot: '', locationId: 'loc_dock', released: 4, releaseMovementId: 'mov_r', putawayId: 'put_1' };

describe('held units released at the dock', () => {
  it('given no OPEN putaway, when 4 are released at a receiving location, then a putaway of 4 to the nearest free location is requested', () => {
    spec.given(state).when(cmd).then((d) => {
      expect(d?.putaway).toMatchObject({ quantity: 4, from_location_id: 'loc_dock', suggested_location_id: 'loc_near', receipt_movement_id: 'mov_r', asn_id: null });
      expect(d?.events.map((e) => e.type)).toEqual(['inventory.stock.putaway-requested.v1']);
    });
  });

  it('requests no more than OPEN putaways leave uncovered, and nothing away from a receiving location', () => {
    spec.given({ ...state, covered: 4 }).when(cmd).then((d) => expect(d?.putaway.quantity).toBe(2));
    spec.given({ ...state, covered: 6 }).when(cmd).then((d) => expect(d).toBeNull());
    spec.given({ ...state, dock: location({ id: 'loc_shelf', type: 'STORAGE' }) }).when(cmd).then((d) => expect(d).toBeNull());
  });
});

describe('a putaway of the status released units leave', () => {
  const put = (id: string, quantity: number, putAway = 0): HeldPutaway => ({ id, site_id: SITE, owner_id: 'own_default', sku: 'SKU-A', lot: '',
    stock_status: 'QUARANTINE', quantity, put_away: putAway, from_location_id: 'loc_dock' });
  const cmd = { released: 4, releaseMovementId: 'mov_r' };

  it('covering only the released units: cancelled (its task withdrawn), what it put away kept in the event', () => {
    const steps = decideWithdrawReleased({ putaways: [put('put_1', 6, 2)], covered: 4, left: 0 }, cmd);
    expect(steps).toHaveLength(1);
    expect(steps[0]!.kind).toBe('CANCEL');
    expect(steps[0]!.event).toMatchObject({ type: 'inventory.stock.putaway-cancelled.v1', data: { putawayId: 'put_1', status: 'QUARANTINE', putAway: 2, remaining: 4 } });
  });

  it('covering more: reduced to the units left in the status, newest first, and said (putaway-reduced); none given up while the status still has them', () => {
    const [reduced, ...more] = decideWithdrawReleased({ putaways: [put('put_1', 10, 1)], covered: 9, left: 5 }, cmd);
    expect(more).toEqual([]);
    expect(reduced).toMatchObject({ putawayId: 'put_1', kind: 'REDUCE', quantity: 6, event: { type: 'inventory.stock.putaway-reduced.v1', subject: 'put_1',
      data: { putawayId: 'put_1', status: 'QUARANTINE', previousQuantity: 10, quantity: 6, putAway: 1, remaining: 5, movementId: 'mov_r', fromLocationId: 'loc_dock' } } });
    const two = decideWithdrawReleased({ putaways: [put('put_1', 5), put('put_2', 3)], covered: 8, left: 4 }, cmd);
    expect(two.map((s) => [s.putawayId, s.quantity, s.kind])).toEqual([['put_2', 3, 'CANCEL'], ['put_1', 4, 'REDUCE']]);
    expect(decideWithdrawReleased({ putaways: [put('put_1', 3)], covered: 3, left: 5 }, cmd)).toEqual([]);
  });

  it('says why the units left when told (a lost LPN found elsewhere took them off the dock)', () => {
    const why = 'taken off the receiving location by lost LPN lpn_1 found at loc_shelf (move mov_r): nothing left there to put away';
    const [cancelled] = decideWithdrawReleased({ putaways: [put('put_1', 4)], covered: 4, left: 0 }, { ...cmd, why });
    expect(cancelled!.event.data).toMatchObject({ reason: why });
    const [reduced] = decideWithdrawReleased({ putaways: [put('put_1', 10)], covered: 10, left: 6 }, { ...cmd, why });
    expect(reduced!.event.data).toMatchObject({ reason: `4 units ${why}`, quantity: 6 });
  });
});
