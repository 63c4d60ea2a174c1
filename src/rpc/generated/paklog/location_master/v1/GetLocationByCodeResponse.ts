// Original file: paklog/location_master/v1/location_master.proto

import type { Location as _paklog_location_master_v1_Location, Location__Output as _paklog_location_master_v1_Location__Output } from '../../../paklog/location_master/v1/Location.ts';

export interface GetLocationByCodeResponse {
  'location'?: (_paklog_location_master_v1_Location | null);
}

export interface GetLocationByCodeResponse__Output {
  'location': (_paklog_location_master_v1_Location__Output | null);
}
