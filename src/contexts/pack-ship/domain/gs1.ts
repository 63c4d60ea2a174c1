/**
 * GS1 identification keys (GS1 General Specifications §3 and §7.9): the mod-10 check digit every GTIN and SSCC ends
 * with, and the SSCC-18 that names one logistic unit (a package) for its whole life. Pure functions, no I/O.
 */

const DIGITS = /^[0-9]+$/;

/**
 * The GS1 mod-10 check digit of `body` (the key without its check digit): from the right, digits are weighted 3, 1,
 * 3, 1…; the check digit takes the sum up to the next multiple of ten.
 */
export function gs1CheckDigit(body: string): number {
  if (!DIGITS.test(body)) throw new RangeError(`GS1 key body must be digits, got "${body}"`);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `key` is all digits, of one of `lengths`, and ends with its right check digit. */
export function isValidGs1Key(key: string, lengths: readonly number[]): boolean {
  if (!DIGITS.test(key) || !lengths.includes(key.length)) return false;
  return gs1CheckDigit(key.slice(0, -1)) === key.charCodeAt(key.length - 1) - 48;
}

/** GTIN-8, -12 (UPC-A), -13 (EAN-13) and -14. */
export const GTIN_LENGTHS = [8, 12, 13, 14] as const;
export const isValidGtin = (gtin: string): boolean => isValidGs1Key(gtin, GTIN_LENGTHS);

/** A GTIN body (7, 11, 12 or 13 digits) completed with its check digit. */
export function completeGtin(body: string): string {
  if (!GTIN_LENGTHS.includes((body.length + 1) as (typeof GTIN_LENGTHS)[number])) {
    throw new RangeError(`A GTIN body has 7, 11, 12 or 13 digits, got ${body.length}`);
  }
  return body + String(gs1CheckDigit(body));
}

/** A GS1 company prefix has 6 to 12 digits (GS1 issues 7 to 10 in practice; 6 and 11–12 exist in some regions). */
export function validCompanyPrefix(prefix: string): boolean {
  return DIGITS.test(prefix) && prefix.length >= 6 && prefix.length <= 12;
}

/** The largest serial reference an SSCC with this company prefix can carry (16 digits shared between both). */
export const maxSsccSerial = (companyPrefix: string): number => 10 ** (16 - companyPrefix.length) - 1;

/**
 * SSCC-18: extension digit (0–9, the company's choice, e.g. per site or per packing line), GS1 company prefix,
 * serial reference zero-padded to fill 16 digits with the prefix, then the check digit over the 17.
 */
export function sscc(input: { readonly extensionDigit: number; readonly companyPrefix: string; readonly serial: number }): string {
  const { extensionDigit, companyPrefix, serial } = input;
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9) throw new RangeError(`SSCC extension digit must be 0-9, got ${extensionDigit}`);
  if (!validCompanyPrefix(companyPrefix)) throw new RangeError(`GS1 company prefix must be 6-12 digits, got "${companyPrefix}"`);
  const max = maxSsccSerial(companyPrefix);
  if (!Number.isSafeInteger(serial) || serial < 0 || serial > max) throw new RangeError(`SSCC serial must be 0-${max} with prefix ${companyPrefix}, got ${serial}`);
  const body = `${extensionDigit}${companyPrefix}${String(serial).padStart(16 - companyPrefix.length, '0')}`;
  return body + String(gs1CheckDigit(body));
}

export const isValidSscc = (value: string): boolean => isValidGs1Key(value, [18]);

/** The human-readable form printed under a GS1-128 SSCC barcode: `(00) 0 0614141 123456789 0`-style grouping. */
export function ssccHumanReadable(value: string, companyPrefixLength: number): string {
  return `(00) ${value[0] ?? ''} ${value.slice(1, 1 + companyPrefixLength)} ${value.slice(1 + companyPrefixLength, 17)} ${value[17] ?? ''}`;
}
