// Original file: paklog/inventory/v1/inventory.proto


export interface RetryBackordersResponse {
  'allocatedOrderIds'?: (string)[];
}

export interface RetryBackordersResponse__Output {
  'allocatedOrderIds': (string)[];
}
