import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { InventoryCommandServiceClient as _paklog_inventory_v1_InventoryCommandServiceClient, InventoryCommandServiceDefinition as _paklog_inventory_v1_InventoryCommandServiceDefinition } from './paklog/inventory/v1/InventoryCommandService.ts';
import type { InventoryServiceClient as _paklog_inventory_v1_InventoryServiceClient, InventoryServiceDefinition as _paklog_inventory_v1_InventoryServiceDefinition } from './paklog/inventory/v1/InventoryService.ts';

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
    inventory: {
      v1: {
        AdmitAsnLpnArrivalRequest: MessageTypeDefinition
        AdmitAsnLpnArrivalResponse: MessageTypeDefinition
        AtpRequest: MessageTypeDefinition
        AtpResponse: MessageTypeDefinition
        CandidateLocationsRequest: MessageTypeDefinition
        CandidateLocationsResponse: MessageTypeDefinition
        GetOwnerRequest: MessageTypeDefinition
        GetOwnerResponse: MessageTypeDefinition
        /**
         * Inventory's commands (src/contracts/inventory.ts, InventoryCommands) that another process runs: a supervisor's
         * exception action in orchestration (ADR 0054).
         */
        InventoryCommandService: SubtypeConstructor<typeof grpc.Client, _paklog_inventory_v1_InventoryCommandServiceClient> & { service: _paklog_inventory_v1_InventoryCommandServiceDefinition }
        InventoryService: SubtypeConstructor<typeof grpc.Client, _paklog_inventory_v1_InventoryServiceClient> & { service: _paklog_inventory_v1_InventoryServiceDefinition }
        LocationBalance: MessageTypeDefinition
        LocationBalancesRequest: MessageTypeDefinition
        LocationBalancesResponse: MessageTypeDefinition
        OpenCountAt: MessageTypeDefinition
        OpenCountsAtRequest: MessageTypeDefinition
        OpenCountsAtResponse: MessageTypeDefinition
        OpenTaskWorkRequest: MessageTypeDefinition
        OpenTaskWorkResponse: MessageTypeDefinition
        RetryBackordersRequest: MessageTypeDefinition
        RetryBackordersResponse: MessageTypeDefinition
        TaskWorkStateRequest: MessageTypeDefinition
        TaskWorkStateResponse: MessageTypeDefinition
        WithdrawAsnLpnArrivalRequest: MessageTypeDefinition
        WithdrawAsnLpnArrivalResponse: MessageTypeDefinition
      }
    }
  }
}

