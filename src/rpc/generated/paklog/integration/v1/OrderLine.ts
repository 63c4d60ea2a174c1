// Original file: paklog/integration/v1/integration.proto


export interface OrderLine {
  'id'?: (string);
  'lineNo'?: (number);
  'sku'?: (string);
  'ordered'?: (number);
  'allocated'?: (number);
  'picked'?: (number);
  'shorted'?: (number);
  'packed'?: (number);
  'shipped'?: (number);
  'cancelled'?: (number);
}

export interface OrderLine__Output {
  'id': (string);
  'lineNo': (number);
  'sku': (string);
  'ordered': (number);
  'allocated': (number);
  'picked': (number);
  'shorted': (number);
  'packed': (number);
  'shipped': (number);
  'cancelled': (number);
}
