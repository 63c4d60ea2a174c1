// Original file: paklog/catalog/v1/catalog.proto


/**
 * A product (Product in the contract).
 */
export interface Product {
  'id'?: (string);
  'sku'?: (string);
  'description'?: (string);
  /**
   * Absent when the product has no GTIN (null in the contract).
   */
  'gtin'?: (string);
  'uom'?: (string);
  'lengthMm'?: (number | string);
  'widthMm'?: (number | string);
  'heightMm'?: (number | string);
  'weightG'?: (number | string);
  'lotControlled'?: (boolean);
  'expiryControlled'?: (boolean);
  /**
   * ISO-8601 time.
   */
  'createdAt'?: (string);
  /**
   * False once deactivated (ADR 0045); absent from an older server: true.
   */
  'active'?: (boolean);
  /**
   * Every unit is received and picked with its own serial (ADR 0058); absent from an older server: false.
   */
  'serialControlled'?: (boolean);
  '_gtin'?: "gtin";
  '_active'?: "active";
  '_serialControlled'?: "serialControlled";
}

/**
 * A product (Product in the contract).
 */
export interface Product__Output {
  'id': (string);
  'sku': (string);
  'description': (string);
  /**
   * Absent when the product has no GTIN (null in the contract).
   */
  'gtin'?: (string);
  'uom': (string);
  'lengthMm': (number);
  'widthMm': (number);
  'heightMm': (number);
  'weightG': (number);
  'lotControlled': (boolean);
  'expiryControlled': (boolean);
  /**
   * ISO-8601 time.
   */
  'createdAt': (string);
  /**
   * False once deactivated (ADR 0045); absent from an older server: true.
   */
  'active'?: (boolean);
  /**
   * Every unit is received and picked with its own serial (ADR 0058); absent from an older server: false.
   */
  'serialControlled'?: (boolean);
  '_gtin'?: "gtin";
  '_active'?: "active";
  '_serialControlled'?: "serialControlled";
}
