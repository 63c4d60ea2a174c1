// Original file: paklog/picking/v1/picking.proto


export interface PickListProgressRequest {
  'pickListId'?: (string);
}

export interface PickListProgressRequest__Output {
  'pickListId': (string);
}
