// Original file: paklog/inventory/v1/inventory.proto


export interface AtpRequest {
  'siteId'?: (string);
  'skus'?: (string)[];
}

export interface AtpRequest__Output {
  'siteId': (string);
  'skus': (string)[];
}
