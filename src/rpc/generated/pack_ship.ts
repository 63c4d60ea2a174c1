import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PackShipServiceClient as _paklog_pack_ship_v1_PackShipServiceClient, PackShipServiceDefinition as _paklog_pack_ship_v1_PackShipServiceDefinition } from './paklog/pack_ship/v1/PackShipService.ts';

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
    pack_ship: {
      v1: {
        AlreadyDispatched: MessageTypeDefinition
        BookableCarriersRequest: MessageTypeDefinition
        BookableCarriersResponse: MessageTypeDefinition
        OpenPackWorkRequest: MessageTypeDefinition
        OpenPackWorkResponse: MessageTypeDefinition
        PackShipService: SubtypeConstructor<typeof grpc.Client, _paklog_pack_ship_v1_PackShipServiceClient> & { service: _paklog_pack_ship_v1_PackShipServiceDefinition }
        PackWorkStateRequest: MessageTypeDefinition
        PackWorkStateResponse: MessageTypeDefinition
        StopShippingRequest: MessageTypeDefinition
        StopShippingResponse: MessageTypeDefinition
        Stopped: MessageTypeDefinition
      }
    }
  }
}

