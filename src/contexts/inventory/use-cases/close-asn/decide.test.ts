import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideCloseAsn, type CloseAsnState } from './decide.ts';

const spec = deciderSpec(decideCloseAsn);
const state = (status: 'OPEN' | 'RECEIVING' | 'CLOSED' | 'CANCELLED', lines: CloseAsnState['lines'] = []): CloseAsnState => ({
  asn: { id: 'asn_1', site_id: SITE, status, supplier: 'ACME' }, lines,
});

describe('closing an ASN', () => {
  it('records under, over and damaged receipts as discrepancies and announces them', () => {
    const lines = [
      { line_no: 1, sku: 'SKU-A', lot: '', quantity: 10, received: 8, damaged: 2 },
      { line_no: 2, sku: 'SKU-B', lot: 'L1', quantity: 5, received: 6, damaged: 0 },
      { line_no: 3, sku: 'SKU-C', lot: '', quantity: 4, received: 4, damaged: 0 },
    ];
    spec.given(state('RECEIVING', lines)).when({ asnId: 'asn_1' }).then((d) => {
      expect(d.discrepancies.map((x) => [x.lineNo, x.kind, x.quantity])).toEqual([[1, 'UNDER', 2], [1, 'DAMAGED', 2], [2, 'OVER', 1]]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.asn.closed.v1']);
      expect(d.events[0]!.data).toMatchObject({ asnId: 'asn_1', supplier: 'ACME', discrepancies: d.discrepancies });
    });
  });

  it('closes an ASN received as expected with no discrepancy, and one nothing arrived against as all UNDER', () => {
    spec.given(state('RECEIVING', [{ line_no: 1, sku: 'SKU-A', lot: '', quantity: 3, received: 3, damaged: 0 }])).when({ asnId: 'asn_1' })
      .then((d) => expect(d.discrepancies).toEqual([]));
    spec.given(state('OPEN', [{ line_no: 1, sku: 'SKU-A', lot: '', quantity: 3, received: 0, damaged: 0 }])).when({ asnId: 'asn_1' })
      .then((d) => expect(d.discrepancies.map((x) => [x.kind, x.quantity])).toEqual([['UNDER', 3]]));
  });

  it('refuses to close with a scanned-in LPN nothing of which is booked, unless the close says so (its lines UNDER)', () => {
    const lines = [{ line_no: 1, sku: 'SKU-A', lot: '', quantity: 6, received: 0, damaged: 0 }];
    spec.given({ ...state('OPEN', lines), unbookedLpns: ['PAL-7'] }).when({ asnId: 'asn_1' })
      .thenRejects('ILLEGAL_TRANSITION', { message: /PAL-7 was scanned in/ });
    spec.given({ ...state('OPEN', lines), unbookedLpns: ['PAL-7'] }).when({ asnId: 'asn_1', acceptUnbooked: true })
      .then((d) => expect(d.discrepancies.map((x) => [x.kind, x.quantity])).toEqual([['UNDER', 6]]));
  });

  it('refuses an unknown ASN and one already closed or cancelled', () => {
    spec.given({ asn: undefined, lines: [] }).when({ asnId: 'asn_9' }).thenRejects('NOT_FOUND');
    spec.given(state('CLOSED')).when({ asnId: 'asn_1' }).thenRejects('ILLEGAL_TRANSITION');
    spec.given(state('CANCELLED')).when({ asnId: 'asn_1' }).thenRejects('ILLEGAL_TRANSITION');
  });
});
