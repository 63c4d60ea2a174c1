// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface RetryLabelVoidResponse {
  'shipmentId'?: (string);
  'trackingNumber'?: (string);
}

export interface RetryLabelVoidResponse__Output {
  'shipmentId': (string);
  'trackingNumber': (string);
}
