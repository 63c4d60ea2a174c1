// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface RetryBookingResponse {
  /**
   * The shipment that holds the label (a later booking's when it was settled there).
   */
  'shipmentId'?: (string);
  /**
   * LABELLED, VOIDED or SETTLED.
   */
  'outcome'?: (string);
  /**
   * The carrier's tracking number; absent when a settled booking has none recorded.
   */
  'trackingNumber'?: (string);
  '_trackingNumber'?: "trackingNumber";
}

export interface RetryBookingResponse__Output {
  /**
   * The shipment that holds the label (a later booking's when it was settled there).
   */
  'shipmentId': (string);
  /**
   * LABELLED, VOIDED or SETTLED.
   */
  'outcome': (string);
  /**
   * The carrier's tracking number; absent when a settled booking has none recorded.
   */
  'trackingNumber'?: (string);
  '_trackingNumber'?: "trackingNumber";
}
