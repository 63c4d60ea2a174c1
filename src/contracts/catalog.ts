/** catalog: products and their barcodes, dimensions and handling flags. */
import { Type, type Static } from 'typebox';
import type { EventMeta } from '../platform/bus/envelope.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

/** Units of measure a product is handled in: each, case, pallet. */
export const UOMS = ['EA', 'CS', 'PL'] as const;
export type Uom = (typeof UOMS)[number];

export const ProductSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  description: Type.String(),
  gtin: Type.Union([Type.String(), Type.Null()]),
  uom: Type.String(),
  lengthMm: Type.Number({ description: 'Millimetres.' }),
  widthMm: Type.Number({ description: 'Millimetres.' }),
  heightMm: Type.Number({ description: 'Millimetres.' }),
  weightG: Type.Number({ description: 'Grams.' }),
  lotControlled: Type.Boolean(),
  expiryControlled: Type.Boolean(),
  serialControlled: Type.Boolean({ description: 'Every unit is received and picked with its own serial number (ADR 0058).' }),
  createdAt: Type.String({ description: 'ISO-8601 time.' }),
  active: Type.Boolean({ description: 'False once deactivated (ADR 0045): no new order, ASN or receipt may name it; open work still completes.' }),
});
export type Product = Static<typeof ProductSchema>;

/** A product in an event: `active` was added in place, so it is optional (absent in older events: true). */
const ProductPayload = {
  ...ProductSchema.properties,
  active: Type.Optional(Type.Boolean({ description: 'False once deactivated (ADR 0045); absent in events older than it: true.' })),
  serialControlled: Type.Optional(Type.Boolean({ description: 'Every unit is received and picked with its own serial (ADR 0058); absent in events older than it: false.' })),
};

export const CatalogEvents = {
  productCreated: 'catalog.product.created.v1',
  productUpdated: 'catalog.product.updated.v1',
  productDeactivated: 'catalog.product.deactivated.v1',
  productReactivated: 'catalog.product.reactivated.v1',
} as const;

const ProductActiveChange = (description: string) => Type.Object({
  productId: Type.String(), sku: Type.String(),
}, { description });

/** The payload of every catalog event, by type name. */
export const CatalogEventSchemas = {
  [CatalogEvents.productCreated]: Type.Object(ProductPayload, { description: 'A product was created (`POST /products`, or a CSV import); the payload is the whole product.' }),
  [CatalogEvents.productUpdated]: Type.Object(ProductPayload, {
    description: 'A product that existed changed: `PATCH /products/{sku}` (ADR 0045) or an import (upsert by SKU, ADR 0037); the payload is the whole product as it is now.',
  }),
  [CatalogEvents.productDeactivated]: ProductActiveChange('A product was deactivated (`POST /products/{sku}/deactivate`, ADR 0045): new orders, ASNs and receipts naming it are refused (PRODUCT_INACTIVE); open work completes.'),
  [CatalogEvents.productReactivated]: ProductActiveChange('A deactivated product was reactivated (`POST /products/{sku}/reactivate`, ADR 0045).'),
} as const;

export type ProductCreated = Static<(typeof CatalogEventSchemas)[typeof CatalogEvents.productCreated]>;
export type ProductUpdated = Static<(typeof CatalogEventSchemas)[typeof CatalogEvents.productUpdated]>;
export type ProductActiveChanged = Static<(typeof CatalogEventSchemas)[typeof CatalogEvents.productDeactivated]>;

/** A product as an import gives it (ADR 0037): the fields of `POST /products`, defaults applied. */
export interface ProductImportRow {
  readonly sku: string;
  readonly description: string;
  readonly gtin: string | null;
  readonly uom: string;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly weightG: number;
  readonly lotControlled: boolean;
  readonly expiryControlled: boolean;
}

/** A rule an imported row breaks: its index in the batch, the field (JSON pointer) and why. */
export interface ImportRowError {
  readonly index: number;
  readonly field: string;
  readonly message: string;
}

/** What an upsert did (or, in a dry run or with errors, would do): nothing is written when `errors` is not empty. */
export interface UpsertResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly errors: readonly ImportRowError[];
  readonly written: boolean;
}

/** Coded errors of the catalog (the platform's own codes are in `platform/errors.ts`). */
export const CatalogErrors = {
  UNKNOWN_SKU: { status: 422, title: 'Unknown SKU' },
  PRODUCT_INACTIVE: { status: 422, title: 'The product is deactivated; reactivate it first' },
} as const satisfies ErrorSpecs;

/**
 * Field errors for the lines that name a deactivated product (ADR 0045), `field(i)` the JSON pointer of line i's SKU;
 * SKUs absent from `products` are left to the unknown-SKU check. Empty: every named product is active.
 */
export function inactiveSkuErrors(
  lines: readonly { readonly sku: string }[], products: ReadonlyMap<string, { readonly active?: boolean }>, field: (index: number) => string,
): { field: string; message: string }[] {
  return lines.flatMap((l, i) => (products.get(l.sku)?.active === false ? [{ field: field(i), message: `product ${l.sku} is deactivated` }] : []));
}

/**
 * A GTIN in its 14-digit form (GS1 General Specifications 2.1.2: a GTIN-8, -12 or -13 is the GTIN-14 with leading
 * zeros), or undefined when `code` is no GTIN-shaped string (8, 12, 13 or 14 digits). A UPC-A label 012345678905 is
 * read by many scanners as the EAN-13 0012345678905, and an ERP may keep every GTIN as 14 digits: one product.
 */
export function gtin14(code: string): string | undefined {
  return /^(?:[0-9]{8}|[0-9]{12,14})$/.test(code) ? code.padStart(14, '0') : undefined;
}

/** Whether a scanned code is the product's GTIN, in any of its GS1 lengths. */
export function sameGtin(scanned: string, gtin: string | null): boolean {
  if (gtin === null) return false;
  if (scanned === gtin) return true;
  const a = gtin14(scanned);
  return a !== undefined && a === gtin14(gtin);
}

/** How a lot breaks the lot rule: missing for a lot-controlled product, given for one that is not. */
export type LotRuleBreach = 'LOT_REQUIRED' | 'LOT_NOT_ALLOWED';

/**
 * The lot rule for units entering stock (received, announced, returned, found, counted in, packed into an LPN): a
 * lot-controlled product's units name their lot, another product's name none ('' counts as none). The field message
 * when broken, undefined when the lot fits. Units already on the books under a lot stay addressable by it (moved,
 * held, adjusted down, counted): callers apply the rule to new stock only (ADR 0025 addendum).
 */
export function lotRule(
  product: { readonly lotControlled: boolean }, lot: string | null | undefined,
): { readonly breach: LotRuleBreach; readonly message: string } | undefined {
  const named = lot !== undefined && lot !== null && lot !== '';
  if (product.lotControlled && !named) return { breach: 'LOT_REQUIRED', message: 'required: the product is lot-controlled' };
  if (!product.lotControlled && named) return { breach: 'LOT_NOT_ALLOWED', message: 'not lot-controlled: give no lot' };
  return undefined;
}

/**
 * The serial rule (ADR 0058) for units entering stock, or picked: a serial-controlled product's units carry one serial
 * each — exactly `quantity` distinct serials — and another product's units carry none. Field errors under `field`
 * (`/serials`, one `/serials/<i>` per serial named twice); empty when the serials fit.
 */
export function serialRule(
  product: { readonly serialControlled?: boolean | undefined }, quantity: number, serials: readonly string[] | undefined, field = '/serials',
): { field: string; message: string }[] {
  const given = serials ?? [];
  if (product.serialControlled !== true) return given.length === 0 ? [] : [{ field, message: 'not serial-controlled: give no serials' }];
  if (given.length === 0) return [{ field, message: `required: the product is serial-controlled (one serial per unit, ${quantity} expected)` }];
  const errors: { field: string; message: string }[] = [];
  if (given.length !== quantity) errors.push({ field, message: `one serial per unit: ${quantity} expected, ${given.length} given` });
  const seen = new Set<string>();
  given.forEach((s, i) => {
    if (s.trim() === '') errors.push({ field: `${field}/${i}`, message: 'must not be blank' });
    else if (seen.has(s)) errors.push({ field: `${field}/${i}`, message: `serial ${s} is given twice` });
    seen.add(s);
  });
  return errors;
}

/**
 * The expiry rule for units entering stock with a date (received, announced, counted in): a product that is neither
 * expiry- nor lot-controlled takes no expiry. Its units have no lot to carry one, so a date given with a receipt would
 * become the date of every lot-less unit already at the location (a balance keeps its earliest expiry): one stray
 * `expiresOn` of a past day took 40 T-shirts out of ATP as expired. A lot-controlled product may date its lots
 * (optional), an expiry-controlled one must. The field message when broken, undefined when the expiry fits.
 */
export function expiryRule(
  product: { readonly lotControlled: boolean; readonly expiryControlled: boolean }, expiresOn: string | null | undefined,
): string | undefined {
  const given = expiresOn !== undefined && expiresOn !== null && expiresOn !== '';
  return given && !product.lotControlled && !product.expiryControlled ? 'not expiry- or lot-controlled: give no expiresOn' : undefined;
}

/** Queries other contexts make of the catalog. */
export interface CatalogApi {
  /** Products by SKU; unknown SKUs are absent from the map. */
  getBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
}

/** Catalog commands other contexts run in-process (no gRPC form: the CSV import runs where the catalog runs). */
export interface CatalogCommands {
  /**
   * Creates or updates products by SKU in one transaction with set-based statements (CSV import, ADR 0037): every
   * row checked first (the rules of POST /products, a SKU or GTIN twice in the batch, a GTIN of another product);
   * any error → nothing written. `dryRun` checks and counts only.
   */
  upsertProducts(rows: readonly ProductImportRow[], options: { readonly dryRun: boolean }, meta: EventMeta): Promise<UpsertResult>;
}
