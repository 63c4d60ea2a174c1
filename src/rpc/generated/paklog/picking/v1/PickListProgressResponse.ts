// Original file: paklog/picking/v1/picking.proto


export interface PickListProgressResponse {
  /**
   * false: picking knows no such list (the other fields are unset).
   */
  'found'?: (boolean);
  'pickListId'?: (string);
  /**
   * CREATED, IN_PROGRESS, COMPLETED, PARTIAL or CANCELLED (PICK_LIST_STATUSES of the picking contract).
   */
  'status'?: (string);
  /**
   * Lines neither picked in full, shorted nor cancelled.
   */
  'openLines'?: (number);
  /**
   * Every line of the list.
   */
  'lines'?: (number);
}

export interface PickListProgressResponse__Output {
  /**
   * false: picking knows no such list (the other fields are unset).
   */
  'found': (boolean);
  'pickListId': (string);
  /**
   * CREATED, IN_PROGRESS, COMPLETED, PARTIAL or CANCELLED (PICK_LIST_STATUSES of the picking contract).
   */
  'status': (string);
  /**
   * Lines neither picked in full, shorted nor cancelled.
   */
  'openLines': (number);
  /**
   * Every line of the list.
   */
  'lines': (number);
}
