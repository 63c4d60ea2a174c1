import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { ReturnRow } from '../../store.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideCancelReturn, type CancelReturnState } from './decide.ts';

const spec = deciderSpec(decideCancelReturn);
const at = new Date('2026-05-01T10:00:00Z');
const ret = (o: Partial<ReturnRow> = {}): ReturnRow => ({
  id: 'rtn_1', site_id: SITE, owner_id: 'own_default', order_id: 'ord_1', sku: 'SKU-A', lot: '', quantity: 3, returned: 1, from_location_id: 'IN_PROCESS:ord_1',
  suggested_location_id: 'loc_a', status: 'OPEN', confirmed_location_id: null, confirmed_by: null, confirmed_at: null, cancel_reason: null,
  created_at: at, updated_at: at, ...o,
});
const state: CancelReturnState = { ret: ret(), tote: { on_hand: 2, reserved: 0 }, skuStock: { on_hand_available: 10, unpickable: 2, allocated: 8 } };
const cancel = { returnId: 'rtn_1', reason: ' tote lost ', movementId: 'mov_9' };

describe('cancelling a return to stock', () => {
  it('withdraws an OPEN return and writes the units it still covered off the tote (ADJUST, reason LOST, reference = the return)', () => {
    spec.given(state).when(cancel).then((d) => {
      expect(d.writtenOff).toBe(2);
      expect(d.from).toEqual({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot: '', status: 'AVAILABLE' });
      expect(d.movements.map((m) => [m.id, m.type, m.locationId, m.deltaOnHand, m.reason, m.reference])).toEqual([
        ['mov_9', 'ADJUST', 'IN_PROCESS:ord_1', -2, 'LOST', 'rtn_1'],
      ]);
      expect(d.events.map((e) => [e.type, e.data])).toEqual([
        ['inventory.stock.adjusted.v1', { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot: null, delta: -2,
          reason: 'LOST', movementId: 'mov_9' }],
        ['inventory.stock.return-cancelled.v1', { returnId: 'rtn_1', orderId: 'ord_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', lot: null,
          fromLocationId: 'IN_PROCESS:ord_1', returned: 1, writtenOff: 2, movementId: 'mov_9', reason: 'tote lost' }],
      ]);
    });
  });

  it('refuses a blank reason, an unknown return, and one that ended', () => {
    spec.given(state).when({ ...cancel, reason: '  ' }).thenRejects('VALIDATION_FAILED', { fields: ['/reason'] });
    spec.given({ ...state, ret: undefined }).when(cancel).thenRejects('NOT_FOUND');
    spec.given({ ...state, ret: ret({ returned: 3, status: 'COMPLETED' }) }).when(cancel).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...state, ret: ret({ status: 'CANCELLED' }) }).when(cancel).thenRejects('ILLEGAL_TRANSITION');
  });

  it('refuses a write-off that would leave orders allocated beyond the on-hand', () => {
    spec.given({ ...state, skuStock: { on_hand_available: 10, unpickable: 7, allocated: 9 } }).when(cancel).thenRejects('INSUFFICIENT_STOCK');
  });
});
