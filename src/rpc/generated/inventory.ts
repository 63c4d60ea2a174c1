import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { InventoryServiceClient as _paklog_inventory_v1_InventoryServiceClient, InventoryServiceDefinition as _paklog_inventory_v1_InventoryServiceDefinition } from './paklog/inventory/v1/InventoryService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    inventory: {
      v1: {
        AtpRequest: MessageTypeDefinition
        AtpResponse: MessageTypeDefinition
        CandidateLocationsRequest: MessageTypeDefinition
        CandidateLocationsResponse: MessageTypeDefinition
        GetOwnerRequest: MessageTypeDefinition
        GetOwnerResponse: MessageTypeDefinition
        InventoryService: SubtypeConstructor<typeof grpc.Client, _paklog_inventory_v1_InventoryServiceClient> & { service: _paklog_inventory_v1_InventoryServiceDefinition }
        LocationBalance: MessageTypeDefinition
        LocationBalancesRequest: MessageTypeDefinition
        LocationBalancesResponse: MessageTypeDefinition
        OpenCountAt: MessageTypeDefinition
        OpenCountsAtRequest: MessageTypeDefinition
        OpenCountsAtResponse: MessageTypeDefinition
        OpenTaskWorkRequest: MessageTypeDefinition
        OpenTaskWorkResponse: MessageTypeDefinition
        TaskWorkStateRequest: MessageTypeDefinition
        TaskWorkStateResponse: MessageTypeDefinition
      }
    }
  }
}

