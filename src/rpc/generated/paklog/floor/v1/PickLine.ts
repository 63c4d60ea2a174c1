// Original file: paklog/floor/v1/floor.proto


export interface PickLine {
  'id'?: (string);
  'pickListId'?: (string);
  'seq'?: (number);
  'orderId'?: (string);
  'orderLineId'?: (string);
  'reservationId'?: (string);
  'siteId'?: (string);
  'sku'?: (string);
  /**
   * The barcode a scan must match (the product's GTIN), absent when it has none: scan the SKU then.
   */
  'expectedBarcode'?: (string);
  'locationId'?: (string);
  'locationCode'?: (string);
  'pickSequence'?: (number);
  'lot'?: (string);
  'quantity'?: (number);
  'picked'?: (number);
  'shortQuantity'?: (number);
  'shortReason'?: (string);
  'toteId'?: (string);
  /**
   * PENDING, PICKED or SHORT.
   */
  'status'?: (string);
  'updatedAt'?: (string);
  /**
   * Whose units the line takes: its reservation's owner (ADR 0028); absent: the default owner's.
   */
  'ownerId'?: (string);
  /**
   * The expiry (YYYY-MM-DD) of the lot reserved: a confirm after that day is refused LOT_EXPIRED (short the line,
   * reason EXPIRED). Absent: undated stock, or a line made before lines knew it.
   */
  'expiresOn'?: (string);
  '_expectedBarcode'?: "expectedBarcode";
  '_locationCode'?: "locationCode";
  '_pickSequence'?: "pickSequence";
  '_lot'?: "lot";
  '_shortReason'?: "shortReason";
  '_toteId'?: "toteId";
  '_ownerId'?: "ownerId";
  '_expiresOn'?: "expiresOn";
}

export interface PickLine__Output {
  'id': (string);
  'pickListId': (string);
  'seq': (number);
  'orderId': (string);
  'orderLineId': (string);
  'reservationId': (string);
  'siteId': (string);
  'sku': (string);
  /**
   * The barcode a scan must match (the product's GTIN), absent when it has none: scan the SKU then.
   */
  'expectedBarcode'?: (string);
  'locationId': (string);
  'locationCode'?: (string);
  'pickSequence'?: (number);
  'lot'?: (string);
  'quantity': (number);
  'picked': (number);
  'shortQuantity': (number);
  'shortReason'?: (string);
  'toteId'?: (string);
  /**
   * PENDING, PICKED or SHORT.
   */
  'status': (string);
  'updatedAt': (string);
  /**
   * Whose units the line takes: its reservation's owner (ADR 0028); absent: the default owner's.
   */
  'ownerId'?: (string);
  /**
   * The expiry (YYYY-MM-DD) of the lot reserved: a confirm after that day is refused LOT_EXPIRED (short the line,
   * reason EXPIRED). Absent: undated stock, or a line made before lines knew it.
   */
  'expiresOn'?: (string);
  '_expectedBarcode'?: "expectedBarcode";
  '_locationCode'?: "locationCode";
  '_pickSequence'?: "pickSequence";
  '_lot'?: "lot";
  '_shortReason'?: "shortReason";
  '_toteId'?: "toteId";
  '_ownerId'?: "ownerId";
  '_expiresOn'?: "expiresOn";
}
