/**
 * GS1 SSCC-18 (Serial Shipping Container Code): an extension digit, a GS1 company prefix and a serial reference (17
 * digits in all), then a mod-10 check digit (GS1 General Specifications §7.9.1: weights 3 and 1 alternating from the
 * rightmost data digit, the check digit brings the weighted sum to a multiple of ten). Pure functions, no I/O.
 */

/** The GS1 mod-10 check digit of a string of data digits (any length; SSCC: 17). */
export function gs1CheckDigit(data: string): number {
  if (!/^\d+$/.test(data)) throw new Error(`gs1CheckDigit: ${JSON.stringify(data)} is not digits`);
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const digit = data.charCodeAt(data.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** An SSCC as printed or scanned: 18 digits, optionally behind its application identifier `00` / `(00)`; the 18 digits, or undefined. */
export function normaliseSscc(barcode: string): string | undefined {
  const s = barcode.replace(/\s+/g, '');
  const digits = s.startsWith('(00)') ? s.slice(4) : /^00\d{18}$/.test(s) ? s.slice(2) : s;
  return /^\d{18}$/.test(digits) ? digits : undefined;
}

/** Whether `code` is an SSCC-18 with a valid check digit (after normalising the AI). */
export function isValidSscc(code: string): boolean {
  const n = normaliseSscc(code);
  return n !== undefined && gs1CheckDigit(n.slice(0, 17)) === Number(n[17]);
}

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
