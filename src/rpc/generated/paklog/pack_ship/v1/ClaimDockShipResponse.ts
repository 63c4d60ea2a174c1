// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface ClaimDockShipResponse {
  /**
   * The orders whose shipping was stopped; empty when all were claimed.
   */
  'stopped'?: (string)[];
  /**
   * The orders not stopped but not packed yet (not ready to ship: the scan is refused); empty when all were claimed.
   */
  'unready'?: (string)[];
  /**
   * The orders a cancel's pending stop holds back (ReserveStop): nothing claimed, the scan is tried again in a moment.
   */
  'stopping'?: (string)[];
}

export interface ClaimDockShipResponse__Output {
  /**
   * The orders whose shipping was stopped; empty when all were claimed.
   */
  'stopped': (string)[];
  /**
   * The orders not stopped but not packed yet (not ready to ship: the scan is refused); empty when all were claimed.
   */
  'unready': (string)[];
  /**
   * The orders a cancel's pending stop holds back (ReserveStop): nothing claimed, the scan is tried again in a moment.
   */
  'stopping': (string)[];
}
