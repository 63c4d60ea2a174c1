// Original file: paklog/inventory/v1/inventory.proto


export interface GetOwnerRequest {
  'id'?: (string);
}

export interface GetOwnerRequest__Output {
  'id': (string);
}
