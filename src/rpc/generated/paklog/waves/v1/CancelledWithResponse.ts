// Original file: paklog/waves/v1/waves.proto


export interface CancelledWithResponse {
  'cancelled'?: (boolean);
}

export interface CancelledWithResponse__Output {
  'cancelled': (boolean);
}
