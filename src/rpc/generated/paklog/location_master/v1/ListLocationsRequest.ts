// Original file: paklog/location_master/v1/location_master.proto

import type { LocationTypes as _paklog_location_master_v1_LocationTypes, LocationTypes__Output as _paklog_location_master_v1_LocationTypes__Output } from '../../../paklog/location_master/v1/LocationTypes.ts';

export interface ListLocationsRequest {
  'siteId'?: (string);
  'types'?: (_paklog_location_master_v1_LocationTypes | null);
}

export interface ListLocationsRequest__Output {
  'siteId': (string);
  'types': (_paklog_location_master_v1_LocationTypes__Output | null);
}
