import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, rmaLine, rmaRow, SITE } from '../decider-fixtures.ts';
import { decideInspectRma, type InspectRmaCommand, type InspectRmaState } from './decide.ts';

const spec = deciderSpec(decideInspectRma);
const at = new Date('2026-05-01T10:00:00Z');
const face = location({ id: 'loc_face', code: 'F-01', type: 'PICK_FACE' });
const received = rmaLine({ received: 3, received_location_id: 'loc_ret', lot: 'L1' });
const state: InspectRmaState = {
  rma: rmaRow({ status: 'RECEIVED' }), lines: [received], target: face, targetPickable: true,
  held: { on_hand: 3, reserved: 0, expires_on: null, first_received_at: at },
};
const inspect = (o: Partial<InspectRmaCommand> = {}): InspectRmaCommand => ({
  rmaId: 'rma_1', lineId: '1', disposition: 'RESTOCK', locationCode: 'F-01', quantity: 2, movementId: 'mov_5', ...o,
});
const noLocation = { locationCode: undefined } as const;

describe('inspecting returned units', () => {
  it('RESTOCK releases them out of QUARANTINE into AVAILABLE at the location scanned (pickable: they join ATP)', () => {
    spec.given(state).when(inspect()).then((d) => {
      expect(d.movements.map((m) => [m.type, m.locationId, m.status, m.deltaOnHand, m.reason])).toEqual([
        ['RELEASE', 'loc_ret', 'QUARANTINE', -2, 'RMA'], ['RELEASE', 'loc_face', 'AVAILABLE', 2, 'RMA'],
      ]);
      expect(d.out).toEqual({ key: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_ret', lot: 'L1', status: 'QUARANTINE' }, quantity: 2 });
      expect(d.restock).toMatchObject({ key: { locationId: 'loc_face', status: 'AVAILABLE', lot: 'L1' }, quantity: 2, unpickable: 0 });
      expect([d.line.restocked, d.status]).toEqual([2, 'RECEIVED']);
      expect(d.events[0]!.data).toMatchObject({ disposition: 'RESTOCK', toPickable: true, status: 'RECEIVED' });
    });
  });

  it('SCRAP and RETURN_TO_VENDOR adjust them out (reason SCRAP / RTV); QUARANTINE keeps them held; the last one makes it INSPECTED', () => {
    spec.given(state).when(inspect({ ...noLocation, disposition: 'SCRAP', quantity: undefined })).then((d) => {
      expect(d.movements).toEqual([expect.objectContaining({ type: 'ADJUST', status: 'QUARANTINE', deltaOnHand: -3, reason: 'SCRAP' })]);
      expect([d.line.scrapped, d.status, d.restock]).toEqual([3, 'INSPECTED', undefined]);
    });
    spec.given(state).when(inspect({ ...noLocation, disposition: 'RETURN_TO_VENDOR', quantity: 1 }))
      .then((d) => expect(d.movements[0]).toMatchObject({ deltaOnHand: -1, reason: 'RTV' }));
    spec.given(state).when(inspect({ ...noLocation, disposition: 'QUARANTINE', quantity: undefined })).then((d) => {
      expect([d.movements, d.out, d.line.quarantined, d.status]).toEqual([[], undefined, 3, 'INSPECTED']);
    });
  });

  it('refuses more than awaits inspection, a line with nothing received, and units no longer where received', () => {
    spec.given(state).when(inspect({ quantity: 4 })).thenRejects('QUANTITY_EXCEEDS_OPEN');
    spec.given({ ...state, lines: [rmaLine()] }).when(inspect({ quantity: undefined })).thenRejects('VALIDATION_FAILED');
    spec.given({ ...state, held: { ...state.held!, on_hand: 1 } }).when(inspect()).thenRejects('INSUFFICIENT_STOCK');
  });

  it('RESTOCK needs an active location of the site, not a tote; only RESTOCK names one', () => {
    spec.given(state).when(inspect(noLocation)).thenRejects('VALIDATION_FAILED', { fields: ['/locationId'] });
    spec.given(state).when(inspect({ disposition: 'SCRAP' })).thenRejects('VALIDATION_FAILED');
    spec.given({ ...state, target: undefined }).when(inspect()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ ...state, target: { ...face, status: 'INACTIVE' } }).when(inspect()).thenRejects('LOCATION_NOT_ACTIVE');
    // A restock elsewhere is a move: neither end may be under count.
    spec.given({ ...state, targetUnderCount: true }).when(inspect()).thenRejects('LOCATION_UNDER_COUNT', { fields: ['/locationCode'] });
    spec.given({ ...state, receivedUnderCount: true }).when(inspect()).thenRejects('LOCATION_UNDER_COUNT', { fields: ['/locationCode'] });
    spec.given({ ...state, target: undefined }).when(inspect({ locationCode: undefined, locationId: 'IN_PROCESS:ord_1' })).thenRejects('UNPROCESSABLE');
  });

  it('refuses an unknown RMA or line, and an RMA that is not RECEIVED', () => {
    spec.given({ ...state, rma: undefined }).when(inspect()).thenRejects('NOT_FOUND');
    spec.given(state).when(inspect({ lineId: '7' })).thenRejects('NOT_FOUND');
    spec.given({ ...state, rma: rmaRow({ status: 'INSPECTED' }) }).when(inspect()).thenRejects('ILLEGAL_TRANSITION');
  });
});
