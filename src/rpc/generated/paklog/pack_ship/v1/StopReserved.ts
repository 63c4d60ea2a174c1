// Original file: paklog/pack_ship/v1/pack_ship.proto


/**
 * The stop is pending for the request's stop_id: decide it (StopShipping) or drop it (DropStop).
 */
export interface StopReserved {
}

/**
 * The stop is pending for the request's stop_id: decide it (StopShipping) or drop it (DropStop).
 */
export interface StopReserved__Output {
}
