import { UOMS, type Uom } from '../../../contracts/catalog.ts';
import type { FieldError } from '../../../platform/errors.ts';

export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const DESCRIPTION_MAX = 500;
/** Dimensions and weight fit int4 comfortably; a product longer than 100 m or heavier than 2 t is a typo. */
export const MAX_MM = 100_000;
export const MAX_G = 2_000_000;

/** A product as a client asks to create it, after defaults. */
export interface NewProduct {
  readonly sku: string;
  readonly description: string;
  readonly gtin: string | null;
  readonly uom: Uom;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly weightG: number;
  readonly lotControlled: boolean;
  readonly expiryControlled: boolean;
  /** Every unit is received and picked with its own serial number (ADR 0058). */
  readonly serialControlled: boolean;
}

/**
 * GS1 check digit (GS1 General Specifications §7.9.1): weights 3 and 1 alternate from the digit next to the check
 * digit leftwards; the check digit brings the weighted sum up to a multiple of ten. Same rule for GTIN-8/12/13/14.
 */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** Why a GTIN is not valid, or undefined when it is: 8, 12, 13 or 14 digits ending in the right check digit. */
export function gtinProblem(gtin: string): string | undefined {
  if (!/^[0-9]+$/.test(gtin)) return 'must contain digits only';
  if (![8, 12, 13, 14].includes(gtin.length)) return 'must have 8, 12, 13 or 14 digits';
  const expected = gs1CheckDigit(gtin.slice(0, -1));
  if (Number(gtin.at(-1)) !== expected) return `has an invalid check digit (expected ${expected})`;
  return undefined;
}

const positiveInt = (v: number, max: number): boolean => Number.isInteger(v) && v > 0 && v <= max;

/** Every rule a new product must satisfy, as field errors (empty when valid). */
export function validateNewProduct(p: NewProduct): FieldError[] {
  const errors: FieldError[] = [];
  if (!SKU_PATTERN.test(p.sku)) errors.push({ field: '/sku', message: 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"' });
  if (p.description.trim().length === 0 || p.description.length > DESCRIPTION_MAX) {
    errors.push({ field: '/description', message: `must be 1–${DESCRIPTION_MAX} characters and not blank` });
  }
  if (p.gtin !== null) {
    const problem = gtinProblem(p.gtin);
    if (problem !== undefined) errors.push({ field: '/gtin', message: problem });
  }
  if (!(UOMS as readonly string[]).includes(p.uom)) errors.push({ field: '/uom', message: `must be one of ${UOMS.join(', ')}` });
  for (const [field, value] of [['lengthMm', p.lengthMm], ['widthMm', p.widthMm], ['heightMm', p.heightMm]] as const) {
    if (!positiveInt(value, MAX_MM)) errors.push({ field: `/${field}`, message: `must be a whole number of millimetres from 1 to ${MAX_MM}` });
  }
  if (!positiveInt(p.weightG, MAX_G)) errors.push({ field: '/weightG', message: `must be a whole number of grams from 1 to ${MAX_G}` });
  return errors;
}
