/** catalog: products and their barcodes, dimensions and handling flags. */
import { Type, type Static } from 'typebox';
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
} as const;

/** The payload of every catalog event, by type name. */
export const CatalogEventSchemas = {
  [CatalogEvents.productCreated]: Type.Object(ProductSchema.properties, { description: 'A product was created (`POST /products`); the payload is the whole product.' }),
} as const;

export type ProductCreated = Static<(typeof CatalogEventSchemas)[typeof CatalogEvents.productCreated]>;

/** Coded errors of the catalog (the platform's own codes are in `platform/errors.ts`). */
export const CatalogErrors = {
  UNKNOWN_SKU: { status: 422, title: 'Unknown SKU' },
} as const satisfies ErrorSpecs;

/** Queries other contexts make of the catalog. */
export interface CatalogApi {
  /** Products by SKU; unknown SKUs are absent from the map. */
  getBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
}
