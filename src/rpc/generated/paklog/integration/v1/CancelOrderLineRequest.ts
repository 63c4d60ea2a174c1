// Original file: paklog/integration/v1/integration.proto


export interface CancelOrderLineRequest {
  'orderId'?: (string);
  'lineId'?: (string);
  /**
   * Units to cancel (REST's `quantity`), 1 to the line's open units; all of them when absent.
   */
  'quantity'?: (number);
  /**
   * Why (REST's `reason`), 1 to 500 characters.
   */
  'reason'?: (string);
  '_quantity'?: "quantity";
  '_reason'?: "reason";
}

export interface CancelOrderLineRequest__Output {
  'orderId': (string);
  'lineId': (string);
  /**
   * Units to cancel (REST's `quantity`), 1 to the line's open units; all of them when absent.
   */
  'quantity'?: (number);
  /**
   * Why (REST's `reason`), 1 to 500 characters.
   */
  'reason'?: (string);
  '_quantity'?: "quantity";
  '_reason'?: "reason";
}
