// Original file: paklog/integration/v1/integration.proto


export interface AtpItem {
  'sku'?: (string);
  'onHandAvailable'?: (number);
  'unpickable'?: (number);
  'allocated'?: (number);
  'expired'?: (number);
  'atp'?: (number);
}

export interface AtpItem__Output {
  'sku': (string);
  'onHandAvailable': (number);
  'unpickable': (number);
  'allocated': (number);
  'expired': (number);
  'atp': (number);
}
