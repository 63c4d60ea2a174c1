// Original file: paklog/floor/v1/floor.proto


export interface StartTaskRequest {
  'taskId'?: (string);
  'workerId'?: (string);
}

export interface StartTaskRequest__Output {
  'taskId': (string);
  'workerId': (string);
}
