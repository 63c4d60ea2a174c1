// Original file: paklog/inventory/v1/inventory.proto

import type { Long } from '@grpc/proto-loader';

export interface OpenTaskWorkResponse {
  'found'?: (boolean);
  /**
   * PUTAWAY, REPLENISHMENT, RETURN or COUNT.
   */
  'kind'?: (string);
  'id'?: (string);
  'status'?: (string);
  /**
   * Units still to move; unset for a count.
   */
  'remaining'?: (number | string | Long);
  '_remaining'?: "remaining";
}

export interface OpenTaskWorkResponse__Output {
  'found': (boolean);
  /**
   * PUTAWAY, REPLENISHMENT, RETURN or COUNT.
   */
  'kind': (string);
  'id': (string);
  'status': (string);
  /**
   * Units still to move; unset for a count.
   */
  'remaining'?: (number);
  '_remaining'?: "remaining";
}
