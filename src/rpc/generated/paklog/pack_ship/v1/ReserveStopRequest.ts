// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface ReserveStopRequest {
  'orderId'?: (string);
  'siteId'?: (string);
  'stopId'?: (string);
}

export interface ReserveStopRequest__Output {
  'orderId': (string);
  'siteId': (string);
  'stopId': (string);
}
