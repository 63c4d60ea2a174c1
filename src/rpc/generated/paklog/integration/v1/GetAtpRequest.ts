// Original file: paklog/integration/v1/integration.proto


export interface GetAtpRequest {
  /**
   * Site id or code.
   */
  'siteId'?: (string);
  /**
   * One SKU; all SKUs of the site when absent.
   */
  'sku'?: (string);
  /**
   * Only this owner's units (`own_…`; REST's `owner`). Unset: every owner's, or the owner of an owner-scoped key.
   * An unknown owner is INVALID_ARGUMENT UNKNOWN_OWNER; an owner-scoped key naming another owner PERMISSION_DENIED
   * OWNER_NOT_ALLOWED.
   */
  'owner'?: (string);
  '_sku'?: "sku";
  '_owner'?: "owner";
}

export interface GetAtpRequest__Output {
  /**
   * Site id or code.
   */
  'siteId': (string);
  /**
   * One SKU; all SKUs of the site when absent.
   */
  'sku'?: (string);
  /**
   * Only this owner's units (`own_…`; REST's `owner`). Unset: every owner's, or the owner of an owner-scoped key.
   * An unknown owner is INVALID_ARGUMENT UNKNOWN_OWNER; an owner-scoped key naming another owner PERMISSION_DENIED
   * OWNER_NOT_ALLOWED.
   */
  'owner'?: (string);
  '_sku'?: "sku";
  '_owner'?: "owner";
}
