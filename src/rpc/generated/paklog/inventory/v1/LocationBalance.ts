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
  /**
   * Whose units (ADR 0028); empty from a server that did not say: the default owner's.
   */
  'ownerId'?: (string);
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
  /**
   * Whose units (ADR 0028); empty from a server that did not say: the default owner's.
   */
  'ownerId': (string);
  '_lot'?: "lot";
}
