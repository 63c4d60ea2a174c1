/** catalog: products and their barcodes, dimensions and handling flags. */

/** Units of measure a product is handled in: each, case, pallet. */
export const UOMS = ['EA', 'CS', 'PL'] as const;
export type Uom = (typeof UOMS)[number];

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly description: string;
  readonly gtin: string | null;
  readonly uom: string;
  /** Millimetres. */
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  /** Grams. */
  readonly weightG: number;
  readonly lotControlled: boolean;
  readonly expiryControlled: boolean;
  readonly createdAt: string;
}

export const CatalogEvents = {
  productCreated: 'catalog.product.created.v1',
} as const;

export type ProductCreated = Product;

/** Queries other contexts make of the catalog. */
export interface CatalogApi {
  /** Products by SKU; unknown SKUs are absent from the map. */
  getBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
}
