import { describe, expect, it } from 'vitest';
import { expiryRule, gtin14, lotRule, sameGtin } from './catalog.ts';

const lotControlled = { lotControlled: true };
const plain = { lotControlled: false };

describe('the lot rule for units entering stock', () => {
  it('given a lot-controlled product, when its units name a lot, then they fit', () => {
    expect(lotRule(lotControlled, 'L1')).toBeUndefined();
  });

  it('given a lot-controlled product, when its units name no lot (absent, null or empty), then the lot is required', () => {
    for (const lot of [undefined, null, '']) {
      expect(lotRule(lotControlled, lot)).toEqual({ breach: 'LOT_REQUIRED', message: 'required: the product is lot-controlled' });
    }
  });

  it('given a product that is not lot-controlled, when its units name no lot, then they fit', () => {
    for (const lot of [undefined, null, '']) expect(lotRule(plain, lot)).toBeUndefined();
  });

  it('given a product that is not lot-controlled, when its units name a lot, then the lot is refused', () => {
    expect(lotRule(plain, 'L1')).toEqual({ breach: 'LOT_NOT_ALLOWED', message: 'not lot-controlled: give no lot' });
  });
});

describe('the expiry rule for units entering stock with a date (found by the bad-input hunt)', () => {
  const refused = 'not expiry- or lot-controlled: give no expiresOn';
  it('given a product neither lot- nor expiry-controlled, when its units carry an expiry, then it is refused; without one they fit', () => {
    expect(expiryRule({ lotControlled: false, expiryControlled: false }, '2030-01-01')).toBe(refused);
    for (const day of [undefined, null, '']) expect(expiryRule({ lotControlled: false, expiryControlled: false }, day)).toBeUndefined();
  });

  it('given a lot- or expiry-controlled product, when its units carry an expiry, then they fit (a lot may be dated, an expiry-controlled product must be)', () => {
    for (const product of [{ lotControlled: true, expiryControlled: false }, { lotControlled: false, expiryControlled: true }, { lotControlled: true, expiryControlled: true }]) {
      expect(expiryRule(product, '2030-01-01')).toBeUndefined();
    }
  });
});

describe('one GTIN in its GS1 lengths (found by the bad-input hunt)', () => {
  it('pads a GTIN-8, -12 or -13 to its GTIN-14; other strings are no GTIN', () => {
    expect(['96385074', '012345678905', '0012345678905', '00012345678905'].map(gtin14)).toEqual(['00000096385074', '00012345678905', '00012345678905', '00012345678905']);
    for (const code of ['12345678905', 'SKU-1', '', '0123456789012345']) expect(gtin14(code)).toBeUndefined();
  });

  it('matches a scan to a GTIN written in another length, and nothing to no GTIN', () => {
    expect(sameGtin('0012345678905', '012345678905')).toBe(true);
    expect(sameGtin('4006381333931', '04006381333931')).toBe(true);
    expect(sameGtin('4006381333932', '4006381333931')).toBe(false);
    expect(sameGtin('SKU-1', null)).toBe(false);
  });
});
