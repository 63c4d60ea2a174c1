// Original file: paklog/picking/v1/picking.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { PickListProgressRequest as _paklog_picking_v1_PickListProgressRequest, PickListProgressRequest__Output as _paklog_picking_v1_PickListProgressRequest__Output } from '../../../paklog/picking/v1/PickListProgressRequest.ts';
import type { PickListProgressResponse as _paklog_picking_v1_PickListProgressResponse, PickListProgressResponse__Output as _paklog_picking_v1_PickListProgressResponse__Output } from '../../../paklog/picking/v1/PickListProgressResponse.ts';

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
  
}

export interface PickingServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Where a pick list's work stands: its status and how many of its lines are still open. Tasks asks it before a
   * PICK task is completed by hand.
   */
  PickListProgress: grpc.handleUnaryCall<_paklog_picking_v1_PickListProgressRequest__Output, _paklog_picking_v1_PickListProgressResponse>;
  
}

export interface PickingServiceDefinition extends grpc.ServiceDefinition {
  PickListProgress: MethodDefinition<_paklog_picking_v1_PickListProgressRequest, _paklog_picking_v1_PickListProgressResponse, _paklog_picking_v1_PickListProgressRequest__Output, _paklog_picking_v1_PickListProgressResponse__Output>
}
