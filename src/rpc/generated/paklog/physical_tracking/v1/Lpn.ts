// Original file: paklog/physical_tracking/v1/physical_tracking.proto


export interface Lpn {
  'id'?: (string);
  'siteId'?: (string);
  /**
   * Its label (SSCC or internal code).
   */
  'code'?: (string);
  /**
   * OPEN, CLOSED, STAGED, IN_TRANSIT, SHIPPED, CONSUMED or LOST (LPN_STATUSES of the physical-tracking contract).
   */
  'status'?: (string);
}

export interface Lpn__Output {
  'id': (string);
  'siteId': (string);
  /**
   * Its label (SSCC or internal code).
   */
  'code': (string);
  /**
   * OPEN, CLOSED, STAGED, IN_TRANSIT, SHIPPED, CONSUMED or LOST (LPN_STATUSES of the physical-tracking contract).
   */
  'status': (string);
}
