// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface RetryBookingRequest {
  'shipmentId'?: (string);
}

export interface RetryBookingRequest__Output {
  'shipmentId': (string);
}
