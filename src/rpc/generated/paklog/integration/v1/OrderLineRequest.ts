// Original file: paklog/integration/v1/integration.proto


export interface OrderLineRequest {
  'sku'?: (string);
  'quantity'?: (number);
}

export interface OrderLineRequest__Output {
  'sku': (string);
  'quantity': (number);
}
