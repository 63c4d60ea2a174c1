// Original file: paklog/floor/v1/floor.proto


export interface GetPickListRequest {
  'pickListId'?: (string);
}

export interface GetPickListRequest__Output {
  'pickListId': (string);
}
