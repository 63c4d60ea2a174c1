// Original file: paklog/location_master/v1/location_master.proto

import type { LocationType as _paklog_location_master_v1_LocationType, LocationType__Output as _paklog_location_master_v1_LocationType__Output } from '../../../paklog/location_master/v1/LocationType.ts';

/**
 * A list of types; a message of its own so that "no filter" (absent) differs from "none of these" (empty).
 */
export interface LocationTypes {
  'types'?: (_paklog_location_master_v1_LocationType)[];
}

/**
 * A list of types; a message of its own so that "no filter" (absent) differs from "none of these" (empty).
 */
export interface LocationTypes__Output {
  'types': (_paklog_location_master_v1_LocationType__Output)[];
}
