import { describe, expect, it } from 'vitest';
import { replenishmentLifecycle } from '../../domain/replenishment.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { ReplenishmentRow } from '../../replenishment-store.ts';
import { location, SITE } from '../decider-fixtures.ts';
import {
  decideCancelReplenishment, decideConfirmReplenishment, type ConfirmReplenishmentCommand, type ConfirmReplenishmentState,
} from './decide.ts';

const spec = deciderSpec(decideConfirmReplenishment);
const at = new Date('2026-05-01T10:00:00Z');
const rpl = (o: Partial<ReplenishmentRow> = {}): ReplenishmentRow => ({
  id: 'rpl_1', site_id: SITE, owner_id: 'own_default', sku: 'SKU-A', lot: 'L1', from_location_id: 'loc_r', to_location_id: 'loc_face', quantity: 7, moved: 0,
  status: 'OPEN', trigger: 'WAVE_DEMAND', trigger_reference: 'wav_1', confirmed_by: null, confirmed_at: null, created_at: at, updated_at: at, ...o,
});
const face = location({ id: 'loc_face', code: 'F-01', type: 'PICK_FACE' });
const state: ConfirmReplenishmentState = {
  replenishment: rpl(), scanned: face, fromPickable: true, toPickable: true,
  source: { on_hand: 20, reserved: 2, expires_on: '2027-01-01', first_received_at: at },
};
const confirm = (o: Partial<ConfirmReplenishmentCommand> = {}): ConfirmReplenishmentCommand => ({
  replenishmentId: 'rpl_1', locationCode: 'F-01', movementId: 'mov_9', workerId: 'ana', ...o,
});

describe('confirming a replenishment by scanning the face', () => {
  it('moves the units from reserve into the face (an ordinary MOVE, reason REPLENISH) and completes it', () => {
    spec.given(state).when(confirm()).then((d) => {
      expect(d.quantity).toBe(7);
      expect(d.movements.map((m) => [m.type, m.locationId, m.lot, m.deltaOnHand, m.reason, m.reference])).toEqual([
        ['MOVE', 'loc_r', 'L1', -7, 'REPLENISH', 'rpl_1'], ['MOVE', 'loc_face', 'L1', 7, 'REPLENISH', 'rpl_1'],
      ]);
      expect([d.expiresOn, d.unpickable]).toEqual(['2027-01-01', 0]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.moved.v1', 'inventory.replenishment.completed.v1']);
      expect(d.events[1]!.data).toMatchObject({ replenishmentId: 'rpl_1', moved: 7, workerId: 'ana' });
    });
  });

  it('fewer units when fewer were found; from a blocked reserve the units join ATP', () => {
    spec.given({ ...state, fromPickable: false }).when(confirm({ quantity: 3 })).then((d) => expect([d.quantity, d.unpickable]).toEqual([3, -3]));
  });

  it('into a location nobody picks from, never leaves fewer pickable units than are allocated to orders', () => {
    const toStaging = { ...state, toPickable: false };
    spec.given({ ...toStaging, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 8 } }).when(confirm({ quantity: 3 }))
      .thenRejects('INSUFFICIENT_STOCK', { message: /fewer pickable units than are allocated/ });
    spec.given({ ...toStaging, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 7 } }).when(confirm({ quantity: 3 }))
      .then((d) => expect([d.quantity, d.unpickable]).toEqual([3, 3]));
  });

  it('refuses a scan of another location than the face, an unknown one, or a face not active', () => {
    spec.given({ ...state, scanned: location({ id: 'loc_b', code: 'B-01' }) }).when(confirm({ locationCode: 'B-01' })).thenRejects('WRONG_LOCATION');
    spec.given({ ...state, scanned: undefined }).when(confirm()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ ...state, scanned: { ...face, status: 'BLOCKED' } }).when(confirm()).thenRejects('LOCATION_NOT_ACTIVE');
  });

  it('refuses more than asked, more than free at the source, nothing at all, and an unknown or finished replenishment', () => {
    spec.given(state).when(confirm({ quantity: 8 })).thenRejects('QUANTITY_EXCEEDS_OPEN');
    spec.given({ ...state, source: { ...state.source!, on_hand: 8, reserved: 4 } }).when(confirm()).thenRejects('INSUFFICIENT_STOCK', { message: /4 free/ });
    // Emptied (or held) since the request: the message names the way out, not a confirm of 0 (refused).
    spec.given({ ...state, source: { ...state.source!, on_hand: 4, reserved: 4 } }).when(confirm()).thenRejects('INSUFFICIENT_STOCK', { message: /0 free.*cancels the replenishment/ });
    spec.given(state).when(confirm({ quantity: 0 })).thenRejects('VALIDATION_FAILED');
    spec.given({ ...state, replenishment: undefined }).when(confirm()).thenRejects('NOT_FOUND');
    spec.given({ ...state, replenishment: rpl({ status: 'COMPLETED' }) }).when(confirm()).thenRejects('ILLEGAL_TRANSITION');
  });
});

describe('cancelling a replenishment', () => {
  const cancel = deciderSpec(decideCancelReplenishment);
  it('never brings units of a source lot that has expired since the request (INSUFFICIENT_STOCK naming it); on its last day they move', () => {
    const dated = { ...state, source: { ...state.source!, expires_on: '2027-01-01' } };
    spec.given(dated).when(confirm(), new Date('2027-01-02T08:00:00Z')).thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'], message: /expired on 2027-01-01/ });
    spec.given(dated).when(confirm(), new Date('2027-01-01T08:00:00Z')).then((d) => expect(d.quantity).toBe(7));
  });

  it('withdraws an open one (tasks withdraws its task); a finished one stays', () => {
    cancel.given({ replenishment: rpl() }).when({ replenishmentId: 'rpl_1', reason: 'face refilled' })
      .then((d) => expect(d.events.map((e) => e.type)).toEqual(['inventory.replenishment.cancelled.v1']));
    cancel.given({ replenishment: rpl({ status: 'CANCELLED' }) }).when({ replenishmentId: 'rpl_1', reason: 'x' }).thenRejects('ILLEGAL_TRANSITION');
    cancel.given({ replenishment: undefined }).when({ replenishmentId: 'rpl_9', reason: 'x' }).thenRejects('NOT_FOUND');
  });

  it('the lifecycle table reaches every state', () => {
    expect(replenishmentLifecycle.unreachable()).toEqual([]);
  });
});
