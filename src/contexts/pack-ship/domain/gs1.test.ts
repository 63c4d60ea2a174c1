import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeGtin, gs1CheckDigit, isValidGtin, isValidSscc, maxSsccSerial, sscc, ssccHumanReadable } from './gs1.ts';

/**
 * An oracle written the other way round from the implementation: left to right, a digit's weight depends on the
 * parity of its distance from the check digit position (GS1 General Specifications §7.9.1 table).
 */
function oracleCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const fromCheck = body.length - i; // 1 for the digit left of the check digit
    sum += Number(body[i]) * (fromCheck % 2 === 1 ? 3 : 1);
  }
  const nextTen = Math.ceil(sum / 10) * 10;
  return nextTen - sum;
}

describe('GS1 check digits', () => {
  it('match published keys (EAN-13, UPC-A, EAN-8, GTIN-14, SSCC)', () => {
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
    expect(isValidGtin('96385074')).toBe(true);
    expect(isValidGtin('10012345678902')).toBe(true);
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(completeGtin('400638133393')).toBe('4006381333931');
    expect(sscc({ extensionDigit: 1, companyPrefix: '0614141', serial: 123456789 })).toBe('106141411234567897');
  });

  it('refuse a wrong check digit, a wrong length and non-digits', () => {
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('400638133393')).toBe(false);
    expect(isValidGtin('40063813339A1')).toBe(false);
    expect(isValidSscc('106141411234567890')).toBe(false);
    expect(() => gs1CheckDigit('12a')).toThrow(RangeError);
  });

  it('SSCC: 10,000 generated serials are 18 digits, keep their parts and agree with the oracle; one changed digit is caught', () => {
    const arb = fc.record({
      extensionDigit: fc.integer({ min: 0, max: 9 }),
      prefixLength: fc.integer({ min: 6, max: 12 }),
      prefixSeed: fc.bigInt({ min: 0n, max: 999_999_999_999n }),
      serialFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      position: fc.integer({ min: 0, max: 17 }),
      delta: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(fc.property(arb, ({ extensionDigit, prefixLength, prefixSeed, serialFraction, position, delta }) => {
      const companyPrefix = String(prefixSeed).padStart(12, '0').slice(-prefixLength);
      const serial = Math.floor(serialFraction * maxSsccSerial(companyPrefix));
      const value = sscc({ extensionDigit, companyPrefix, serial });
      expect(value).toMatch(/^[0-9]{18}$/);
      expect(value[0]).toBe(String(extensionDigit));
      expect(value.slice(1, 1 + prefixLength)).toBe(companyPrefix);
      expect(Number(value.slice(1 + prefixLength, 17))).toBe(serial);
      expect(Number(value[17])).toBe(oracleCheckDigit(value.slice(0, 17)) % 10);
      expect(isValidSscc(value)).toBe(true);
      // Mod 10 with weights 3 and 1 catches every single-digit error.
      const changed = value.slice(0, position) + String((Number(value[position]) + delta) % 10) + value.slice(position + 1);
      expect(isValidSscc(changed)).toBe(false);
    }), { numRuns: 10_000 });
  });

  it('GTIN: 10,000 generated bodies of every length complete to valid GTINs that agree with the oracle', () => {
    const arb = fc.tuple(fc.constantFrom(7, 11, 12, 13), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 }));
    fc.assert(fc.property(arb, ([length, digits]) => {
      const body = digits.slice(0, length).join('');
      const gtin = completeGtin(body);
      expect(gtin).toHaveLength(length + 1);
      expect(Number(gtin.at(-1))).toBe(oracleCheckDigit(body) % 10);
      expect(isValidGtin(gtin)).toBe(true);
    }), { numRuns: 10_000 });
  });

  it('refuses SSCC parts out of range', () => {
    expect(() => sscc({ extensionDigit: 10, companyPrefix: '0614141', serial: 1 })).toThrow(/extension digit/);
    expect(() => sscc({ extensionDigit: 0, companyPrefix: '12345', serial: 1 })).toThrow(/company prefix/);
    expect(() => sscc({ extensionDigit: 0, companyPrefix: '0614141', serial: 1_000_000_000 })).toThrow(/serial/);
    expect(ssccHumanReadable('106141411234567897', 7)).toBe('(00) 1 0614141 123456789 7');
  });
});
