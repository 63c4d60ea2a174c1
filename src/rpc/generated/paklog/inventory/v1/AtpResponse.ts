// Original file: paklog/inventory/v1/inventory.proto

import type { Long } from '@grpc/proto-loader';

export interface AtpResponse {
  /**
   * Units by SKU.
   */
  'quantities'?: ({[key: string]: number | string | Long});
}

export interface AtpResponse__Output {
  /**
   * Units by SKU.
   */
  'quantities': ({[key: string]: number});
}
