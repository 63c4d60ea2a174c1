import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { TaskCommandServiceClient as _paklog_tasks_v1_TaskCommandServiceClient, TaskCommandServiceDefinition as _paklog_tasks_v1_TaskCommandServiceDefinition } from './paklog/tasks/v1/TaskCommandService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    common: {
      v1: {
        EventMeta: MessageTypeDefinition
      }
    }
    tasks: {
      v1: {
        ReprioritiseRequest: MessageTypeDefinition
        RequeueRequest: MessageTypeDefinition
        TaskAnswer: MessageTypeDefinition
        TaskCommandService: SubtypeConstructor<typeof grpc.Client, _paklog_tasks_v1_TaskCommandServiceClient> & { service: _paklog_tasks_v1_TaskCommandServiceDefinition }
      }
    }
  }
}

