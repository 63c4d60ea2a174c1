import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideCreateAsn, type CreateAsnCommand, type CreateAsnState } from './decide.ts';

const spec = deciderSpec(decideCreateAsn);
const known: CreateAsnState = { products: new Map([['SKU-A', { lotControlled: false, expiryControlled: false }], ['SKU-B', { lotControlled: true, expiryControlled: true }]]) };
const asn = (o: Partial<CreateAsnCommand> = {}): CreateAsnCommand => ({
  asnId: 'asn_1', siteId: SITE, ownerId: 'own_default', supplier: 'ACME', expectedOn: '2026-02-01',
  lines: [{ sku: 'SKU-A', quantity: 10 }, { sku: 'SKU-B', quantity: 2, lot: 'L7', expiresOn: '2027-01-01', serials: ['S1', 'S2'], expectedLpn: '00340123450000000017' }],
  ...o,
});

describe('creating an ASN', () => {
  it('numbers the lines from 1 and announces the ASN', () => {
    spec.given(known).when(asn()).then((d) => {
      expect(d.asn.lines.map((l) => [l.lineNo, l.sku, l.lot, l.quantity, l.serials.length, l.expectedLpn])).toEqual([
        [1, 'SKU-A', '', 10, 0, null], [2, 'SKU-B', 'L7', 2, 2, '00340123450000000017'],
      ]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.asn.created.v1']);
      expect(d.events[0]!.data).toMatchObject({ asnId: 'asn_1', supplier: 'ACME', expectedOn: '2026-02-01', lines: [{ lot: null }, { lot: 'L7' }] });
    });
  });

  it("names the ASN's owner in its event: physical tracking's pallet received by the label holds that owner's units (found by the stock hunt)", () => {
    spec.given(known).when(asn({ ownerId: 'own_client' })).then((d) => expect(d.events[0]!.data).toMatchObject({ ownerId: 'own_client' }));
  });

  it('refuses a pallet label another open ASN of the site still expects, read as a scan reads it, naming the line and nothing of that ASN (asn10)', () => {
    // 00340123450000000017 is the SSCC 340123450000000017 behind its AI.
    const taken = { ...known, labelsExpected: new Set(['340123450000000017']) };
    spec.given(taken).when(asn()).thenRejects('LPN_ALREADY_EXPECTED', { fields: ['/lines/1/expectedLpn'] });
    spec.given(taken).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1, expectedLpn: '(00)340123450000000017' }] })).thenRejects('LPN_ALREADY_EXPECTED', { fields: ['/lines/0/expectedLpn'] });
    spec.given(taken).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1, expectedLpn: 'PAL-OWN' }, { sku: 'SKU-A', quantity: 2, expectedLpn: 'PAL-OWN' }] }))
      .then((d) => expect(d.asn.lines.map((l) => l.expectedLpn)).toEqual(['PAL-OWN', 'PAL-OWN']));
  });

  it('refuses an ASN without lines, a blank supplier, bad quantities and dates, naming the fields', () => {
    spec.given(known).when(asn({ lines: [], supplier: ' ', expectedOn: '2026-13-45' })).thenRejects('VALIDATION_FAILED', { fields: ['/supplier', '/expectedOn', '/lines'] });
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 0, expiresOn: 'soon' }] })).thenRejects('VALIDATION_FAILED', { fields: ['/lines/0/quantity', '/lines/0/expiresOn'] });
  });

  it('refuses a control, bidi or invisible character in the supplier, reference, lot, label or a serial, as the REST schema does: ERP and EDI 943 ASNs come here without it (bad-input hunt)', () => {
    spec.given(known).when(asn({ supplier: 'Stone\u001bware', reference: 'DN-1\u202e', lines: [{ sku: 'SKU-A', quantity: 2, lot: 'L\u0007', expectedLpn: 'PAL-1\u200b', serials: ['S1', 'S\n2'] }] }))
      .thenRejects('VALIDATION_FAILED', { fields: ['/supplier', '/reference', '/lines/0/lot', '/lines/0/expectedLpn', '/lines/0/serials/1'] });
    // Edges are trimmed off a supplier (an EDI element may be padded); inside, people's text stays.
    spec.given(known).when(asn({ supplier: ' Müller & Söhne GmbH ' })).then((d) => expect(d.asn.supplier).toBe('Müller & Söhne GmbH'));
  });

  it('refuses a line of more units than the REST schema takes (1,000,000): an EDI 943 W04-01 of 999999999 made an ASN line of it (edge7)', () => {
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1_000_000 }, { sku: 'SKU-A', quantity: 999_999_999 }] }))
      .thenRejects('VALIDATION_FAILED', { fields: ['/lines/1/quantity'] });
  });

  it('refuses more lines than the REST schema takes (1,000): a receipt names its line up to that, so an ERP file or EDI 943 of 1,001 lines made a line no receipt could name (input12)', () => {
    const line = { sku: 'SKU-A', quantity: 1 };
    spec.given(known).when(asn({ lines: Array.from({ length: 1001 }, () => line) })).thenRejects('VALIDATION_FAILED', { fields: ['/lines'] });
    spec.given(known).when(asn({ lines: Array.from({ length: 1000 }, () => line) })).then((d) => expect(d.asn.lines).toHaveLength(1000));
  });

  it('refuses serials that are not one per unit, or announced twice', () => {
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 3, serials: ['S1'] }] })).thenRejects('VALIDATION_FAILED', { fields: ['/lines/0/serials'] });
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1, serials: ['S1'] }, { sku: 'SKU-A', quantity: 1, serials: ['S1'] }] }))
      .thenRejects('VALIDATION_FAILED', { message: /not valid/, fields: ['/lines/1/serials'] });
  });

  it('refuses an expected LPN that reads as an SSCC with a wrong check digit: no LPN can ever carry it', () => {
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1, expectedLpn: '000000000000000001' }] }))
      .thenRejects('VALIDATION_FAILED', { fields: ['/lines/0/expectedLpn'] });
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1, expectedLpn: '(00)003401234500000019' }] }))
      .thenRejects('VALIDATION_FAILED', { fields: ['/lines/0/expectedLpn'] });
    // A valid SSCC (GS1's example) and an internal label are announced as they are.
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1, expectedLpn: '003401234500000017' }, { sku: 'SKU-A', quantity: 1, expectedLpn: 'SUP-PAL-7' }] }))
      .then((d) => expect(d.asn.lines.map((l) => l.expectedLpn)).toEqual(['003401234500000017', 'SUP-PAL-7']));
  });

  it('refuses SKUs the catalog does not know, naming each line', () => {
    spec.given(known).when(asn({ lines: [{ sku: 'NOPE', quantity: 1 }, { sku: 'SKU-A', quantity: 1 }, { sku: 'NADA', quantity: 1 }] }))
      .thenRejects('UNKNOWN_SKU', { fields: ['/lines/0/sku', '/lines/2/sku'] });
  });

  it('refuses a deactivated product, naming its lines (ADR 0045)', () => {
    const retired: CreateAsnState = { products: new Map([...known.products, ['SKU-C', { lotControlled: false, expiryControlled: false, active: false }]]) };
    spec.given(retired).when(asn({ lines: [{ sku: 'SKU-A', quantity: 1 }, { sku: 'SKU-C', quantity: 2 }] }))
      .thenRejects('PRODUCT_INACTIVE', { message: /SKU-C is deactivated/, fields: ['/lines/1/sku'] });
  });

  it('refuses a lot announced for a product that is not lot-controlled, naming the line; a lot-controlled one may come without (the scan gives it)', () => {
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-B', quantity: 1 }, { sku: 'SKU-A', quantity: 2, lot: 'L1' }] }))
      .thenRejects('UNPROCESSABLE', { message: /SKU-A is not lot-controlled/, fields: ['/lines/1/lot'] });
  });

  it('refuses an expiry announced for a product neither lot- nor expiry-controlled, naming the line (found by the bad-input hunt)', () => {
    spec.given(known).when(asn({ lines: [{ sku: 'SKU-B', quantity: 1, expiresOn: '2027-01-01' }, { sku: 'SKU-A', quantity: 2, lot: 'L1', expiresOn: '2027-01-01' }] }))
      .thenRejects('UNPROCESSABLE', { message: /SKU-A is not expiry- or lot-controlled/, fields: ['/lines/1/lot', '/lines/1/expiresOn'] });
  });
});
