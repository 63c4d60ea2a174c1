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
  /**
   * Units of a shipComplete order shorted at packing and picked again, not picked yet (ADR 0024 addendum 2026-12-07).
   */
  'unitsToPickAgain'?: (number | string | Long);
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
  /**
   * Units of a shipComplete order shorted at packing and picked again, not picked yet (ADR 0024 addendum 2026-12-07).
   */
  'unitsToPickAgain': (number);
}
