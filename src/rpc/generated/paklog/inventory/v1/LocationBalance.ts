// Original file: paklog/inventory/v1/inventory.proto

import type { Long } from '@grpc/proto-loader';

export interface LocationBalance {
  'locationId'?: (string);
  'sku'?: (string);
  /**
   * Absent when the units have no lot.
   */
  'lot'?: (string);
  'onHand'?: (number | string | Long);
  '_lot'?: "lot";
}

export interface LocationBalance__Output {
  'locationId': (string);
  'sku': (string);
  /**
   * Absent when the units have no lot.
   */
  'lot'?: (string);
  'onHand': (number);
  '_lot'?: "lot";
}
