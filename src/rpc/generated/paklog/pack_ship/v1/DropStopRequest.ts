// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface DropStopRequest {
  'orderId'?: (string);
  'stopId'?: (string);
}

export interface DropStopRequest__Output {
  'orderId': (string);
  'stopId': (string);
}
