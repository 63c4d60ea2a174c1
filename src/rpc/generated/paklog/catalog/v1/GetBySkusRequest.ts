// Original file: paklog/catalog/v1/catalog.proto


export interface GetBySkusRequest {
  'skus'?: (string)[];
}

export interface GetBySkusRequest__Output {
  'skus': (string)[];
}
