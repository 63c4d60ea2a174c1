import { describe, expect, it } from 'vitest';
import { validateOutbound, warehouseReceiptAdvice } from './documents.ts';
import { parseInterchange, writeInterchange, DEFAULT_DELIMITERS } from './x12.ts';
import { readTransferShipment } from './x943.ts';

const set943 = (segments: string[]) => {
  const raw = [
    'ISA*00*          *00*          *ZZ*DEPOT          *ZZ*PAKLOG         *261201*0900*U*00401*000000001*0*T*>~',
    'GS*AR*DEPOT*PAKLOG*20261201*0900*1*X*004010~', 'ST*943*0001~', ...segments, `SE*${segments.length + 2}*0001~`, 'GE*1*1~', 'IEA*1*000000001~',
  ].join('\n');
  const parsed = parseInterchange(raw);
  if (!parsed.ok) throw new Error('unreadable');
  return parsed.interchange.groups[0]!.sets[0]!;
};

describe('943 reader', () => {
  it('reads W06, N1*SF and W04 lines with lots (W04-08 or N9*LT)', () => {
    const read = readTransferShipment(set943([
      'W06*F*DO-1*20261203*SH-1**PO-9~', 'N1*SF*North DC~', 'LX*1~', 'W04*3*EA*012345678905*SK*A-1***L-7~', 'W04*2*EA**VN*B-2~', 'N9*LT*L-8~', 'W03*5~',
    ]));
    expect(read.errors).toEqual([]);
    expect(read.shipment).toMatchObject({
      depositorOrderNumber: 'DO-1', shipmentId: 'SH-1', purchaseOrderNumber: 'PO-9', shippedOn: '2026-12-03', shipFrom: 'North DC',
      lines: [{ sku: 'A-1', quantity: 3, upc: '012345678905', lot: 'L-7', qualifier: 'SK' }, { sku: 'B-2', quantity: 2, lot: 'L-8', qualifier: 'VN' }],
    });
  });
  it('a W03 total that differs, a missing shipment id and an unexpected segment are errors', () => {
    const read = readTransferShipment(set943(['W06*N*DO-1*20261203~', 'N1*SF*North DC~', 'W01*1*EA**SK*A-1~', 'W04*3*EA**SK*A-1~', 'W03*4~']));
    expect(read.shipment).toBeUndefined();
    expect(read.errors.map((e) => [e.segmentId, e.code])).toEqual([['W06', 8], ['W01', 2]]);
  });
});

describe('943 shipment date', () => {
  it('W06-03 must be a day of the calendar: 20260230 is an element error (code 8, invalid date), not a shipment (found by the time hunt)', () => {
    // The pattern took any day 01-31 of any month: 20260230 became expectedOn 2026-02-30, which the database cannot store.
    for (const date of ['20260230', '20270229', '20260431']) {
      const read = readTransferShipment(set943([`W06*N*DO-1*${date}*SH-1~`, 'N1*SF*North DC~', 'W04*3*EA**SK*A-1~']));
      expect(read.shipment, date).toBeUndefined();
      expect(read.errors.map((e) => [e.segmentId, e.elements?.map((x) => [x.position, x.code])]), date).toEqual([['W06', [[3, 8]]]]);
    }
    expect(readTransferShipment(set943(['W06*N*DO-1*20280229*SH-1~', 'N1*SF*North DC~', 'W04*3*EA**SK*A-1~'])).shipment?.shippedOn).toBe('2028-02-29');
  });
});

describe('944 writer', () => {
  it('writes W17, W07 with lots and W13 exceptions that validate', () => {
    const body = warehouseReceiptAdvice({
      asnId: 'asn_0123456789abcdef0123456789abcdef', depositorOrderNumber: 'DO-1', shipmentId: 'SH-1', purchaseOrderNumber: null, shipFrom: 'North DC',
      receivedAt: new Date('2026-12-04T10:00:00Z'),
      lines: [{ sku: 'A-1', qualifier: 'SK', upc: null, lot: 'L-7', expected: 3, received: 4, damaged: 0 }, { sku: 'B-2', qualifier: 'SK', upc: null, lot: null, expected: 2, received: 2, damaged: 0 }],
    }, DEFAULT_DELIMITERS);
    expect(body).toEqual([
      'W17*F*20261204*456789abcdef0123456789abcdef*DO-1**SH-1~'.replace('456789abcdef0123456789abcdef', 'asn_0123456789abcdef0123456789abcdef'.slice(-30)),
      'N9*OQ**asn_0123456789abcdef0123456789abcdef~', 'N1*SF*North DC~', 'W07*4*EA**SK*A-1***L-7~', 'W13*1*EA*03~', 'W07*2*EA**SK*B-2~', 'W14*6~',
    ]);
    const text = writeInterchange({
      parties: { senderQualifier: 'ZZ', senderId: 'PAKLOG', receiverQualifier: 'ZZ', receiverId: 'DEPOT' }, functionalId: 'RE', interchangeControl: 7, groupControl: 7,
      at: new Date('2026-12-04T10:00:00Z'), sets: [{ type: '944', controlNumber: '0001', body }],
    });
    expect(validateOutbound(text).problems).toEqual([]);
  });
});
