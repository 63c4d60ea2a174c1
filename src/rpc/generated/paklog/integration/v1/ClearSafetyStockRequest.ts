// Original file: paklog/integration/v1/integration.proto


export interface ClearSafetyStockRequest {
  /**
   * Site id or code.
   */
  'siteId'?: (string);
  'sku'?: (string);
  /**
   * As SetSafetyStockRequest's.
   */
  'ownerId'?: (string);
  '_ownerId'?: "ownerId";
}

export interface ClearSafetyStockRequest__Output {
  /**
   * Site id or code.
   */
  'siteId': (string);
  'sku': (string);
  /**
   * As SetSafetyStockRequest's.
   */
  'ownerId'?: (string);
  '_ownerId'?: "ownerId";
}
