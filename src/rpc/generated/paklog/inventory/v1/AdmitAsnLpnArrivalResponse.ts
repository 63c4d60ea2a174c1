// Original file: paklog/inventory/v1/inventory.proto


export interface AdmitAsnLpnArrivalResponse {
  'asnIds'?: (string)[];
}

export interface AdmitAsnLpnArrivalResponse__Output {
  'asnIds': (string)[];
}
