import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PhysicalTrackingServiceClient as _paklog_physical_tracking_v1_PhysicalTrackingServiceClient, PhysicalTrackingServiceDefinition as _paklog_physical_tracking_v1_PhysicalTrackingServiceDefinition } from './paklog/physical_tracking/v1/PhysicalTrackingService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    physical_tracking: {
      v1: {
        GetLpnRequest: MessageTypeDefinition
        GetLpnResponse: MessageTypeDefinition
        Lpn: MessageTypeDefinition
        PhysicalTrackingService: SubtypeConstructor<typeof grpc.Client, _paklog_physical_tracking_v1_PhysicalTrackingServiceClient> & { service: _paklog_physical_tracking_v1_PhysicalTrackingServiceDefinition }
      }
    }
  }
}

