// Original file: paklog/integration/v1/integration.proto


/**
 * REST's shipTo, in requests and answers: every field of it (an unset optional field is REST's absent one; the same
 * lengths and text rules apply, refused as REST refuses them: INVALID_ARGUMENT VALIDATION_FAILED naming /shipTo/<field>).
 */
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
  /**
   * The consignee's company, when there is one (REST's `company`).
   */
  'company'?: (string);
  'line3'?: (string);
  /**
   * State, province or region, e.g. CA or Ontario (REST's `state`).
   */
  'state'?: (string);
  /**
   * For the carrier's delivery notice (REST's `phone`, `email`).
   */
  'phone'?: (string);
  'email'?: (string);
  '_line2'?: "line2";
  '_company'?: "company";
  '_line3'?: "line3";
  '_state'?: "state";
  '_phone'?: "phone";
  '_email'?: "email";
}

/**
 * REST's shipTo, in requests and answers: every field of it (an unset optional field is REST's absent one; the same
 * lengths and text rules apply, refused as REST refuses them: INVALID_ARGUMENT VALIDATION_FAILED naming /shipTo/<field>).
 */
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
  /**
   * The consignee's company, when there is one (REST's `company`).
   */
  'company'?: (string);
  'line3'?: (string);
  /**
   * State, province or region, e.g. CA or Ontario (REST's `state`).
   */
  'state'?: (string);
  /**
   * For the carrier's delivery notice (REST's `phone`, `email`).
   */
  'phone'?: (string);
  'email'?: (string);
  '_line2'?: "line2";
  '_company'?: "company";
  '_line3'?: "line3";
  '_state'?: "state";
  '_phone'?: "phone";
  '_email'?: "email";
}
