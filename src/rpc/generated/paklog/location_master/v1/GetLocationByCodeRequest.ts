// Original file: paklog/location_master/v1/location_master.proto


export interface GetLocationByCodeRequest {
  'siteId'?: (string);
  'code'?: (string);
}

export interface GetLocationByCodeRequest__Output {
  'siteId': (string);
  'code': (string);
}
