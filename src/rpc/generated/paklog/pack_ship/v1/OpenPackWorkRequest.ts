// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface OpenPackWorkRequest {
  'orderId'?: (string);
}

export interface OpenPackWorkRequest__Output {
  'orderId': (string);
}
