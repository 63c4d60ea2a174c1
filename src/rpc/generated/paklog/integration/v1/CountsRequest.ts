// Original file: paklog/integration/v1/integration.proto


export interface CountsRequest {
  /**
   * Site id or code.
   */
  'siteId'?: (string);
}

export interface CountsRequest__Output {
  /**
   * Site id or code.
   */
  'siteId': (string);
}
