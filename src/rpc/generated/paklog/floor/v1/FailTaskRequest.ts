// Original file: paklog/floor/v1/floor.proto


export interface FailTaskRequest {
  'taskId'?: (string);
  'workerId'?: (string);
  /**
   * EQUIPMENT, LOCATION_INACCESSIBLE, DAMAGED_GOODS or OTHER (TASK_FAILURE_REASONS of the tasks contract).
   */
  'reason'?: (string);
  /**
   * What the worker saw, for the next worker and the supervisor (at most 500 characters).
   */
  'note'?: (string);
  '_note'?: "note";
}

export interface FailTaskRequest__Output {
  'taskId': (string);
  'workerId': (string);
  /**
   * EQUIPMENT, LOCATION_INACCESSIBLE, DAMAGED_GOODS or OTHER (TASK_FAILURE_REASONS of the tasks contract).
   */
  'reason': (string);
  /**
   * What the worker saw, for the next worker and the supervisor (at most 500 characters).
   */
  'note'?: (string);
  '_note'?: "note";
}
