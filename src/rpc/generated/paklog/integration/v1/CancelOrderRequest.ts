// Original file: paklog/integration/v1/integration.proto


export interface CancelOrderRequest {
  'orderId'?: (string);
  /**
   * Why (REST's `reason`), 1 to 500 characters.
   */
  'reason'?: (string);
  '_reason'?: "reason";
}

export interface CancelOrderRequest__Output {
  'orderId': (string);
  /**
   * Why (REST's `reason`), 1 to 500 characters.
   */
  'reason'?: (string);
  '_reason'?: "reason";
}
