// Original file: paklog/floor/v1/floor.proto


/**
 * A task (GET /tasks/{id}). Times are ISO-8601; an absent optional field is null in REST.
 */
export interface Task {
  'id'?: (string);
  'siteId'?: (string);
  'type'?: (string);
  /**
   * What to work on: the pick list id of a PICK task.
   */
  'reference'?: (string);
  'waveId'?: (string);
  'priority'?: (number);
  'status'?: (string);
  'workerId'?: (string);
  'createdAt'?: (string);
  'assignedAt'?: (string);
  'startedAt'?: (string);
  'completedAt'?: (string);
  'updatedAt'?: (string);
  'version'?: (number);
  /**
   * Where the task starts (a pick list's first stop, a putaway's source) and where the worker stands when it is done.
   */
  'locationId'?: (string);
  'endLocationId'?: (string);
  'dueAt'?: (string);
  /**
   * Only workers of this zone may take it; the skills and equipment a worker must have (their profile).
   */
  'zone'?: (string);
  'requiredSkills'?: (string)[];
  'requiredEquipment'?: (string)[];
  /**
   * How often it failed since it was created or a supervisor last re-queued it; why it last failed, and the note.
   */
  'failures'?: (number);
  'failureReason'?: (string);
  'failureNote'?: (string);
  '_waveId'?: "waveId";
  '_workerId'?: "workerId";
  '_assignedAt'?: "assignedAt";
  '_startedAt'?: "startedAt";
  '_completedAt'?: "completedAt";
  '_locationId'?: "locationId";
  '_endLocationId'?: "endLocationId";
  '_dueAt'?: "dueAt";
  '_zone'?: "zone";
  '_failureReason'?: "failureReason";
  '_failureNote'?: "failureNote";
}

/**
 * A task (GET /tasks/{id}). Times are ISO-8601; an absent optional field is null in REST.
 */
export interface Task__Output {
  'id': (string);
  'siteId': (string);
  'type': (string);
  /**
   * What to work on: the pick list id of a PICK task.
   */
  'reference': (string);
  'waveId'?: (string);
  'priority': (number);
  'status': (string);
  'workerId'?: (string);
  'createdAt': (string);
  'assignedAt'?: (string);
  'startedAt'?: (string);
  'completedAt'?: (string);
  'updatedAt': (string);
  'version': (number);
  /**
   * Where the task starts (a pick list's first stop, a putaway's source) and where the worker stands when it is done.
   */
  'locationId'?: (string);
  'endLocationId'?: (string);
  'dueAt'?: (string);
  /**
   * Only workers of this zone may take it; the skills and equipment a worker must have (their profile).
   */
  'zone'?: (string);
  'requiredSkills': (string)[];
  'requiredEquipment': (string)[];
  /**
   * How often it failed since it was created or a supervisor last re-queued it; why it last failed, and the note.
   */
  'failures': (number);
  'failureReason'?: (string);
  'failureNote'?: (string);
  '_waveId'?: "waveId";
  '_workerId'?: "workerId";
  '_assignedAt'?: "assignedAt";
  '_startedAt'?: "startedAt";
  '_completedAt'?: "completedAt";
  '_locationId'?: "locationId";
  '_endLocationId'?: "endLocationId";
  '_dueAt'?: "dueAt";
  '_zone'?: "zone";
  '_failureReason'?: "failureReason";
  '_failureNote'?: "failureNote";
}
