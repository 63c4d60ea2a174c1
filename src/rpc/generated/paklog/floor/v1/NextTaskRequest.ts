// Original file: paklog/floor/v1/floor.proto


export interface NextTaskRequest {
  'workerId'?: (string);
  /**
   * Site id or code (e.g. DEMO).
   */
  'siteId'?: (string);
  /**
   * Only tasks of these types (PICK, …); empty for any.
   */
  'types'?: (string)[];
}

export interface NextTaskRequest__Output {
  'workerId': (string);
  /**
   * Site id or code (e.g. DEMO).
   */
  'siteId': (string);
  /**
   * Only tasks of these types (PICK, …); empty for any.
   */
  'types': (string)[];
}
