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
  createdAt: Type.String({ description: 'ISO-8601 time.' }),
});
export type Product = Static<typeof ProductSchema>;

export const CatalogEvents = {
  productCreated: 'catalog.product.created.v1',
  productUpdated: 'catalog.product.updated.v1',
} as const;

/** The payload of every catalog event, by type name. */
export const CatalogEventSchemas = {
  [CatalogEvents.productCreated]: Type.Object(ProductSchema.properties, { description: 'A product was created (`POST /products`, or a CSV import); the payload is the whole product.' }),
  [CatalogEvents.productUpdated]: Type.Object(ProductSchema.properties, { description: 'An import changed a product that existed (upsert by SKU, ADR 0037); the payload is the whole product as it is now.' }),
} as const;

export type ProductCreated = Static<(typeof CatalogEventSchemas)[typeof CatalogEvents.productCreated]>;
export type ProductUpdated = Static<(typeof CatalogEventSchemas)[typeof CatalogEvents.productUpdated]>;

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
} as const satisfies ErrorSpecs;

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
