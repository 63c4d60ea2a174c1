// Original file: paklog/inventory/v1/inventory.proto


export interface GetOwnerResponse {
  'found'?: (boolean);
  'id'?: (string);
  'code'?: (string);
  'name'?: (string);
}

export interface GetOwnerResponse__Output {
  'found': (boolean);
  'id': (string);
  'code': (string);
  'name': (string);
}
