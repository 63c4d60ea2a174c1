// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface ClaimDockShipResponse {
  /**
   * The orders whose shipping was stopped; empty when all were claimed.
   */
  'stopped'?: (string)[];
}

export interface ClaimDockShipResponse__Output {
  /**
   * The orders whose shipping was stopped; empty when all were claimed.
   */
  'stopped': (string)[];
}
