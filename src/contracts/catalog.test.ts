import { describe, expect, it } from 'vitest';
import { lotRule } from './catalog.ts';

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
