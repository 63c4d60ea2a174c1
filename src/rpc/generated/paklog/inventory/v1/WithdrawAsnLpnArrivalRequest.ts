// Original file: paklog/inventory/v1/inventory.proto


export interface WithdrawAsnLpnArrivalRequest {
  'siteId'?: (string);
  'lpnId'?: (string);
}

export interface WithdrawAsnLpnArrivalRequest__Output {
  'siteId': (string);
  'lpnId': (string);
}
