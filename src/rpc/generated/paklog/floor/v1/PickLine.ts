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
  '_expectedBarcode'?: "expectedBarcode";
  '_locationCode'?: "locationCode";
  '_pickSequence'?: "pickSequence";
  '_lot'?: "lot";
  '_shortReason'?: "shortReason";
  '_toteId'?: "toteId";
  '_ownerId'?: "ownerId";
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
  '_expectedBarcode'?: "expectedBarcode";
  '_locationCode'?: "locationCode";
  '_pickSequence'?: "pickSequence";
  '_lot'?: "lot";
  '_shortReason'?: "shortReason";
  '_toteId'?: "toteId";
  '_ownerId'?: "ownerId";
}
