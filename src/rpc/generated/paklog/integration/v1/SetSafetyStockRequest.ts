// Original file: paklog/integration/v1/integration.proto


export interface SetSafetyStockRequest {
  /**
   * Site id or code.
   */
  'siteId'?: (string);
  'sku'?: (string);
  /**
   * 0 to 1,000,000; 0 clears it. Required: absent is INVALID_ARGUMENT VALIDATION_FAILED (/quantity), as REST's PUT
   * without one, never a clear (`optional` so that an explicit 0 and no figure differ; the wire format is unchanged).
   */
  'quantity'?: (number);
  /**
   * The owner whose units (`own_…`; REST's `ownerId`); unset: the default owner, or an owner-scoped key's own.
   */
  'ownerId'?: (string);
  '_quantity'?: "quantity";
  '_ownerId'?: "ownerId";
}

export interface SetSafetyStockRequest__Output {
  /**
   * Site id or code.
   */
  'siteId': (string);
  'sku': (string);
  /**
   * 0 to 1,000,000; 0 clears it. Required: absent is INVALID_ARGUMENT VALIDATION_FAILED (/quantity), as REST's PUT
   * without one, never a clear (`optional` so that an explicit 0 and no figure differ; the wire format is unchanged).
   */
  'quantity'?: (number);
  /**
   * The owner whose units (`own_…`; REST's `ownerId`); unset: the default owner, or an owner-scoped key's own.
   */
  'ownerId'?: (string);
  '_quantity'?: "quantity";
  '_ownerId'?: "ownerId";
}
