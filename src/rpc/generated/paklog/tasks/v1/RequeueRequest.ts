// Original file: paklog/tasks/v1/tasks.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface RequeueRequest {
  'taskId'?: (string);
  /**
   * Who re-queued it, as the task's history records it.
   */
  'by'?: (string);
  'meta'?: (_paklog_common_v1_EventMeta | null);
}

export interface RequeueRequest__Output {
  'taskId': (string);
  /**
   * Who re-queued it, as the task's history records it.
   */
  'by': (string);
  'meta': (_paklog_common_v1_EventMeta__Output | null);
}
