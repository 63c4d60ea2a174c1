import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PickingServiceClient as _paklog_picking_v1_PickingServiceClient, PickingServiceDefinition as _paklog_picking_v1_PickingServiceDefinition } from './paklog/picking/v1/PickingService.ts';

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
    picking: {
      v1: {
        PickListProgressRequest: MessageTypeDefinition
        PickListProgressResponse: MessageTypeDefinition
        PickingService: SubtypeConstructor<typeof grpc.Client, _paklog_picking_v1_PickingServiceClient> & { service: _paklog_picking_v1_PickingServiceDefinition }
        StopPickingRequest: MessageTypeDefinition
        StopPickingResponse: MessageTypeDefinition
      }
    }
  }
}

