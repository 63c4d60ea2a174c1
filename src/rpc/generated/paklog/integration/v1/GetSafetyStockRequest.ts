// Original file: paklog/integration/v1/integration.proto


export interface GetSafetyStockRequest {
  /**
   * Site id or code.
   */
  'siteId'?: (string);
  'sku'?: (string);
  /**
   * One owner's (REST's `owner`); unset: the default owner, or an owner-scoped key's own.
   */
  'owner'?: (string);
  '_owner'?: "owner";
}

export interface GetSafetyStockRequest__Output {
  /**
   * Site id or code.
   */
  'siteId': (string);
  'sku': (string);
  /**
   * One owner's (REST's `owner`); unset: the default owner, or an owner-scoped key's own.
   */
  'owner'?: (string);
  '_owner'?: "owner";
}
