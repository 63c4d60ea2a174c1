// Original file: paklog/inventory/v1/inventory.proto


export interface OpenCountsAtRequest {
  'siteId'?: (string);
  'locationIds'?: (string)[];
}

export interface OpenCountsAtRequest__Output {
  'siteId': (string);
  'locationIds': (string)[];
}
