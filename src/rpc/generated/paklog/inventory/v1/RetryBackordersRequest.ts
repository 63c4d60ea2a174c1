// Original file: paklog/inventory/v1/inventory.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface RetryBackordersRequest {
  'siteId'?: (string);
  'skus'?: (string)[];
  'meta'?: (_paklog_common_v1_EventMeta | null);
}

export interface RetryBackordersRequest__Output {
  'siteId': (string);
  'skus': (string)[];
  'meta': (_paklog_common_v1_EventMeta__Output | null);
}
