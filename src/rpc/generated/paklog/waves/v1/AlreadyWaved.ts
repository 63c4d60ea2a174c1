// Original file: paklog/waves/v1/waves.proto


/**
 * A wave already has the order.
 */
export interface AlreadyWaved {
  'waveId'?: (string);
}

/**
 * A wave already has the order.
 */
export interface AlreadyWaved__Output {
  'waveId': (string);
}
