// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface PackWorkStateRequest {
  'orderId'?: (string);
}

export interface PackWorkStateRequest__Output {
  'orderId': (string);
}
