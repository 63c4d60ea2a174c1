// Original file: paklog/integration/v1/integration.proto


/**
 * REST's safety stock of a SKU at a site, for one owner's units.
 */
export interface SafetyStock {
  /**
   * The site's id (sit_…).
   */
  'siteId'?: (string);
  /**
   * Whose units (ADR 0028).
   */
  'ownerId'?: (string);
  'sku'?: (string);
  /**
   * Units never allocated to orders; 0: none set.
   */
  'quantity'?: (number);
  /**
   * When it was last set or cleared (RFC 3339); unset: never.
   */
  'updatedAt'?: (string);
  '_updatedAt'?: "updatedAt";
}

/**
 * REST's safety stock of a SKU at a site, for one owner's units.
 */
export interface SafetyStock__Output {
  /**
   * The site's id (sit_…).
   */
  'siteId': (string);
  /**
   * Whose units (ADR 0028).
   */
  'ownerId': (string);
  'sku': (string);
  /**
   * Units never allocated to orders; 0: none set.
   */
  'quantity': (number);
  /**
   * When it was last set or cleared (RFC 3339); unset: never.
   */
  'updatedAt'?: (string);
  '_updatedAt'?: "updatedAt";
}
