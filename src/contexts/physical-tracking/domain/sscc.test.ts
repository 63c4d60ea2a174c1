import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyLpnBarcode, gs1CheckDigit, isValidSscc, makeSscc, normaliseSscc } from './sscc.ts';

describe('SSCC-18 check digit (GS1 mod 10)', () => {
  it('matches published examples', () => {
    // The GS1 General Specifications' example SSCC; the label of docs/operations/inbound.md's ASN example (…0018) is
    // not one (its check digit would be 7): inventory keeps the expected LPN as plain text.
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(isValidSscc('003401234500000017')).toBe(true);
    expect(isValidSscc('003401234500000018')).toBe(false);
    expect(gs1CheckDigit('00340123450000001')).toBe(7);
    expect(isValidSscc('(00)106141411234567897')).toBe(true);
    expect(isValidSscc('00106141411234567897')).toBe(true);
  });

  it('refuses a wrong check digit, wrong lengths and letters', () => {
    expect(isValidSscc('106141411234567898')).toBe(false);
    expect(isValidSscc('10614141123456789')).toBe(false);
    expect(isValidSscc('1061414112345678970')).toBe(false);
    expect(isValidSscc('10614141123456789A')).toBe(false);
    expect(normaliseSscc('TOTE-7')).toBeUndefined();
  });

  it('property: every generated serial gets a valid SSCC, and every other last digit is refused', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 9 }),
      fc.stringMatching(/^\d{7,10}$/),
      fc.bigInt({ min: 0n, max: 10n ** 9n - 1n }),
      (extension, prefix, serial) => {
        const reference = serial.toString().padStart(16 - prefix.length, '0').slice(-(16 - prefix.length));
        const sscc = makeSscc(extension, prefix, reference);
        expect(sscc).toMatch(/^\d{18}$/);
        expect(isValidSscc(sscc)).toBe(true);
        expect(classifyLpnBarcode(`(00)${sscc}`)).toEqual({ kind: 'SSCC', code: sscc });
        for (let d = 0; d <= 9; d++) {
          if (String(d) === sscc[17]) continue;
          const wrong = `${sscc.slice(0, 17)}${d}`;
          expect(isValidSscc(wrong)).toBe(false);
          expect(classifyLpnBarcode(wrong)).toEqual({ kind: 'INVALID' });
        }
      },
    ), { numRuns: 2000 });
  });

  it('property: a single changed data digit is always detected', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{17}$/), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (data, at, delta) => {
      const sscc = `${data}${gs1CheckDigit(data)}`;
      const changed = String((Number(data[at]) + delta) % 10);
      const mutated = `${data.slice(0, at)}${changed}${data.slice(at + 1)}${sscc[17]}`;
      expect(isValidSscc(mutated)).toBe(false);
    }), { numRuns: 2000 });
  });

  it('treats anything not 18 digits as an internal code', () => {
    expect(classifyLpnBarcode(' TOTE-0042 ')).toEqual({ kind: 'INTERNAL', code: 'TOTE-0042' });
  });
});
