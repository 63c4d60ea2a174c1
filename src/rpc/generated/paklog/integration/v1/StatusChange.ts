// Original file: paklog/integration/v1/integration.proto


export interface StatusChange {
  'from'?: (string);
  'to'?: (string);
  'at'?: (string);
  'cause'?: (string);
  '_from'?: "from";
  '_cause'?: "cause";
}

export interface StatusChange__Output {
  'from'?: (string);
  'to': (string);
  'at': (string);
  'cause'?: (string);
  '_from'?: "from";
  '_cause'?: "cause";
}
