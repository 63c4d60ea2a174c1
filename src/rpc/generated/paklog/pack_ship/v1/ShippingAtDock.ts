// Original file: paklog/pack_ship/v1/pack_ship.proto


/**
 * A SHIP scan at the dock claimed the order: IN_FLIGHT (ask again in a moment) or SHIPPED.
 */
export interface ShippingAtDock {
  'state'?: (string);
}

/**
 * A SHIP scan at the dock claimed the order: IN_FLIGHT (ask again in a moment) or SHIPPED.
 */
export interface ShippingAtDock__Output {
  'state': (string);
}
