// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface RetryLabelVoidRequest {
  'shipmentId'?: (string);
}

export interface RetryLabelVoidRequest__Output {
  'shipmentId': (string);
}
