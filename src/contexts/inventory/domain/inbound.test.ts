import { describe, expect, it } from 'vitest';
import { asnLifecycle, discrepancies, lpnLabelCode, matchLine, putawayLifecycle, putawayTargetTypes, spreadOverLines, unbookedLpns, type AsnLineFacts } from './inbound.ts';

const line = (o: Partial<AsnLineFacts> = {}): AsnLineFacts => ({ line_no: 1, sku: 'SKU-A', lot: '', quantity: 10, received: 0, damaged: 0, ...o });

describe('the ASN and putaway lifecycles', () => {
  it('reach every state from the initial ones', () => {
    expect(asnLifecycle.unreachable()).toEqual([]);
    expect(putawayLifecycle.unreachable()).toEqual([]);
  });

  it('cancel an ASN only before anything was received, and end in CLOSED or CANCELLED', () => {
    expect(asnLifecycle.can('OPEN', 'CANCELLED')).toBe(true);
    expect(asnLifecycle.can('RECEIVING', 'CANCELLED')).toBe(false);
    expect(asnLifecycle.can('RECEIVING', 'RECEIVING')).toBe(true);
    expect(asnLifecycle.can('CLOSED', 'RECEIVING')).toBe(false);
    expect(asnLifecycle.can('CANCELLED', 'CLOSED')).toBe(false);
  });
});

describe('matching a scan to an ASN line', () => {
  const lines = [line({ line_no: 1, lot: 'L1', received: 10 }), line({ line_no: 2, lot: 'L1' }), line({ line_no: 3, sku: 'SKU-B' }), line({ line_no: 4, lot: 'L2' })];

  it('takes the first line of the SKU and lot with units still expected', () => {
    expect(matchLine(lines, 'SKU-A', 'L1')?.line_no).toBe(2);
    expect(matchLine(lines, 'SKU-B', 'ANY')?.line_no).toBe(3);
  });

  it('takes a fully received line when it is the only one (an over-receipt)', () => {
    expect(matchLine([line({ received: 10 })], 'SKU-A', '')?.line_no).toBe(1);
  });

  it('finds nothing for another SKU or lot, or a named line that does not match', () => {
    expect(matchLine(lines, 'SKU-C', '')).toBeUndefined();
    expect(matchLine(lines, 'SKU-A', 'L9')).toBeUndefined();
    expect(matchLine(lines, 'SKU-A', 'L1', 3)).toBeUndefined();
    expect(matchLine(lines, 'SKU-A', 'L2', 4)?.line_no).toBe(4);
  });

  it('spreads a scan over the lines of its SKU and lot in line order, the last taking what is beyond them', () => {
    const spread = (q: number, lineNo?: number): unknown[] => {
      const s = spreadOverLines(lines, 'SKU-A', 'L1', q, lineNo);
      return [s.parts.map((p) => [p.line.line_no, p.quantity]), s.open, s.matching];
    };
    // Line 1 is full: line 2 takes 7 of its 10.
    expect(spread(7)).toEqual([[[2, 7]], 10, 2]);
    expect(spread(12)).toEqual([[[2, 12]], 10, 2]);
    const two = [line({ quantity: 2 }), line({ line_no: 2, lot: 'L1', quantity: 3 }), line({ line_no: 3, lot: 'L2', quantity: 9 })];
    expect(spreadOverLines(two, 'SKU-A', 'L1', 4).parts.map((p) => [p.line.line_no, p.quantity])).toEqual([[1, 2], [2, 2]]);
    expect(spreadOverLines(two, 'SKU-A', 'L2', 4).parts.map((p) => [p.line.line_no, p.quantity])).toEqual([[1, 2], [3, 2]]);
    // A named line takes all the units alone.
    expect(spread(30, 2)).toEqual([[[2, 30]], 10, 1]);
    expect(spreadOverLines(lines, 'SKU-C', '', 1)).toEqual({ parts: [], open: 0, matching: 0 });
  });
});

describe('discrepancies at close', () => {
  it('reports over, under and damaged units per line, nothing for a line received as expected', () => {
    expect(discrepancies([
      line({ line_no: 2, received: 12, damaged: 1 }), line({ line_no: 1, received: 10 }), line({ line_no: 3, lot: 'L1', received: 4 }),
    ])).toEqual([
      { lineNo: 2, sku: 'SKU-A', lot: null, kind: 'OVER', expected: 10, received: 12, damaged: 1, quantity: 2 },
      { lineNo: 2, sku: 'SKU-A', lot: null, kind: 'DAMAGED', expected: 10, received: 12, damaged: 1, quantity: 1 },
      { lineNo: 3, sku: 'SKU-A', lot: 'L1', kind: 'UNDER', expected: 10, received: 4, damaged: 0, quantity: 6 },
    ]);
  });
});

describe('putaway targets', () => {
  it('puts good stock into storage and damaged or quarantined stock into quarantine', () => {
    expect(putawayTargetTypes('AVAILABLE')).toEqual(['STORAGE', 'PICK_FACE', 'RESERVE']);
    expect(putawayTargetTypes('DAMAGED')).toEqual(['QUARANTINE']);
    expect(putawayTargetTypes('QUARANTINE')).toEqual(['QUARANTINE']);
  });
});

describe('pallets scanned in at the dock', () => {
  it('compares labels as physical tracking reads them, and names those none of whose lines has a unit booked', () => {
    expect(lpnLabelCode('(00)106141411234567897')).toBe('106141411234567897');
    expect(lpnLabelCode(' PAL-7 ')).toBe('PAL-7');
    const lines = [
      { expected_lpn: '00106141411234567897', received: 0, damaged: 0 },
      { expected_lpn: 'PAL-7', received: 0, damaged: 1 },
      { expected_lpn: null, received: 0, damaged: 0 },
    ];
    expect(unbookedLpns([{ code: '106141411234567897' }, { code: 'PAL-7' }, { code: 'ELSEWHERE' }], lines)).toEqual(['106141411234567897']);
  });
});
