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
  /**
   * A carton's second code: its shipping label's SSCC-18 (ADR 0029 addendum 2026-12-06); unset for any other LPN.
   */
  'sscc'?: (string);
  '_sscc'?: "sscc";
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
  /**
   * A carton's second code: its shipping label's SSCC-18 (ADR 0029 addendum 2026-12-06); unset for any other LPN.
   */
  'sscc'?: (string);
  '_sscc'?: "sscc";
}
