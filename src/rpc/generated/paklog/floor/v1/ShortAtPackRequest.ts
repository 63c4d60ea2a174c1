// Original file: paklog/floor/v1/floor.proto


export interface ShortAtPackRequest {
  'orderId'?: (string);
  /**
   * The order line's id.
   */
  'lineId'?: (string);
  'quantity'?: (number);
  /**
   * MISSING (not in the tote) or DAMAGED (there but not fit to ship).
   */
  'reason'?: (string);
  'toteId'?: (string);
  /**
   * What the packer saw (recorded in the event).
   */
  'note'?: (string);
  '_toteId'?: "toteId";
  '_note'?: "note";
}

export interface ShortAtPackRequest__Output {
  'orderId': (string);
  /**
   * The order line's id.
   */
  'lineId': (string);
  'quantity': (number);
  /**
   * MISSING (not in the tote) or DAMAGED (there but not fit to ship).
   */
  'reason': (string);
  'toteId'?: (string);
  /**
   * What the packer saw (recorded in the event).
   */
  'note'?: (string);
  '_toteId'?: "toteId";
  '_note'?: "note";
}
