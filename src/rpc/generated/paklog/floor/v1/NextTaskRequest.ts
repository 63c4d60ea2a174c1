// Original file: paklog/floor/v1/floor.proto


/**
 * worker_id in the task requests: the worker acting (REST's workerId). Empty is REST's absent one: a signed-in person's
 * own worker id; a key must name the worker (a supervisor's key may leave FailTask's empty).
 */
export interface NextTaskRequest {
  'workerId'?: (string);
  /**
   * Site id or code (e.g. DEMO).
   */
  'siteId'?: (string);
  /**
   * Only tasks of these types (PICK, …); empty for any.
   */
  'types'?: (string)[];
}

/**
 * worker_id in the task requests: the worker acting (REST's workerId). Empty is REST's absent one: a signed-in person's
 * own worker id; a key must name the worker (a supervisor's key may leave FailTask's empty).
 */
export interface NextTaskRequest__Output {
  'workerId': (string);
  /**
   * Site id or code (e.g. DEMO).
   */
  'siteId': (string);
  /**
   * Only tasks of these types (PICK, …); empty for any.
   */
  'types': (string)[];
}
