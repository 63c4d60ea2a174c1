// Original file: paklog/inventory/v1/inventory.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RetryBackordersRequest as _paklog_inventory_v1_RetryBackordersRequest, RetryBackordersRequest__Output as _paklog_inventory_v1_RetryBackordersRequest__Output } from '../../../paklog/inventory/v1/RetryBackordersRequest.ts';
import type { RetryBackordersResponse as _paklog_inventory_v1_RetryBackordersResponse, RetryBackordersResponse__Output as _paklog_inventory_v1_RetryBackordersResponse__Output } from '../../../paklog/inventory/v1/RetryBackordersResponse.ts';

/**
 * Inventory's commands (src/contracts/inventory.ts, InventoryCommands) that another process runs: a supervisor's
 * exception action in orchestration (ADR 0054).
 */
export interface InventoryCommandServiceClient extends grpc.Client {
  /**
   * Tries again to allocate the backordered orders of a site that wait for any of these SKUs; the orders it
   * allocated, and `order_id` when it is allocated already. Safe to run again (an allocated order is not backordered any more).
   */
  RetryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  RetryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  RetryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  RetryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Tries again to allocate the backordered orders of a site that wait for any of these SKUs; the orders it
   * allocated, and `order_id` when it is allocated already. Safe to run again (an allocated order is not backordered any more).
   */
  retryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  retryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  retryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  retryBackorders(argument: _paklog_inventory_v1_RetryBackordersRequest, callback: grpc.requestCallback<_paklog_inventory_v1_RetryBackordersResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Inventory's commands (src/contracts/inventory.ts, InventoryCommands) that another process runs: a supervisor's
 * exception action in orchestration (ADR 0054).
 */
export interface InventoryCommandServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Tries again to allocate the backordered orders of a site that wait for any of these SKUs; the orders it
   * allocated, and `order_id` when it is allocated already. Safe to run again (an allocated order is not backordered any more).
   */
  RetryBackorders: grpc.handleUnaryCall<_paklog_inventory_v1_RetryBackordersRequest__Output, _paklog_inventory_v1_RetryBackordersResponse>;
  
}

export interface InventoryCommandServiceDefinition extends grpc.ServiceDefinition {
  RetryBackorders: MethodDefinition<_paklog_inventory_v1_RetryBackordersRequest, _paklog_inventory_v1_RetryBackordersResponse, _paklog_inventory_v1_RetryBackordersRequest__Output, _paklog_inventory_v1_RetryBackordersResponse__Output>
}
