// Original file: paklog/floor/v1/floor.proto


export interface ConfirmPickRequest {
  'pickListId'?: (string);
  'lineId'?: (string);
  /**
   * The scanned location code.
   */
  'locationCode'?: (string);
  /**
   * The scanned product barcode (GTIN or SKU).
   */
  'barcode'?: (string);
  'quantity'?: (number);
  'toteId'?: (string);
  /**
   * The handheld's id for this scan: a retry with the same scan id counts nothing twice.
   */
  'scanId'?: (string);
  /**
   * A serial-controlled product (ADR 0058): the serial scanned on each unit, exactly `quantity` distinct ones; none
   * (empty) for any other product.
   */
  'serials'?: (string)[];
  '_scanId'?: "scanId";
}

export interface ConfirmPickRequest__Output {
  'pickListId': (string);
  'lineId': (string);
  /**
   * The scanned location code.
   */
  'locationCode': (string);
  /**
   * The scanned product barcode (GTIN or SKU).
   */
  'barcode': (string);
  'quantity': (number);
  'toteId': (string);
  /**
   * The handheld's id for this scan: a retry with the same scan id counts nothing twice.
   */
  'scanId'?: (string);
  /**
   * A serial-controlled product (ADR 0058): the serial scanned on each unit, exactly `quantity` distinct ones; none
   * (empty) for any other product.
   */
  'serials': (string)[];
  '_scanId'?: "scanId";
}
