// Original file: paklog/catalog/v1/catalog.proto

import type { Product as _paklog_catalog_v1_Product, Product__Output as _paklog_catalog_v1_Product__Output } from '../../../paklog/catalog/v1/Product.ts';

export interface GetBySkusResponse {
  /**
   * Keyed by SKU.
   */
  'products'?: ({[key: string]: _paklog_catalog_v1_Product});
}

export interface GetBySkusResponse__Output {
  /**
   * Keyed by SKU.
   */
  'products': ({[key: string]: _paklog_catalog_v1_Product__Output});
}
