// Original file: paklog/floor/v1/floor.proto


export interface RejectTaskRequest {
  'taskId'?: (string);
  'workerId'?: (string);
  /**
   * Why (free text, at most 500 characters).
   */
  'reason'?: (string);
  '_reason'?: "reason";
}

export interface RejectTaskRequest__Output {
  'taskId': (string);
  'workerId': (string);
  /**
   * Why (free text, at most 500 characters).
   */
  'reason'?: (string);
  '_reason'?: "reason";
}
