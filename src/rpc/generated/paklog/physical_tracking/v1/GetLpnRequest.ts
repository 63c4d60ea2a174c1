// Original file: paklog/physical_tracking/v1/physical_tracking.proto


export interface GetLpnRequest {
  'lpnId'?: (string);
}

export interface GetLpnRequest__Output {
  'lpnId': (string);
}
