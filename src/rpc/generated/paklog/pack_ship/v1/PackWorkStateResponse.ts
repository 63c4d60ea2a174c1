// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface PackWorkStateResponse {
  'found'?: (boolean);
  /**
   * OPEN, DONE or WITHDRAWN (PACK_WORK_STATES of the pack & ship contract).
   */
  'state'?: (string);
}

export interface PackWorkStateResponse__Output {
  'found': (boolean);
  /**
   * OPEN, DONE or WITHDRAWN (PACK_WORK_STATES of the pack & ship contract).
   */
  'state': (string);
}
