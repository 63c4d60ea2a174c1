// Original file: paklog/integration/v1/integration.proto


export interface ShipTo {
  'name'?: (string);
  'line1'?: (string);
  'line2'?: (string);
  'city'?: (string);
  'postalCode'?: (string);
  /**
   * ISO 3166-1 alpha-2, e.g. DE.
   */
  'country'?: (string);
  '_line2'?: "line2";
}

export interface ShipTo__Output {
  'name': (string);
  'line1': (string);
  'line2'?: (string);
  'city': (string);
  'postalCode': (string);
  /**
   * ISO 3166-1 alpha-2, e.g. DE.
   */
  'country': (string);
  '_line2'?: "line2";
}
