// Original file: paklog/floor/v1/floor.proto


export interface ShortPickRequest {
  'pickListId'?: (string);
  'lineId'?: (string);
  /**
   * NOT_FOUND, DAMAGED, … (SHORT_REASONS of the picking contract).
   */
  'reason'?: (string);
  'scanId'?: (string);
  '_scanId'?: "scanId";
}

export interface ShortPickRequest__Output {
  'pickListId': (string);
  'lineId': (string);
  /**
   * NOT_FOUND, DAMAGED, … (SHORT_REASONS of the picking contract).
   */
  'reason': (string);
  'scanId'?: (string);
  '_scanId'?: "scanId";
}
