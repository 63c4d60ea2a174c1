import type { Address } from '../domain/carrier.ts';

/**
 * The 4×6 inch shipping label (docs/dev/labels.md). Every zone is given once, in PDF points from the label's TOP-left
 * corner (72 pt = 1 inch); the ZPL renderer converts to printer dots (203 dpi), the PDF renderer flips y. Tests read
 * these zones to find the barcodes on a rendered page.
 */
export const LABEL = {
  widthPt: 288,
  heightPt: 432,
  marginPt: 12,
  zones: {
    shipFrom: { x: 12, y: 12, w: 160, h: 60 },
    carrier: { x: 176, y: 12, w: 100, h: 60 },
    shipTo: { x: 12, y: 80, w: 264, h: 100 },
    /** The carrier's tracking number, Code 128. */
    tracking: { x: 12, y: 188, w: 264, h: 88 },
    reference: { x: 12, y: 282, w: 264, h: 28 },
    /** The package's SSCC, GS1-128 with AI (00). */
    sscc: { x: 12, y: 316, w: 264, h: 104 },
  },
} as const;

export type LabelZone = keyof typeof LABEL.zones;

/** Printer dots per inch of the ZPL output (the common 8 dots/mm thermal head). */
export const ZPL_DPI = 203;
export const ptToDots = (pt: number): number => Math.round((pt * ZPL_DPI) / 72);

export interface ShippingLabelData {
  readonly sscc: string;
  /** Length of the GS1 company prefix, to group the SSCC's human-readable digits. */
  readonly companyPrefixLength: number;
  readonly shipFrom: Address;
  readonly shipTo: Address;
  readonly carrier: string;
  readonly service: string;
  readonly trackingNumber: string;
  readonly orderRef: string;
  readonly packageNo: number;
  readonly packageCount: number;
  readonly weightG: number;
  /** YYYY-MM-DD. */
  readonly shipDate: string;
}

/** Address lines as printed: name, line1, line2 when given, postal code and city, country. */
export function addressLines(a: Address): string[] {
  return [a.name, a.line1, ...(a.line2 === undefined || a.line2 === '' ? [] : [a.line2]), `${a.postalCode} ${a.city}`, a.country];
}
