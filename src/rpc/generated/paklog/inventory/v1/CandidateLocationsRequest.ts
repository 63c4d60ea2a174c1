// Original file: paklog/inventory/v1/inventory.proto


export interface CandidateLocationsRequest {
  'siteId'?: (string);
  'skus'?: (string)[];
}

export interface CandidateLocationsRequest__Output {
  'siteId': (string);
  'skus': (string)[];
}
