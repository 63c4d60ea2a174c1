// Original file: paklog/physical_tracking/v1/physical_tracking.proto

import type { Lpn as _paklog_physical_tracking_v1_Lpn, Lpn__Output as _paklog_physical_tracking_v1_Lpn__Output } from '../../../paklog/physical_tracking/v1/Lpn.ts';

export interface GetLpnResponse {
  /**
   * Unset when there is no such LPN.
   */
  'lpn'?: (_paklog_physical_tracking_v1_Lpn | null);
}

export interface GetLpnResponse__Output {
  /**
   * Unset when there is no such LPN.
   */
  'lpn': (_paklog_physical_tracking_v1_Lpn__Output | null);
}
