// Original file: paklog/floor/v1/floor.proto


/**
 * Units of a line of an order, by SKU.
 */
export interface PackLine {
  'lineId'?: (string);
  'sku'?: (string);
  'quantity'?: (number);
}

/**
 * Units of a line of an order, by SKU.
 */
export interface PackLine__Output {
  'lineId': (string);
  'sku': (string);
  'quantity': (number);
}
