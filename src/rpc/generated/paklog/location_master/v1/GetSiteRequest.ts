// Original file: paklog/location_master/v1/location_master.proto


export interface GetSiteRequest {
  'idOrCode'?: (string);
}

export interface GetSiteRequest__Output {
  'idOrCode': (string);
}
