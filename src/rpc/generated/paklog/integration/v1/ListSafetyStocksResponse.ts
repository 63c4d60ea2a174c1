// Original file: paklog/integration/v1/integration.proto

import type { SafetyStock as _paklog_integration_v1_SafetyStock, SafetyStock__Output as _paklog_integration_v1_SafetyStock__Output } from '../../../paklog/integration/v1/SafetyStock.ts';

export interface ListSafetyStocksResponse {
  'items'?: (_paklog_integration_v1_SafetyStock)[];
  /**
   * Pass as `cursor` for the next page; unset on the last.
   */
  'nextCursor'?: (string);
  '_nextCursor'?: "nextCursor";
}

export interface ListSafetyStocksResponse__Output {
  'items': (_paklog_integration_v1_SafetyStock__Output)[];
  /**
   * Pass as `cursor` for the next page; unset on the last.
   */
  'nextCursor'?: (string);
  '_nextCursor'?: "nextCursor";
}
