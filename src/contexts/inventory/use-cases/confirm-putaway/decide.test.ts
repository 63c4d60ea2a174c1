import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { PutawayRow } from '../../inbound-store.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideConfirmPutaway, type ConfirmPutawayCommand, type ConfirmPutawayState } from './decide.ts';

const spec = deciderSpec(decideConfirmPutaway);
const at = new Date('2026-05-01T10:00:00Z');
const dock = location({ id: 'loc_dock', code: 'RCV-01', type: 'RECEIVING' });
const shelf = location({ id: 'loc_b', code: 'B-01', type: 'STORAGE' });
const putaway = (o: Partial<PutawayRow> = {}): PutawayRow => ({
  id: 'put_1', site_id: SITE, owner_id: 'own_default', receipt_movement_id: 'mov_0', asn_id: 'asn_1', line_no: 1, sku: 'SKU-A', lot: '', stock_status: 'AVAILABLE', quantity: 6,
  put_away: 0, from_location_id: 'loc_dock', suggested_location_id: 'loc_a', status: 'OPEN', confirmed_location_id: null, confirmed_by: null,
  confirmed_at: null, created_at: at, ...o,
});
const state: ConfirmPutawayState = {
  putaway: putaway(), earlierScan: undefined,
  move: { product: { sku: 'SKU-A' }, from: dock, to: shelf, fromPickable: false, toPickable: true, fromUnderCount: false, toUnderCount: false,
    source: { on_hand: 6, reserved: 0, expires_on: null, first_received_at: at } },
};
const confirm = (o: Partial<ConfirmPutawayCommand> = {}): ConfirmPutawayCommand => ({ putawayId: 'put_1', locationCode: 'B-01', movementId: 'mov_9', workerId: 'ana', ...o });

describe('confirming a putaway by scan', () => {
  it('moves the units from the dock to the location scanned, not the one suggested, as PUTAWAY movements, and completes it', () => {
    spec.given(state).when(confirm()).then((d) => {
      if (d.replay) throw new Error('not a replay');
      expect([d.putAway, d.status]).toEqual([6, 'COMPLETED']);
      expect(d.move.movements.map((m) => [m.id, m.type, m.locationId, m.deltaOnHand, m.reason, m.reference])).toEqual([
        ['mov_9', 'PUTAWAY', 'loc_dock', -6, 'PUTAWAY', 'put_1'], [undefined, 'PUTAWAY', 'loc_b', 6, 'PUTAWAY', 'put_1'],
      ]);
      // From a receiving location (not promisable) into storage: the units join ATP.
      expect(d.move.unpickable).toBe(-6);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.moved.v1', 'inventory.stock.putaway-confirmed.v1']);
      expect(d.events[1]!.data).toMatchObject({ locationId: 'loc_b', suggestedLocationId: 'loc_a', putAway: 6, remaining: 0, putawayStatus: 'COMPLETED', workerId: 'ana' });
    });
  });

  it('a partial confirm leaves the rest open', () => {
    spec.given(state).when(confirm({ quantity: 2 })).then((d) => {
      if (d.replay) throw new Error('not a replay');
      expect([d.putAway, d.status, d.move.quantity]).toEqual([2, 'OPEN', 2]);
    });
  });

  it('puts damaged units only into a quarantine location', () => {
    const damaged = { ...state, putaway: putaway({ stock_status: 'DAMAGED' }) };
    spec.given(damaged).when(confirm()).thenRejects('PUTAWAY_TARGET_NOT_ALLOWED', { message: /QUARANTINE/, fields: ['/locationCode'] });
    spec.given({ ...damaged, move: { ...state.move, to: location({ id: 'loc_q', type: 'QUARANTINE' }), toPickable: false } }).when(confirm({ locationId: 'loc_q', locationCode: undefined }))
      .then((d) => { if (!d.replay) expect(d.move.unpickable).toBe(0); });
  });

  it('keeps back the quarantined units an RMA awaits inspection for at the dock (HELD_BY_INSPECTION naming it); units beyond them are put away', () => {
    const qa = location({ id: 'loc_q', type: 'QUARANTINE' });
    const returned: ConfirmPutawayState = {
      putaway: putaway({ stock_status: 'QUARANTINE', quantity: 3 }), earlierScan: undefined,
      move: { ...state.move, to: qa, toPickable: false, source: { on_hand: 2, reserved: 0, expires_on: null, first_received_at: at }, awaitingInspection: [{ rmaId: 'rma_1', units: 2 }] },
    };
    spec.given(returned).when(confirm({ locationId: 'loc_q', locationCode: undefined, quantity: 2 }))
      .thenRejects('HELD_BY_INSPECTION', { fields: ['/quantity'], message: /rma_1/ });
    spec.given({ ...returned, move: { ...returned.move, source: { on_hand: 5, reserved: 0, expires_on: null, first_received_at: at } } })
      .when(confirm({ locationId: 'loc_q', locationCode: undefined })).then((d) => { if (!d.replay) expect(d.putAway).toBe(3); });
  });

  it('refuses good units into a location that is not storage, a pick face or reserve', () => {
    spec.given({ ...state, move: { ...state.move, to: location({ id: 'loc_p', type: 'PACK_STATION' }) } }).when(confirm()).thenRejects('PUTAWAY_TARGET_NOT_ALLOWED');
  });

  it('a retried scan (same scanId, same content) changes nothing; other content under that scanId is refused', () => {
    const earlierScan = { id: 'mov_1', putaway_id: 'put_1', scan_id: 's1', location_id: 'loc_b', quantity: 6, confirmed_by: 'ana', confirmed_at: at };
    const done = { ...state, putaway: putaway({ put_away: 6, status: 'COMPLETED' }), earlierScan };
    spec.given(done).when(confirm({ scanId: 's1' })).then((d) => expect(d.replay).toBe(true));
    spec.given(done).when(confirm({ scanId: 's1', quantity: 2 })).thenRejects('SCAN_ID_REUSED');
  });

  it('refuses an unknown putaway, a completed one, and more than is open', () => {
    spec.given({ ...state, putaway: undefined }).when(confirm()).thenRejects('NOT_FOUND');
    spec.given({ ...state, putaway: putaway({ put_away: 6, status: 'COMPLETED' }) }).when(confirm()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...state, putaway: putaway({ put_away: 5 }) }).when(confirm({ quantity: 2 })).thenRejects('QUANTITY_EXCEEDS_OPEN', { message: /1 unit/ });
  });

  it('refuses bad scans with the move\'s codes: unknown, another site\'s, blocked, the dock itself, a tote; and units gone from the dock', () => {
    spec.given({ ...state, move: { ...state.move, to: undefined } }).when(confirm()).thenRejects('UNKNOWN_LOCATION', { fields: ['/locationCode'] });
    spec.given({ ...state, move: { ...state.move, to: location({ siteId: 'site_2' }) } }).when(confirm()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ ...state, move: { ...state.move, to: location({ id: 'loc_b', status: 'BLOCKED' }) } }).when(confirm()).thenRejects('LOCATION_NOT_ACTIVE');
    spec.given({ ...state, move: { ...state.move, to: dock } }).when(confirm({ locationCode: 'RCV-01' })).thenRejects('UNPROCESSABLE');
    spec.given(state).when(confirm({ locationCode: undefined, locationId: 'IN_PROCESS:ord_1' })).thenRejects('UNPROCESSABLE');
    // Both named: the message speaks of the request's own fields, not of the move it becomes.
    spec.given(state).when(confirm({ locationId: 'loc_b' })).thenRejects('VALIDATION_FAILED', { fields: ['/locationId'], message: /^Give exactly one of locationId and locationCode$/ });
    spec.given({ ...state, move: { ...state.move, source: { on_hand: 6, reserved: 0, expires_on: null, first_received_at: at } } })
      .when(confirm({ quantity: 0 })).thenRejects('VALIDATION_FAILED');
    spec.given({ ...state, move: { ...state.move, source: { on_hand: 3, reserved: 0, expires_on: null, first_received_at: at } } })
      .when(confirm()).thenRejects('INSUFFICIENT_STOCK');
  });
});
