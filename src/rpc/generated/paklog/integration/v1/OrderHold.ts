// Original file: paklog/integration/v1/integration.proto


/**
 * While the order is ON_HOLD (ADR 0052): the hold.
 */
export interface OrderHold {
  'holdId'?: (string);
  /**
   * Why it was held.
   */
  'reason'?: (string);
  /**
   * Where the order was when it was held: RECEIVED, ALLOCATED or BACKORDERED.
   */
  'from'?: (string);
  /**
   * Where releasing the hold takes it (what was allocated while it was held).
   */
  'resumeTo'?: (string);
}

/**
 * While the order is ON_HOLD (ADR 0052): the hold.
 */
export interface OrderHold__Output {
  'holdId': (string);
  /**
   * Why it was held.
   */
  'reason': (string);
  /**
   * Where the order was when it was held: RECEIVED, ALLOCATED or BACKORDERED.
   */
  'from': (string);
  /**
   * Where releasing the hold takes it (what was allocated while it was held).
   */
  'resumeTo': (string);
}
