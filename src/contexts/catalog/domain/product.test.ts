import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, gtinProblem, validateNewProduct, type NewProduct } from './product.ts';

const valid: NewProduct = {
  sku: 'SKU-1', description: 'Mug', gtin: null, uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 90, weightG: 350,
  lotControlled: false, expiryControlled: false, serialControlled: false,
};

describe('GS1 check digit', () => {
  it('accepts real GTIN-8, GTIN-12, GTIN-13 and GTIN-14 codes', () => {
    for (const gtin of ['96385074', '036000291452', '4006381333931', '5901234123457', '10012345678902']) {
      expect(gtinProblem(gtin)).toBeUndefined();
    }
  });

  it('computes the check digit with alternating 3-1 weights from the right', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1);
    expect(gs1CheckDigit('03600029145')).toBe(2);
    expect(gs1CheckDigit('9638507')).toBe(4);
  });

  it('rejects a wrong check digit, a wrong length and non-digits', () => {
    expect(gtinProblem('4006381333932')).toMatch(/check digit \(expected 1\)/);
    expect(gtinProblem('123456789')).toMatch(/8, 12, 13 or 14 digits/);
    expect(gtinProblem('40063813339A1')).toMatch(/digits only/);
  });
});

describe('a new product', () => {
  it('is valid with positive dimensions and a known UoM', () => {
    expect(validateNewProduct(valid)).toEqual([]);
  });

  it('names every offending field', () => {
    const errors = validateNewProduct({ ...valid, sku: 'bad sku', description: ' ', gtin: '4006381333932', lengthMm: 0, weightG: 1.5 });
    expect(errors.map((e) => e.field)).toEqual(['/sku', '/description', '/gtin', '/lengthMm', '/weightG']);
  });
});
