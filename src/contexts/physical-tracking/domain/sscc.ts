/**
 * GS1 SSCC-18 (Serial Shipping Container Code): an extension digit, a GS1 company prefix and a serial reference (17
 * digits in all), then a mod-10 check digit (GS1 General Specifications §7.9.1: weights 3 and 1 alternating from the
 * rightmost data digit, the check digit brings the weighted sum to a multiple of ten). Pure functions, no I/O. The
 * check itself is the published language's (inventory checks the labels an ASN announces with it).
 */
import { gs1CheckDigit, isValidSscc, normaliseSscc } from '../../../contracts/physical-tracking.ts';

export { gs1CheckDigit, isValidSscc, normaliseSscc };

/** Builds an SSCC from its extension digit (0–9), company prefix and serial reference (together 16 digits). */
export function makeSscc(extension: number, companyPrefix: string, serialReference: string): string {
  const data = `${extension}${companyPrefix}${serialReference}`;
  if (!/^\d{17}$/.test(data)) throw new Error('makeSscc: extension + company prefix + serial reference must be 17 digits');
  return `${data}${gs1CheckDigit(data)}`;
}

/**
 * How a barcode names an LPN: 18 digits (or `00`/`(00)` + 18) are an SSCC and must carry a valid check digit;
 * anything else is an internal code. `INVALID` when it looks like an SSCC but its check digit is wrong.
 */
export function classifyLpnBarcode(barcode: string): { kind: 'SSCC'; code: string } | { kind: 'INTERNAL'; code: string } | { kind: 'INVALID' } {
  const n = normaliseSscc(barcode);
  if (n === undefined) return { kind: 'INTERNAL', code: barcode.trim() };
  return isValidSscc(n) ? { kind: 'SSCC', code: n } : { kind: 'INVALID' };
}
