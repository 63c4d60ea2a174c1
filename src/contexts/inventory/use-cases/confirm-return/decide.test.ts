import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { ReturnRow } from '../../store.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideConfirmReturn, type ConfirmReturnCommand, type ConfirmReturnState } from './decide.ts';

const spec = deciderSpec(decideConfirmReturn);
const at = new Date('2026-05-01T10:00:00Z');
const ret = (o: Partial<ReturnRow> = {}): ReturnRow => ({
  id: 'rtn_1', site_id: SITE, owner_id: 'own_default', order_id: 'ord_1', sku: 'SKU-A', lot: '', quantity: 3, returned: 0, from_location_id: 'IN_PROCESS:ord_1',
  suggested_location_id: 'loc_a', status: 'OPEN', confirmed_location_id: null, confirmed_by: null, confirmed_at: null, cancel_reason: null, created_at: at,
  updated_at: at, ...o,
});
const elsewhere = location({ id: 'loc_b', code: 'B-01' });
const state: ConfirmReturnState = {
  ret: ret(), location: elsewhere, targetPickable: true, tote: { on_hand: 3, reserved: 0, expires_on: '2027-01-01', first_received_at: at },
  earlierScan: undefined,
};
const confirm = (o: Partial<ConfirmReturnCommand> = {}): ConfirmReturnCommand => ({
  returnId: 'rtn_1', locationCode: 'B-01', movementId: 'mov_9', workerId: 'ana', ...o,
});

describe('confirming a return to stock by scan', () => {
  it('moves the units out of the tote to the location scanned, not the one suggested, and completes the return', () => {
    spec.given(state).when(confirm()).then((d) => {
      if (d.replay) throw new Error('not a replay');
      expect(d.quantity).toBe(3);
      expect(d.from).toEqual({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot: '', status: 'AVAILABLE' });
      expect(d.to.locationId).toBe('loc_b');
      expect(d.expiresOn).toBe('2027-01-01');
      expect(d.movements.map((m) => [m.type, m.locationId, m.deltaOnHand, m.reason, m.reference])).toEqual([
        ['MOVE', 'IN_PROCESS:ord_1', -3, 'RETURN_TO_STOCK', 'rtn_1'], ['MOVE', 'loc_b', 3, 'RETURN_TO_STOCK', 'rtn_1'],
      ]);
      // Out of the tote (not promisable) into a pickable location: back in ATP.
      expect(d.unpickable).toBe(-3);
      expect([d.returned, d.status]).toEqual([3, 'COMPLETED']);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.returned.v1', 'inventory.stock.return-confirmed.v1']);
      expect(d.events[1]!.data).toMatchObject({ locationId: 'loc_b', suggestedLocationId: 'loc_a', remaining: 0, status: 'COMPLETED', workerId: 'ana' });
    });
  });

  it('a partial confirm leaves the rest open; units put at a location nobody picks from stay out of ATP', () => {
    spec.given({ ...state, targetPickable: false }).when(confirm({ quantity: 1 })).then((d) => {
      if (d.replay) throw new Error('not a replay');
      expect([d.returned, d.status, d.unpickable]).toEqual([1, 'OPEN', 0]);
    });
  });

  it('a retried scan (same scanId, same content) changes nothing; other content under that scanId is refused', () => {
    const earlierScan = { id: 'mov_1', return_id: 'rtn_1', scan_id: 's1', location_id: 'loc_b', quantity: 3, confirmed_by: 'ana', confirmed_at: at };
    const done = { ...state, ret: ret({ returned: 3, status: 'COMPLETED' }), earlierScan };
    spec.given(done).when(confirm({ scanId: 's1' })).then((d) => expect(d.replay).toBe(true));
    spec.given(done).when(confirm({ scanId: 's1', quantity: 2 })).thenRejects('SCAN_ID_REUSED');
    spec.given({ ...done, location: location({ id: 'loc_c' }) }).when(confirm({ scanId: 's1' })).thenRejects('SCAN_ID_REUSED');
  });

  it('refuses a return that does not exist, or one already completed', () => {
    spec.given({ ...state, ret: undefined }).when(confirm()).thenRejects('NOT_FOUND');
    spec.given({ ...state, ret: ret({ returned: 3, status: 'COMPLETED' }) }).when(confirm()).thenRejects('ILLEGAL_TRANSITION');
  });

  it('refuses a location that does not exist, is another site\'s, is blocked, inactive or under count, or is a tote', () => {
    spec.given({ ...state, location: undefined }).when(confirm()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ ...state, location: location({ siteId: 'site_2' }) }).when(confirm()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ ...state, location: location({ status: 'BLOCKED' }) }).when(confirm()).thenRejects('LOCATION_NOT_ACTIVE');
    spec.given({ ...state, location: location({ status: 'INACTIVE' }) }).when(confirm()).thenRejects('LOCATION_NOT_ACTIVE');
    spec.given({ ...state, targetUnderCount: true }).when(confirm()).thenRejects('LOCATION_UNDER_COUNT', { fields: ['/locationCode'] });
    spec.given({ ...state, location: undefined }).when(confirm({ locationCode: undefined, locationId: 'IN_PROCESS:ord_2' })).thenRejects('UNPROCESSABLE');
    spec.given(state).when(confirm({ locationId: 'loc_b' })).thenRejects('VALIDATION_FAILED');
  });

  it('refuses more than the return has open, and no units at all', () => {
    spec.given({ ...state, ret: ret({ returned: 2 }) }).when(confirm({ quantity: 2 })).thenRejects('QUANTITY_EXCEEDS_OPEN', { message: /1 unit/ });
    spec.given(state).when(confirm({ quantity: 0 })).thenRejects('VALIDATION_FAILED');
  });
});
