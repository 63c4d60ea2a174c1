// Original file: paklog/pack_ship/v1/pack_ship.proto


/**
 * The order already left the building with this shipment.
 */
export interface AlreadyDispatched {
  'shipmentId'?: (string);
}

/**
 * The order already left the building with this shipment.
 */
export interface AlreadyDispatched__Output {
  'shipmentId': (string);
}
