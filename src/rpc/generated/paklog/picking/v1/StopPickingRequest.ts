// Original file: paklog/picking/v1/picking.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface StopPickingRequest {
  'orderId'?: (string);
  'meta'?: (_paklog_common_v1_EventMeta | null);
}

export interface StopPickingRequest__Output {
  'orderId': (string);
  'meta': (_paklog_common_v1_EventMeta__Output | null);
}
