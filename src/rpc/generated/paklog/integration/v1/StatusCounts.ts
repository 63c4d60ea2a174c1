// Original file: paklog/integration/v1/integration.proto


export interface StatusCounts {
  /**
   * The site counted (its id).
   */
  'siteId'?: (string);
  /**
   * Status -> how many, every status of the resource (0 when none).
   */
  'byStatus'?: ({[key: string]: number});
}

export interface StatusCounts__Output {
  /**
   * The site counted (its id).
   */
  'siteId': (string);
  /**
   * Status -> how many, every status of the resource (0 when none).
   */
  'byStatus': ({[key: string]: number});
}
