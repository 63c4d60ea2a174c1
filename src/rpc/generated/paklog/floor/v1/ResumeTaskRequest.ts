// Original file: paklog/floor/v1/floor.proto


export interface ResumeTaskRequest {
  'taskId'?: (string);
  'workerId'?: (string);
}

export interface ResumeTaskRequest__Output {
  'taskId': (string);
  'workerId': (string);
}
