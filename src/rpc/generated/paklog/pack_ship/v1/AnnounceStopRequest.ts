// Original file: paklog/pack_ship/v1/pack_ship.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface AnnounceStopRequest {
  'orderId'?: (string);
  'meta'?: (_paklog_common_v1_EventMeta | null);
}

export interface AnnounceStopRequest__Output {
  'orderId': (string);
  'meta': (_paklog_common_v1_EventMeta__Output | null);
}
