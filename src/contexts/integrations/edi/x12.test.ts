import { describe, expect, it } from 'vitest';
import { functionalAck, validateOutbound } from './documents.ts';
import { readShippingOrder } from './x940.ts';
import { parseInterchange, writeInterchange, writeSegment } from './x12.ts';

// The structure of the published X12 4010 examples (ISA of 106 characters, one OW group, a 940 with W05, N1 loop,
// LX/W01 detail, W76 total), written here with other delimiters to show they are read from the ISA.
const SAMPLE = [
  'ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261201|1200|U|00401|000000042|0|T|^!',
  'GS|OW|SENDER|RECEIVER|20261201|1200|42|X|004010!',
  'ST|940|0042!', 'W05|N|DEP-1|PO-1!', 'N1|ST|Jane Doe!', 'N3|1 Main St!', 'N4|Springfield|IL|62701!',
  'LX|1!', 'W01|3|EA|012345678905|SK|SKU-1!', 'W76|3!', 'SE|9|0042!',
  'GE|1|42!', 'IEA|1|000000042!',
].join('\r\n');

describe('X12 envelopes', () => {
  it('reads the delimiters from the ISA, and the groups and sets inside it', () => {
    const r = parseInterchange(SAMPLE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.interchange.delimiters).toEqual({ element: '|', component: '^', segment: '!' });
    expect(r.interchange).toMatchObject({ senderQualifier: 'ZZ', senderId: 'SENDER', controlNumber: '000000042', usage: 'T' });
    const set = r.interchange.groups[0]!.sets[0]!;
    expect([set.type, set.controlNumber, set.segments.length, set.envelopeErrors]).toEqual(['940', '0042', 9, []]);
    expect(readShippingOrder(set)).toMatchObject({
      errors: [], order: { depositorOrderNumber: 'DEP-1', purchaseOrderNumber: 'PO-1', shipTo: { name: 'Jane Doe', country: 'US', state: 'IL' }, lines: [{ sku: 'SKU-1', quantity: 3, upc: '012345678905' }] },
    });
  });

  it('finds wrong counts and control numbers in the trailers', () => {
    const r = parseInterchange(SAMPLE.replace('SE|9|0042', 'SE|8|0043').replace('GE|1|42', 'GE|2|41'));
    if (!r.ok) throw new Error('unreadable');
    expect(r.interchange.groups[0]!.envelopeErrors).toEqual([4, 5]);
    expect(r.interchange.groups[0]!.sets[0]!.envelopeErrors).toEqual([3, 4]);
    expect(parseInterchange(SAMPLE.replace('IEA|1|000000042', 'IEA|1|000000043'))).toMatchObject({ ok: false });
    expect(parseInterchange('ISA*00*short~')).toMatchObject({ ok: false });
  });

  it('a count that is no N0 number (digits only) is a wrong count, not read as the number JavaScript makes of it (found by edge9: SE01 "0x9", "9.0", "+9" or "9e0" passed as 9)', () => {
    for (const count of ['0x9', '9.0', '9e0', '+9', '', '9 9']) {
      const r = parseInterchange(SAMPLE.replace('SE|9|0042', `SE|${count}|0042`));
      if (!r.ok) throw new Error('unreadable');
      expect(r.interchange.groups[0]!.sets[0]!.envelopeErrors, count).toEqual([4]);
    }
    for (const count of ['1.0', '0x1', '']) {
      const group = parseInterchange(SAMPLE.replace('GE|1|42', `GE|${count}|42`));
      if (!group.ok) throw new Error('unreadable');
      expect(group.interchange.groups[0]!.envelopeErrors, count).toEqual([5]);
      expect(parseInterchange(SAMPLE.replace('IEA|1|', `IEA|${count}|`)), count).toMatchObject({ ok: false, errors: [{ ta1Code: '021' }] });
    }
    // Leading zeros are digits: a count written 009 is 9.
    const padded = parseInterchange(SAMPLE.replace('SE|9|0042', 'SE|009|0042'));
    expect(padded.ok && padded.interchange.groups[0]!.sets[0]!.envelopeErrors).toEqual([]);
  });

  it('writes interchanges its own reader validates, and refuses values holding a delimiter', () => {
    const d = { element: '*', component: '>', segment: '~' };
    const body = functionalAck({ functionalId: 'OW', controlNumber: '42', envelopeErrors: [] }, [{ type: '940', controlNumber: '0042', setErrors: [], segmentErrors: [] }], d);
    const text = writeInterchange({
      parties: { senderQualifier: 'ZZ', senderId: 'PAKLOG', receiverQualifier: 'ZZ', receiverId: 'SENDER' }, functionalId: 'FA',
      interchangeControl: 7, groupControl: 7, at: new Date('2026-12-01T12:00:00Z'), sets: [{ type: '997', controlNumber: '0001', body }],
    });
    expect(text.split('\n')[0]).toHaveLength(106);
    expect(validateOutbound(text).problems).toEqual([]);
    expect(text).toContain('AK9*A*1*1*1~');
    expect(validateOutbound(text.replace('SE*6*0001', 'SE*5*0001')).problems).toEqual(['set 997 0001: envelope codes 4']);
    expect(() => writeSegment('N1', ['ST', 'A*B'], d)).toThrow(/delimiter/);
  });
});
