// Original file: paklog/integration/v1/integration.proto


export interface AtpItem {
  'sku'?: (string);
  'onHandAvailable'?: (number);
  'unpickable'?: (number);
  'allocated'?: (number);
  'expired'?: (number);
  /**
   * Net of the safety stock.
   */
  'atp'?: (number);
  /**
   * Units kept back from orders (safety stock, ADR 0057); 0 when none is set.
   */
  'safetyStock'?: (number);
}

export interface AtpItem__Output {
  'sku': (string);
  'onHandAvailable': (number);
  'unpickable': (number);
  'allocated': (number);
  'expired': (number);
  /**
   * Net of the safety stock.
   */
  'atp': (number);
  /**
   * Units kept back from orders (safety stock, ADR 0057); 0 when none is set.
   */
  'safetyStock': (number);
}
