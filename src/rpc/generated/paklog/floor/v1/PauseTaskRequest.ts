// Original file: paklog/floor/v1/floor.proto


export interface PauseTaskRequest {
  'taskId'?: (string);
  'workerId'?: (string);
}

export interface PauseTaskRequest__Output {
  'taskId': (string);
  'workerId': (string);
}
