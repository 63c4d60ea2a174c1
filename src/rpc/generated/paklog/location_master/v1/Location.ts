// Original file: paklog/location_master/v1/location_master.proto

import type { LocationType as _paklog_location_master_v1_LocationType, LocationType__Output as _paklog_location_master_v1_LocationType__Output } from '../../../paklog/location_master/v1/LocationType.ts';
import type { LocationStatus as _paklog_location_master_v1_LocationStatus, LocationStatus__Output as _paklog_location_master_v1_LocationStatus__Output } from '../../../paklog/location_master/v1/LocationStatus.ts';

/**
 * A location; the optional fields are null in the contract when absent.
 */
export interface Location {
  'id'?: (string);
  'siteId'?: (string);
  'code'?: (string);
  'type'?: (_paklog_location_master_v1_LocationType);
  'zone'?: (string);
  'aisle'?: (number);
  'bay'?: (number);
  'level'?: (number);
  /**
   * Metres.
   */
  'x'?: (number | string);
  'y'?: (number | string);
  'z'?: (number | string);
  'pickSequence'?: (number);
  'status'?: (_paklog_location_master_v1_LocationStatus);
  '_zone'?: "zone";
  '_aisle'?: "aisle";
  '_bay'?: "bay";
  '_level'?: "level";
  '_pickSequence'?: "pickSequence";
}

/**
 * A location; the optional fields are null in the contract when absent.
 */
export interface Location__Output {
  'id': (string);
  'siteId': (string);
  'code': (string);
  'type': (_paklog_location_master_v1_LocationType__Output);
  'zone'?: (string);
  'aisle'?: (number);
  'bay'?: (number);
  'level'?: (number);
  /**
   * Metres.
   */
  'x': (number);
  'y': (number);
  'z': (number);
  'pickSequence'?: (number);
  'status': (_paklog_location_master_v1_LocationStatus__Output);
  '_zone'?: "zone";
  '_aisle'?: "aisle";
  '_bay'?: "bay";
  '_level'?: "level";
  '_pickSequence'?: "pickSequence";
}
