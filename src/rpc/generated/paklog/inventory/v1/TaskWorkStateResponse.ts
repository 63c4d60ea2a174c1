// Original file: paklog/inventory/v1/inventory.proto


export interface TaskWorkStateResponse {
  'found'?: (boolean);
  /**
   * OPEN, DONE or WITHDRAWN (TASK_WORK_STATES of the inventory contract).
   */
  'state'?: (string);
}

export interface TaskWorkStateResponse__Output {
  'found': (boolean);
  /**
   * OPEN, DONE or WITHDRAWN (TASK_WORK_STATES of the inventory contract).
   */
  'state': (string);
}
