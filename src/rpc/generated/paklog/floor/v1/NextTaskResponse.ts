// Original file: paklog/floor/v1/floor.proto

import type { Task as _paklog_floor_v1_Task, Task__Output as _paklog_floor_v1_Task__Output } from '../../../paklog/floor/v1/Task.ts';

export interface NextTaskResponse {
  /**
   * Unset when there is no work (REST answers 204).
   */
  'task'?: (_paklog_floor_v1_Task | null);
}

export interface NextTaskResponse__Output {
  /**
   * Unset when there is no work (REST answers 204).
   */
  'task': (_paklog_floor_v1_Task__Output | null);
}
