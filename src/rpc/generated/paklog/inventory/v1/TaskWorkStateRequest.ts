// Original file: paklog/inventory/v1/inventory.proto


export interface TaskWorkStateRequest {
  /**
   * PUTAWAY, REPLENISH, MOVE or COUNT (TASK_WORK_TYPES of the inventory contract).
   */
  'taskType'?: (string);
  /**
   * The task's reference: a putaway, replenishment or return id, a count id or `<count id>:recount`.
   */
  'reference'?: (string);
}

export interface TaskWorkStateRequest__Output {
  /**
   * PUTAWAY, REPLENISH, MOVE or COUNT (TASK_WORK_TYPES of the inventory contract).
   */
  'taskType': (string);
  /**
   * The task's reference: a putaway, replenishment or return id, a count id or `<count id>:recount`.
   */
  'reference': (string);
}
