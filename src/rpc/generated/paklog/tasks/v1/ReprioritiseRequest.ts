// Original file: paklog/tasks/v1/tasks.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface ReprioritiseRequest {
  'taskId'?: (string);
  'priority'?: (number);
  'meta'?: (_paklog_common_v1_EventMeta | null);
}

export interface ReprioritiseRequest__Output {
  'taskId': (string);
  'priority': (number);
  'meta': (_paklog_common_v1_EventMeta__Output | null);
}
