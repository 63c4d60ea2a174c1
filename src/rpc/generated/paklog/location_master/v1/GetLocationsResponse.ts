// Original file: paklog/location_master/v1/location_master.proto

import type { Location as _paklog_location_master_v1_Location, Location__Output as _paklog_location_master_v1_Location__Output } from '../../../paklog/location_master/v1/Location.ts';

export interface GetLocationsResponse {
  /**
   * Keyed by location id.
   */
  'locations'?: ({[key: string]: _paklog_location_master_v1_Location});
}

export interface GetLocationsResponse__Output {
  /**
   * Keyed by location id.
   */
  'locations': ({[key: string]: _paklog_location_master_v1_Location__Output});
}
