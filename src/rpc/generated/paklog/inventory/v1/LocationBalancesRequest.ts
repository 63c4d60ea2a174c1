// Original file: paklog/inventory/v1/inventory.proto


export interface LocationBalancesRequest {
  'siteId'?: (string);
  'locationIds'?: (string)[];
}

export interface LocationBalancesRequest__Output {
  'siteId': (string);
  'locationIds': (string)[];
}
