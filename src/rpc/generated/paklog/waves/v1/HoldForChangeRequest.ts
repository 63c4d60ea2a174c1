// Original file: paklog/waves/v1/waves.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface HoldForChangeRequest {
  'orderId'?: (string);
  'siteId'?: (string);
  'carrier'?: (string);
  'priority'?: (number);
  'changeId'?: (string);
  'meta'?: (_paklog_common_v1_EventMeta | null);
}

export interface HoldForChangeRequest__Output {
  'orderId': (string);
  'siteId': (string);
  'carrier': (string);
  'priority': (number);
  'changeId': (string);
  'meta': (_paklog_common_v1_EventMeta__Output | null);
}
