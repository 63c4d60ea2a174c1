// Original file: paklog/location_master/v1/location_master.proto


export interface GetLocationsRequest {
  'ids'?: (string)[];
}

export interface GetLocationsRequest__Output {
  'ids': (string)[];
}
