// Original file: paklog/integration/v1/integration.proto


export interface ListSafetyStocksRequest {
  /**
   * Site id or code.
   */
  'siteId'?: (string);
  /**
   * One owner's (`own_…`; REST's `owner`); unset: every owner's, or an owner-scoped key's own.
   */
  'owner'?: (string);
  /**
   * One SKU; unset: all.
   */
  'sku'?: (string);
  /**
   * Page size, 1 to 1,000; unset: 100.
   */
  'limit'?: (number);
  /**
   * A previous page's next_cursor; unset: the first page.
   */
  'cursor'?: (string);
  '_owner'?: "owner";
  '_sku'?: "sku";
  '_limit'?: "limit";
  '_cursor'?: "cursor";
}

export interface ListSafetyStocksRequest__Output {
  /**
   * Site id or code.
   */
  'siteId': (string);
  /**
   * One owner's (`own_…`; REST's `owner`); unset: every owner's, or an owner-scoped key's own.
   */
  'owner'?: (string);
  /**
   * One SKU; unset: all.
   */
  'sku'?: (string);
  /**
   * Page size, 1 to 1,000; unset: 100.
   */
  'limit'?: (number);
  /**
   * A previous page's next_cursor; unset: the first page.
   */
  'cursor'?: (string);
  '_owner'?: "owner";
  '_sku'?: "sku";
  '_limit'?: "limit";
  '_cursor'?: "cursor";
}
