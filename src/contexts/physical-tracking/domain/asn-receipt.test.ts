import { describe, expect, it } from 'vitest';
import { asnLinesToReceive } from './asn-receipt.ts';

const line = (asn_id: string, sku: string) => ({ asn_id, sku, quantity: 12 });

describe("an ASN's LPN is received once", () => {
  it('receives the lines of the ASNs whose LPN of the label was not received yet', () => {
    const announced = [line('asn_1', 'A'), line('asn_1', 'B'), line('asn_2', 'A')];
    expect(asnLinesToReceive('X', announced, new Map())).toEqual({ ok: true, value: announced });
    expect(asnLinesToReceive('X', announced, new Map([['asn_1', { lpnId: 'lpn_1', status: 'CONSUMED' }]]))).toEqual({ ok: true, value: [line('asn_2', 'A')] });
  });

  it('refuses a label whose every ASN was received already, whatever the LPN became (409 LPN_CODE_TAKEN)', () => {
    const refused = asnLinesToReceive('X', [line('asn_1', 'A')], new Map([['asn_1', { lpnId: 'lpn_1', status: 'CONSUMED' }]]));
    expect(refused).toMatchObject({ ok: false, code: 'LPN_CODE_TAKEN', errors: [{ field: '/barcode', message: 'already received' }] });
    expect(refused.ok === false && refused.message).toContain('lpn_1, now CONSUMED');
  });
});
