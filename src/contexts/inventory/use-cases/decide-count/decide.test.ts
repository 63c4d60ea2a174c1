import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideCountApproval, type CountApprovalCommand, type CountApprovalState } from './decide.ts';

const spec = deciderSpec(decideCountApproval);
const waiting = {
  id: 'cnt_1', site_id: SITE, owner_id: 'own_default', location_id: 'loc_a', sku: 'SKU-A', lot: 'L1', status: 'AWAITING_APPROVAL' as const, tolerance_units: 0, tolerance_percent: null,
};
const given: CountApprovalState = {
  count: waiting, variance: -3, balance: { on_hand: 10, reserved: 0 }, skuStock: { on_hand_available: 10, unpickable: 10, allocated: 0 }, pickable: false, paused: true,
};
const cmd = (o: Partial<CountApprovalCommand> = {}): CountApprovalCommand => ({ countId: 'cnt_1', approve: true, decidedBy: 'usr_boss', movementId: 'mov_c', ...o });

describe('approve or reject a count', () => {
  it('applies the recount\'s variance on approval and closes the count', () => {
    spec.given(given).when(cmd()).then((d) => {
      expect(d.status).toBe('COMPLETED');
      expect(d.adjustment?.movement).toMatchObject({ type: 'COUNT', lot: 'L1', deltaOnHand: -3, reference: 'cnt_1' });
      expect(d.events[0]?.data).toMatchObject({ status: 'COMPLETED', variance: -3, applied: -3, decidedBy: 'usr_boss' });
    });
  });

  it('adjusts nothing on rejection, with the reason recorded', () => {
    spec.given(given).when(cmd({ approve: false, reason: 'miscounted, box behind the rack' })).then((d) => {
      expect([d.status, d.adjustment]).toEqual(['REJECTED', null]);
      expect(d.events[0]?.data).toMatchObject({ status: 'REJECTED', applied: 0, movementId: null, reason: 'miscounted, box behind the rack' });
    });
  });

  it('abandons an OPEN or RECOUNT count on rejection: nothing adjusted, the task of the attempt nobody submitted named for withdrawal', () => {
    spec.given({ ...given, count: { ...waiting, status: 'OPEN' }, variance: undefined }).when(cmd({ approve: false, reason: 'counter sent home' })).then((d) => {
      expect([d.status, d.adjustment]).toEqual(['REJECTED', null]);
      expect(d.events[0]?.data).toMatchObject({ status: 'REJECTED', variance: 0, applied: 0, withdrawnTaskReference: 'cnt_1' });
    });
    spec.given({ ...given, count: { ...waiting, status: 'RECOUNT' }, variance: -4 }).when(cmd({ approve: false, reason: 'rack inspection first' })).then((d) => {
      expect(d.events[0]?.data).toMatchObject({ status: 'REJECTED', variance: -4, applied: 0, withdrawnTaskReference: 'cnt_1:recount' });
    });
    spec.given(given).when(cmd({ approve: false, reason: 'x' })).then((d) => expect(d.events[0]?.data).not.toHaveProperty('withdrawnTaskReference'));
  });

  it('refuses a rejection without a reason, a count not awaiting approval and an unknown one', () => {
    spec.given(given).when(cmd({ approve: false })).thenRejects('VALIDATION_FAILED', { fields: ['/reason'] });
    spec.given({ ...given, count: { ...waiting, status: 'RECOUNT' } }).when(cmd()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...given, count: { ...waiting, status: 'OPEN' } }).when(cmd()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...given, count: { ...waiting, status: 'REJECTED' } }).when(cmd({ approve: false, reason: 'x' })).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...given, count: { ...waiting, status: 'COMPLETED' } }).when(cmd({ approve: false, reason: 'x' })).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...given, count: undefined }).when(cmd()).thenRejects('NOT_FOUND');
    // Segregation of duties: a person who counted or recounted (by worker or by user) may not approve; another may, and
    // the counter may still reject (nothing is applied).
    const counted = { ...given, submittedBy: [{ workerId: 'alice', actorId: 'usr_alice' }, { workerId: 'bob', actorId: 'key_handheld' }] };
    spec.given(counted).when(cmd({ approver: { userId: 'usr_bob', workerId: 'bob' } })).thenRejects('OWN_COUNT_APPROVAL', { message: /bob submitted a count/ });
    spec.given(counted).when(cmd({ approver: { userId: 'usr_alice', workerId: 'alice-2' } })).thenRejects('OWN_COUNT_APPROVAL');
    // A worker id ignores letter case (ADR 0019): the handheld's BOB is the manager bob.
    spec.given(counted).when(cmd({ approver: { userId: 'usr_bob', workerId: 'BOB' } })).thenRejects('OWN_COUNT_APPROVAL');
    spec.given(counted).when(cmd({ approver: { userId: 'usr_carol', workerId: 'carol' } })).then((d) => expect(d.status).toBe('COMPLETED'));
    spec.given(counted).when(cmd({ approver: { userId: 'usr_bob', workerId: 'bob' }, approve: false, reason: 'recount again' })).then((d) => expect(d.status).toBe('REJECTED'));
  });

  it('refuses to apply a loss the reserved or allocated units forbid', () => {
    spec.given({ ...given, balance: { on_hand: 10, reserved: 8 } }).when(cmd()).thenRejects('INSUFFICIENT_STOCK');
  });

  it('refuses to apply units found over the books by a lot-less count of a lot-controlled product (they have no lot); a rejection closes it', () => {
    const lotless = { ...given, count: { ...waiting, lot: '' }, variance: 2, lotControlled: true };
    spec.given(lotless).when(cmd()).thenRejects('UNPROCESSABLE', { message: /lot-controlled/, fields: ['/lot'] });
    spec.given(lotless).when(cmd({ approve: false, reason: 'found units of lot L9: adjusted in under it' }))
      .then((d) => expect([d.status, d.adjustment]).toEqual(['REJECTED', null]));
    spec.given({ ...lotless, variance: -2 }).when(cmd()).then((d) => expect(d.adjustment?.delta).toBe(-2));
  });
});
