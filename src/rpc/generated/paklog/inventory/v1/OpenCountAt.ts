// Original file: paklog/inventory/v1/inventory.proto


export interface OpenCountAt {
  'locationId'?: (string);
  'countId'?: (string);
}

export interface OpenCountAt__Output {
  'locationId': (string);
  'countId': (string);
}
