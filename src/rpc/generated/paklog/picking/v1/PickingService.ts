// Original file: paklog/picking/v1/picking.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { PickListProgressRequest as _paklog_picking_v1_PickListProgressRequest, PickListProgressRequest__Output as _paklog_picking_v1_PickListProgressRequest__Output } from '../../../paklog/picking/v1/PickListProgressRequest.ts';
import type { PickListProgressResponse as _paklog_picking_v1_PickListProgressResponse, PickListProgressResponse__Output as _paklog_picking_v1_PickListProgressResponse__Output } from '../../../paklog/picking/v1/PickListProgressResponse.ts';
import type { StopPickingRequest as _paklog_picking_v1_StopPickingRequest, StopPickingRequest__Output as _paklog_picking_v1_StopPickingRequest__Output } from '../../../paklog/picking/v1/StopPickingRequest.ts';
import type { StopPickingResponse as _paklog_picking_v1_StopPickingResponse, StopPickingResponse__Output as _paklog_picking_v1_StopPickingResponse__Output } from '../../../paklog/picking/v1/StopPickingResponse.ts';

export interface PickingServiceClient extends grpc.Client {
  /**
   * Where a pick list's work stands: its status and how many of its lines are still open. Tasks asks it before a
   * PICK task is completed by hand.
   */
  PickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  PickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  PickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  PickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Where a pick list's work stands: its status and how many of its lines are still open. Tasks asks it before a
   * PICK task is completed by hand.
   */
  pickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  pickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  pickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  pickListProgress(argument: _paklog_picking_v1_PickListProgressRequest, callback: grpc.requestCallback<_paklog_picking_v1_PickListProgressResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops picking for an order being cancelled: its open lines are cancelled at once (a confirm committed after is
   * refused ORDER_CANCELLED). Orders calls it before pack & ship decides the cancel. Idempotent, so a caller may retry
   * it.
   */
  StopPicking(argument: _paklog_picking_v1_StopPickingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  StopPicking(argument: _paklog_picking_v1_StopPickingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  StopPicking(argument: _paklog_picking_v1_StopPickingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  StopPicking(argument: _paklog_picking_v1_StopPickingRequest, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops picking for an order being cancelled: its open lines are cancelled at once (a confirm committed after is
   * refused ORDER_CANCELLED). Orders calls it before pack & ship decides the cancel. Idempotent, so a caller may retry
   * it.
   */
  stopPicking(argument: _paklog_picking_v1_StopPickingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  stopPicking(argument: _paklog_picking_v1_StopPickingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  stopPicking(argument: _paklog_picking_v1_StopPickingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  stopPicking(argument: _paklog_picking_v1_StopPickingRequest, callback: grpc.requestCallback<_paklog_picking_v1_StopPickingResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PickingServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Where a pick list's work stands: its status and how many of its lines are still open. Tasks asks it before a
   * PICK task is completed by hand.
   */
  PickListProgress: grpc.handleUnaryCall<_paklog_picking_v1_PickListProgressRequest__Output, _paklog_picking_v1_PickListProgressResponse>;
  
  /**
   * Stops picking for an order being cancelled: its open lines are cancelled at once (a confirm committed after is
   * refused ORDER_CANCELLED). Orders calls it before pack & ship decides the cancel. Idempotent, so a caller may retry
   * it.
   */
  StopPicking: grpc.handleUnaryCall<_paklog_picking_v1_StopPickingRequest__Output, _paklog_picking_v1_StopPickingResponse>;
  
}

export interface PickingServiceDefinition extends grpc.ServiceDefinition {
  PickListProgress: MethodDefinition<_paklog_picking_v1_PickListProgressRequest, _paklog_picking_v1_PickListProgressResponse, _paklog_picking_v1_PickListProgressRequest__Output, _paklog_picking_v1_PickListProgressResponse__Output>
  StopPicking: MethodDefinition<_paklog_picking_v1_StopPickingRequest, _paklog_picking_v1_StopPickingResponse, _paklog_picking_v1_StopPickingRequest__Output, _paklog_picking_v1_StopPickingResponse__Output>
}
