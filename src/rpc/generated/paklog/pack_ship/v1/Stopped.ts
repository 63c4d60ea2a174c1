// Original file: paklog/pack_ship/v1/pack_ship.proto


/**
 * Shipping is stopped for good.
 */
export interface Stopped {
}

/**
 * Shipping is stopped for good.
 */
export interface Stopped__Output {
}
