import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { FloorClient as _paklog_floor_v1_FloorClient, FloorDefinition as _paklog_floor_v1_FloorDefinition } from './paklog/floor/v1/Floor.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    floor: {
      v1: {
        CompleteTaskRequest: MessageTypeDefinition
        ConfirmPickRequest: MessageTypeDefinition
        FailTaskRequest: MessageTypeDefinition
        /**
         * The handheld's loop: next task → start → confirm (or short) each line of its pick list → complete; and its ways out
         * of a task it cannot do: reject (not started), pause and resume, fail (started).
         */
        Floor: SubtypeConstructor<typeof grpc.Client, _paklog_floor_v1_FloorClient> & { service: _paklog_floor_v1_FloorDefinition }
        GetPickListRequest: MessageTypeDefinition
        NextTaskRequest: MessageTypeDefinition
        NextTaskResponse: MessageTypeDefinition
        PackLine: MessageTypeDefinition
        PauseTaskRequest: MessageTypeDefinition
        PickLine: MessageTypeDefinition
        PickList: MessageTypeDefinition
        RejectTaskRequest: MessageTypeDefinition
        ResumeTaskRequest: MessageTypeDefinition
        ShortAtPackRequest: MessageTypeDefinition
        ShortAtPackResponse: MessageTypeDefinition
        ShortPickRequest: MessageTypeDefinition
        StartTaskRequest: MessageTypeDefinition
        Task: MessageTypeDefinition
      }
    }
  }
}

