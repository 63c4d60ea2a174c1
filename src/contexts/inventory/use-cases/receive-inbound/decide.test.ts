import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { closestFreePolicy, type PutawayCandidate } from '../../domain/putaway-policy.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideInboundReceipt, type InboundReceiptCommand, type InboundReceiptState } from './decide.ts';

const spec = deciderSpec(decideInboundReceipt);
const dock = location({ id: 'loc_dock', code: 'RCV-01', type: 'RECEIVING', x: 0, y: 0 });
const empty = { units: 0, volumeCm3: 0, weightG: 0, skus: [] };
const at = (id: string, type: 'STORAGE' | 'PICK_FACE' | 'QUARANTINE', x: number): PutawayCandidate => ({
  location: location({ id, code: id.toUpperCase(), type, x, y: 0 }), capacity: null, contents: empty,
});
const line = (o: Partial<InboundReceiptState['lines'][number]> = {}) => ({ line_no: 1, sku: 'SKU-A', lot: '', quantity: 10, received: 0, damaged: 0, ...o });
const state: InboundReceiptState = {
  receive: { product: { lotControlled: false, expiryControlled: false }, location: dock, pickable: false },
  asn: { id: 'asn_1', site_id: SITE, status: 'OPEN' }, lines: [line()], unit: { volumeCm3: 1000, weightG: 500 },
  candidates: [at('far', 'PICK_FACE', 40), at('near', 'STORAGE', 5), at('qua', 'QUARANTINE', 50)], policy: closestFreePolicy,
};
const scan = (o: Partial<InboundReceiptCommand> = {}): InboundReceiptCommand => ({
  asnId: 'asn_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', quantity: 4, locationId: 'loc_dock', movementId: 'mov_1', putawayId: 'put_1', ...o,
});

describe('receiving at the dock', () => {
  it('receives against the ASN line at the receiving location and asks for a putaway to the nearest free storage', () => {
    spec.given(state).when(scan()).then((d) => {
      expect(d.receipt.key).toEqual({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_dock', lot: '', status: 'AVAILABLE' });
      // At a receiving location the units are on hand but not promisable.
      expect([d.receipt.available, d.receipt.unpickable]).toEqual([4, 4]);
      expect(d.lines).toEqual([{ asnId: 'asn_1', lineNo: 1, received: 4, damaged: 0 }]);
      expect(d.asnStarts).toBe(true);
      expect(d.putaway).toMatchObject({ id: 'put_1', receipt_movement_id: 'mov_1', from_location_id: 'loc_dock', suggested_location_id: 'near', quantity: 4,
        stock_status: 'AVAILABLE', asn_id: 'asn_1', line_no: 1 });
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.received.v1', 'inventory.stock.putaway-requested.v1']);
      expect(d.events[1]!.data).toMatchObject({ putawayId: 'put_1', suggestedLocationId: 'near', fromLocationId: 'loc_dock', asnId: 'asn_1' });
    });
  });

  it('receives damaged units onto the DAMAGED balance, counts them damaged on the line, and suggests a quarantine location', () => {
    spec.given({ ...state, asn: { id: 'asn_1', site_id: SITE, status: 'RECEIVING' } }).when(scan({ status: 'DAMAGED', quantity: 2 })).then((d) => {
      expect(d.receipt.key.status).toBe('DAMAGED');
      expect([d.receipt.available, d.receipt.unpickable]).toEqual([0, 0]);
      expect(d.lines).toMatchObject([{ received: 2, damaged: 2 }]);
      expect(d.asnStarts).toBe(false);
      expect(d.putaway.suggested_location_id).toBe('qua');
    });
  });

  it('receives good units straight into QUARANTINE, not counted damaged', () => {
    spec.given(state).when(scan({ status: 'QUARANTINE' })).then((d) => {
      expect(d.receipt.key.status).toBe('QUARANTINE');
      expect(d.lines).toMatchObject([{ received: 4, damaged: 0 }]);
    });
  });

  it('receives blind (no ASN): no line, a putaway all the same; no location fits → no suggestion', () => {
    spec.given({ ...state, asn: undefined, lines: [], candidates: [] }).when(scan({ asnId: undefined })).then((d) => {
      expect(d.lines).toEqual([]);
      expect(d.putaway).toMatchObject({ asn_id: null, line_no: null, suggested_location_id: null });
    });
  });

  it('refuses more than the line still expects unless acceptOver, then takes it all', () => {
    const partly = { ...state, lines: [line({ received: 8 })] };
    spec.given(partly).when(scan({ quantity: 3 })).thenRejects('OVER_RECEIPT', { message: /expects 2 more/, fields: ['/quantity'] });
    spec.given(partly).when(scan({ quantity: 3, acceptOver: true })).then((d) => expect(d.lines.map((l) => l.received)).toEqual([3]));
  });

  it('spreads a scan without lineNo over the lines of that SKU and lot in line order (2 + 3: 4 then 1 fill both); refuses only beyond their sum', () => {
    const twice = { ...state, lines: [line({ quantity: 2 }), line({ line_no: 2, quantity: 3 }), line({ line_no: 3, sku: 'SKU-B', quantity: 9 })] };
    spec.given(twice).when(scan({ quantity: 4 })).then((d) => {
      expect(d.lines).toEqual([{ asnId: 'asn_1', lineNo: 1, received: 2, damaged: 0 }, { asnId: 'asn_1', lineNo: 2, received: 2, damaged: 0 }]);
      // One receipt, one movement, one putaway (named by the first line it filled).
      expect(d.receipt.quantity).toBe(4);
      expect(d.putaway).toMatchObject({ quantity: 4, line_no: 1 });
    });
    const after = { ...twice, lines: [line({ quantity: 2, received: 2 }), line({ line_no: 2, quantity: 3, received: 2 }), twice.lines[2]!] };
    spec.given(after).when(scan({ quantity: 1 })).then((d) => expect(d.lines).toEqual([{ asnId: 'asn_1', lineNo: 2, received: 1, damaged: 0 }]));
    spec.given(twice).when(scan({ quantity: 6 })).thenRejects('OVER_RECEIPT', { message: /expect 5 more/, fields: ['/quantity'] });
    // With acceptOver the lines are filled in order and the last takes the rest (OVER at close); damaged units spread alike.
    spec.given(twice).when(scan({ quantity: 6, acceptOver: true })).then((d) => expect(d.lines.map((l) => [l.lineNo, l.received])).toEqual([[1, 2], [2, 4]]));
    spec.given(twice).when(scan({ quantity: 3, status: 'DAMAGED' })).then((d) => expect(d.lines.map((l) => [l.lineNo, l.received, l.damaged])).toEqual([[1, 2, 2], [2, 1, 1]]));
    // A named line is received on that line alone, as before.
    spec.given(twice).when(scan({ quantity: 3, lineNo: 1 })).thenRejects('OVER_RECEIPT', { message: /Line 1 .* expects 2 more/ });
  });

  it('refuses a SKU or lot the ASN does not expect, and a named line of another SKU', () => {
    spec.given(state).when(scan({ sku: 'SKU-B' })).thenRejects('NOT_ON_ASN', { fields: ['/sku'] });
    const lotted = { ...state, receive: { ...state.receive, product: { lotControlled: true, expiryControlled: false } }, lines: [line({ lot: 'L1' })] };
    spec.given(lotted).when(scan({ lot: 'L2' })).thenRejects('NOT_ON_ASN');
    spec.given(state).when(scan({ lineNo: 2 })).thenRejects('NOT_ON_ASN', { fields: ['/lineNo'] });
  });

  it('refuses a lot scanned for a product that is not lot-controlled, as any receipt (lotRule)', () => {
    spec.given(state).when(scan({ lot: 'L1' })).thenRejects('UNPROCESSABLE', { fields: ['/lot'] });
  });

  it('receives without a lot a line announced under one for a product that is not (or no longer) lot-controlled: the lot is stale, not the units', () => {
    spec.given({ ...state, lines: [line({ lot: 'L1' })] }).when(scan()).then((d) => {
      expect(d.receipt.key.lot).toBe('');
      expect(d.lines).toMatchObject([{ lineNo: 1, received: 4 }]);
    });
  });

  it('refuses an unknown ASN and one that is closed or cancelled', () => {
    spec.given({ ...state, asn: undefined }).when(scan()).thenRejects('NOT_FOUND');
    spec.given({ ...state, asn: { id: 'asn_1', site_id: SITE, status: 'CLOSED' } }).when(scan()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...state, asn: { id: 'asn_1', site_id: SITE, status: 'CANCELLED' } }).when(scan()).thenRejects('ILLEGAL_TRANSITION');
  });

  it('refuses a location that is not a receiving one, and a site without a receiving location to default to', () => {
    spec.given({ ...state, receive: { ...state.receive, location: location({ id: 'loc_a' }) } }).when(scan({ locationId: 'loc_a' }))
      .thenRejects('NOT_A_RECEIVING_LOCATION', { fields: ['/locationId'] });
    spec.given(state).when(scan({ locationId: undefined })).thenRejects('NO_RECEIVING_LOCATION');
  });

  it('keeps the receive rules: unknown SKU, lot required, bad quantity, a status a receipt cannot have', () => {
    spec.given({ ...state, receive: { ...state.receive, product: undefined } }).when(scan()).thenRejects('UNKNOWN_SKU');
    spec.given({ ...state, receive: { ...state.receive, product: { lotControlled: true, expiryControlled: false } } }).when(scan()).thenRejects('UNPROCESSABLE');
    spec.given(state).when(scan({ quantity: 0 })).thenRejects('VALIDATION_FAILED');
    spec.given(state).when(scan({ status: 'HOLD' as never })).thenRejects('VALIDATION_FAILED', { fields: ['/status'] });
  });
});
