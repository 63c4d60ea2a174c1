// Original file: paklog/inventory/v1/inventory.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface RetryBackordersRequest {
  'siteId'?: (string);
  'skus'?: (string)[];
  'meta'?: (_paklog_common_v1_EventMeta | null);
  /**
   * The order the caller retries for (empty: none): answered among the allocated ones when none of its lines is
   * backordered any more (an earlier retry or freed stock allocated it, not yet heard by the caller).
   */
  'orderId'?: (string);
}

export interface RetryBackordersRequest__Output {
  'siteId': (string);
  'skus': (string)[];
  'meta': (_paklog_common_v1_EventMeta__Output | null);
  /**
   * The order the caller retries for (empty: none): answered among the allocated ones when none of its lines is
   * backordered any more (an earlier retry or freed stock allocated it, not yet heard by the caller).
   */
  'orderId': (string);
}
