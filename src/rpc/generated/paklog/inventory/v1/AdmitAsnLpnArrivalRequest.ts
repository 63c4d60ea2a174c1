// Original file: paklog/inventory/v1/inventory.proto


export interface AdmitAsnLpnArrivalRequest {
  'siteId'?: (string);
  'asnIds'?: (string)[];
  /**
   * The label as physical tracking reads it.
   */
  'code'?: (string);
  'lpnId'?: (string);
  'locationId'?: (string);
  '_locationId'?: "locationId";
}

export interface AdmitAsnLpnArrivalRequest__Output {
  'siteId': (string);
  'asnIds': (string)[];
  /**
   * The label as physical tracking reads it.
   */
  'code': (string);
  'lpnId': (string);
  'locationId'?: (string);
  '_locationId'?: "locationId";
}
