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
        /**
         * The handheld's loop: next task → start → confirm (or short) each line of its pick list → complete.
         */
        Floor: SubtypeConstructor<typeof grpc.Client, _paklog_floor_v1_FloorClient> & { service: _paklog_floor_v1_FloorDefinition }
        GetPickListRequest: MessageTypeDefinition
        NextTaskRequest: MessageTypeDefinition
        NextTaskResponse: MessageTypeDefinition
        PickLine: MessageTypeDefinition
        PickList: MessageTypeDefinition
        ShortPickRequest: MessageTypeDefinition
        StartTaskRequest: MessageTypeDefinition
        Task: MessageTypeDefinition
      }
    }
  }
}

