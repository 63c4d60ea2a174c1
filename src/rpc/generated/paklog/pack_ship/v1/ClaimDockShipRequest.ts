// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface ClaimDockShipRequest {
  'claimId'?: (string);
  'siteId'?: (string);
  'orderIds'?: (string)[];
  /**
   * The packages whose cartons the scan takes out (the cartons of the scanned tree, by their package ids): once shipped
   * at the dock, they are not repacked. Empty from older callers.
   */
  'packageIds'?: (string)[];
}

export interface ClaimDockShipRequest__Output {
  'claimId': (string);
  'siteId': (string);
  'orderIds': (string)[];
  /**
   * The packages whose cartons the scan takes out (the cartons of the scanned tree, by their package ids): once shipped
   * at the dock, they are not repacked. Empty from older callers.
   */
  'packageIds': (string)[];
}
