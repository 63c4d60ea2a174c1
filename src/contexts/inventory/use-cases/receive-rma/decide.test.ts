import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { counter, location, rmaLine, rmaRow, SITE } from '../decider-fixtures.ts';
import { decideReceiveRma, type ReceiveRmaCommand, type ReceiveRmaState } from './decide.ts';

const spec = deciderSpec(decideReceiveRma);
const returnsDock = location({ id: 'loc_ret', code: 'RET-01', type: 'RECEIVING' });
const state: ReceiveRmaState = { rma: rmaRow(), lines: [rmaLine()], location: returnsDock, products: new Map([['SKU-A', { lotControlled: false }]]) };
const receive = (o: Partial<ReceiveRmaCommand> = {}): ReceiveRmaCommand => ({
  rmaId: 'rma_1', locationCode: 'RET-01', lines: [{ lineId: '1', quantity: 2 }], newMovementId: counter('mov'), ...o,
});

describe('receiving against an RMA', () => {
  it('lands the units in QUARANTINE at the location scanned (RECEIPT, reason RMA) and the RMA is RECEIVED', () => {
    spec.given(state).when(receive()).then((d) => {
      expect(d.status).toBe('RECEIVED');
      expect(d.receipts).toEqual([{ key: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_ret', lot: '', status: 'QUARANTINE' }, quantity: 2 }]);
      expect(d.movements).toEqual([expect.objectContaining({ id: 'mov_1', type: 'RECEIPT', status: 'QUARANTINE', deltaOnHand: 2, reason: 'RMA', reference: 'rma_1' })]);
      expect(d.lines).toEqual([{ lineId: '1', received: 2, lot: '', locationId: 'loc_ret' }]);
    });
  });

  it('refuses an over-receipt, counting what arrived before and earlier lines of the same request', () => {
    spec.given(state).when(receive({ lines: [{ lineId: '1', quantity: 4 }] })).thenRejects('OVER_RECEIPT', { fields: ['/lines/0/quantity'] });
    spec.given({ ...state, rma: rmaRow({ status: 'RECEIVED' }), lines: [rmaLine({ received: 2, received_location_id: 'loc_ret' })] })
      .when(receive({ lines: [{ lineId: '1', quantity: 2 }] })).thenRejects('OVER_RECEIPT', { message: /2 arrived already/ });
    spec.given(state).when(receive({ lines: [{ lineId: '1', quantity: 2 }, { lineId: '1', quantity: 2 }] })).thenRejects('OVER_RECEIPT');
  });

  it('a line\'s units wait at one location under one lot', () => {
    spec.given({ ...state, lines: [rmaLine({ received: 1, received_location_id: 'loc_other' })] }).when(receive({ lines: [{ lineId: '1', quantity: 1 }] }))
      .thenRejects('UNPROCESSABLE');
  });

  it('a lot-controlled product\'s units arrive under their lot, as any receipt of it (no lot-less balance of it)', () => {
    const lotted: ReceiveRmaState = { ...state, products: new Map([['SKU-A', { lotControlled: true }]]) };
    spec.given(lotted).when(receive()).thenRejects('UNPROCESSABLE', { fields: ['/lines/0/lot'] });
    spec.given(lotted).when(receive({ lines: [{ lineId: '1', quantity: 2, lot: 'L7' }] })).then((d) => {
      expect(d.lines).toEqual([{ lineId: '1', received: 2, lot: 'L7', locationId: 'loc_ret' }]);
    });
  });

  it('refuses a lot for a product that is not lot-controlled; a line whose units already wait under a lot takes the rest under it', () => {
    spec.given(state).when(receive({ lines: [{ lineId: '1', quantity: 2, lot: 'L7' }] }))
      .thenRejects('UNPROCESSABLE', { message: /not lot-controlled/, fields: ['/lines/0/lot'] });
    spec.given({ ...state, lines: [rmaLine({ received: 1, lot: 'L7', received_location_id: 'loc_ret' })] })
      .when(receive({ lines: [{ lineId: '1', quantity: 1, lot: 'L7' }] })).then((d) => expect(d.receipts[0]!.key.lot).toBe('L7'));
  });

  it('refuses an unknown RMA, line or location, a blocked location, no lines, and a closed or cancelled RMA', () => {
    spec.given({ ...state, rma: undefined }).when(receive()).thenRejects('NOT_FOUND');
    spec.given(state).when(receive({ lines: [{ lineId: '9', quantity: 1 }] })).thenRejects('VALIDATION_FAILED', { fields: ['/lines/0/lineId'] });
    spec.given(state).when(receive({ lines: [] })).thenRejects('VALIDATION_FAILED');
    spec.given({ ...state, location: undefined }).when(receive()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ ...state, location: { ...returnsDock, status: 'BLOCKED' } }).when(receive()).thenRejects('LOCATION_NOT_ACTIVE');
    spec.given({ ...state, rma: rmaRow({ status: 'CANCELLED' }) }).when(receive()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...state, rma: rmaRow({ status: 'CLOSED' }) }).when(receive()).thenRejects('ILLEGAL_TRANSITION');
  });
});
