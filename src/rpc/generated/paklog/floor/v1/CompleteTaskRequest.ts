// Original file: paklog/floor/v1/floor.proto


export interface CompleteTaskRequest {
  'taskId'?: (string);
  'workerId'?: (string);
}

export interface CompleteTaskRequest__Output {
  'taskId': (string);
  'workerId': (string);
}
