// Original file: paklog/waves/v1/waves.proto


export interface CancelledWithRequest {
  'waveId'?: (string);
  'orderId'?: (string);
}

export interface CancelledWithRequest__Output {
  'waveId': (string);
  'orderId': (string);
}
