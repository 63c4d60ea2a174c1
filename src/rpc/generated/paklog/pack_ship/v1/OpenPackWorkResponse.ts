// Original file: paklog/pack_ship/v1/pack_ship.proto

import type { Long } from '@grpc/proto-loader';

export interface OpenPackWorkResponse {
  'found'?: (boolean);
  'orderId'?: (string);
  'unitsPicked'?: (number | string | Long);
  'unitsToPack'?: (number | string | Long);
  /**
   * The order's OPEN packages, oldest first.
   */
  'openPackageIds'?: (string)[];
}

export interface OpenPackWorkResponse__Output {
  'found': (boolean);
  'orderId': (string);
  'unitsPicked': (number);
  'unitsToPack': (number);
  /**
   * The order's OPEN packages, oldest first.
   */
  'openPackageIds': (string)[];
}
