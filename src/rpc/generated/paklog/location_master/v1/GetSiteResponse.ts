// Original file: paklog/location_master/v1/location_master.proto

import type { Site as _paklog_location_master_v1_Site, Site__Output as _paklog_location_master_v1_Site__Output } from '../../../paklog/location_master/v1/Site.ts';

export interface GetSiteResponse {
  'site'?: (_paklog_location_master_v1_Site | null);
}

export interface GetSiteResponse__Output {
  'site': (_paklog_location_master_v1_Site__Output | null);
}
