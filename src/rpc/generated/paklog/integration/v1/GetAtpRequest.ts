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
  '_sku'?: "sku";
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
  '_sku'?: "sku";
}
