// Original file: paklog/location_master/v1/location_master.proto


export interface Site {
  'id'?: (string);
  'code'?: (string);
  'name'?: (string);
  /**
   * ISO-8601 time.
   */
  'createdAt'?: (string);
  /**
   * False once deactivated (ADR 0045); absent from an older server: true.
   */
  'active'?: (boolean);
  '_active'?: "active";
}

export interface Site__Output {
  'id': (string);
  'code': (string);
  'name': (string);
  /**
   * ISO-8601 time.
   */
  'createdAt': (string);
  /**
   * False once deactivated (ADR 0045); absent from an older server: true.
   */
  'active'?: (boolean);
  '_active'?: "active";
}
