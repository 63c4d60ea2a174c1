import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { IntegrationClient as _paklog_integration_v1_IntegrationClient, IntegrationDefinition as _paklog_integration_v1_IntegrationDefinition } from './paklog/integration/v1/Integration.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    integration: {
      v1: {
        AtpItem: MessageTypeDefinition
        CancelOrderLineRequest: MessageTypeDefinition
        CancelOrderRequest: MessageTypeDefinition
        ClearSafetyStockRequest: MessageTypeDefinition
        CountsRequest: MessageTypeDefinition
        CreateOrderRequest: MessageTypeDefinition
        CreateOrderResponse: MessageTypeDefinition
        GetAtpRequest: MessageTypeDefinition
        GetAtpResponse: MessageTypeDefinition
        GetSafetyStockRequest: MessageTypeDefinition
        Integration: SubtypeConstructor<typeof grpc.Client, _paklog_integration_v1_IntegrationClient> & { service: _paklog_integration_v1_IntegrationDefinition }
        ListSafetyStocksRequest: MessageTypeDefinition
        ListSafetyStocksResponse: MessageTypeDefinition
        Order: MessageTypeDefinition
        OrderHold: MessageTypeDefinition
        OrderLine: MessageTypeDefinition
        OrderLineRequest: MessageTypeDefinition
        SafetyStock: MessageTypeDefinition
        SetSafetyStockRequest: MessageTypeDefinition
        ShipTo: MessageTypeDefinition
        StatusChange: MessageTypeDefinition
        StatusCounts: MessageTypeDefinition
      }
    }
  }
}

