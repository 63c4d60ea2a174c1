// Original file: paklog/tasks/v1/tasks.proto


export interface TaskAnswer {
  'taskId'?: (string);
  /**
   * The task's status after the command (QUEUED, ASSIGNED, …).
   */
  'status'?: (string);
  /**
   * The task's priority after the command (Reprioritise only).
   */
  'priority'?: (number);
  '_priority'?: "priority";
}

export interface TaskAnswer__Output {
  'taskId': (string);
  /**
   * The task's status after the command (QUEUED, ASSIGNED, …).
   */
  'status': (string);
  /**
   * The task's priority after the command (Reprioritise only).
   */
  'priority'?: (number);
  '_priority'?: "priority";
}
