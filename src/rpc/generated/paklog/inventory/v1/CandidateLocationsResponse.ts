// Original file: paklog/inventory/v1/inventory.proto


export interface CandidateLocationsResponse {
  /**
   * Location id by SKU.
   */
  'locationIds'?: ({[key: string]: string});
}

export interface CandidateLocationsResponse__Output {
  /**
   * Location id by SKU.
   */
  'locationIds': ({[key: string]: string});
}
