// Original file: paklog/waves/v1/waves.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelledWithRequest as _paklog_waves_v1_CancelledWithRequest, CancelledWithRequest__Output as _paklog_waves_v1_CancelledWithRequest__Output } from '../../../paklog/waves/v1/CancelledWithRequest.ts';
import type { CancelledWithResponse as _paklog_waves_v1_CancelledWithResponse, CancelledWithResponse__Output as _paklog_waves_v1_CancelledWithResponse__Output } from '../../../paklog/waves/v1/CancelledWithResponse.ts';
import type { HoldForChangeRequest as _paklog_waves_v1_HoldForChangeRequest, HoldForChangeRequest__Output as _paklog_waves_v1_HoldForChangeRequest__Output } from '../../../paklog/waves/v1/HoldForChangeRequest.ts';
import type { HoldForChangeResponse as _paklog_waves_v1_HoldForChangeResponse, HoldForChangeResponse__Output as _paklog_waves_v1_HoldForChangeResponse__Output } from '../../../paklog/waves/v1/HoldForChangeResponse.ts';

export interface WavesServiceClient extends grpc.Client {
  /**
   * Whether the wave was cancelled with the order in it (its cancel let go of the order); false for a wave not
   * cancelled, an order never in it, or one that left it otherwise (its own cancel, its release's shortage). Reads only.
   */
  CancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  CancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  CancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  CancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Whether the wave was cancelled with the order in it (its cancel let go of the order); false for a wave not
   * cancelled, an order never in it, or one that left it otherwise (its own cancel, its release's shortage). Reads only.
   */
  cancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  cancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  cancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  cancelledWith(argument: _paklog_waves_v1_CancelledWithRequest, callback: grpc.requestCallback<_paklog_waves_v1_CancelledWithResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Holds an order in no wave out of wave planning for a change of its lines, or names the wave that already has it.
   * Idempotent, so a caller may retry it.
   */
  HoldForChange(argument: _paklog_waves_v1_HoldForChangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  HoldForChange(argument: _paklog_waves_v1_HoldForChangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  HoldForChange(argument: _paklog_waves_v1_HoldForChangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  HoldForChange(argument: _paklog_waves_v1_HoldForChangeRequest, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Holds an order in no wave out of wave planning for a change of its lines, or names the wave that already has it.
   * Idempotent, so a caller may retry it.
   */
  holdForChange(argument: _paklog_waves_v1_HoldForChangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  holdForChange(argument: _paklog_waves_v1_HoldForChangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  holdForChange(argument: _paklog_waves_v1_HoldForChangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  holdForChange(argument: _paklog_waves_v1_HoldForChangeRequest, callback: grpc.requestCallback<_paklog_waves_v1_HoldForChangeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface WavesServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Whether the wave was cancelled with the order in it (its cancel let go of the order); false for a wave not
   * cancelled, an order never in it, or one that left it otherwise (its own cancel, its release's shortage). Reads only.
   */
  CancelledWith: grpc.handleUnaryCall<_paklog_waves_v1_CancelledWithRequest__Output, _paklog_waves_v1_CancelledWithResponse>;
  
  /**
   * Holds an order in no wave out of wave planning for a change of its lines, or names the wave that already has it.
   * Idempotent, so a caller may retry it.
   */
  HoldForChange: grpc.handleUnaryCall<_paklog_waves_v1_HoldForChangeRequest__Output, _paklog_waves_v1_HoldForChangeResponse>;
  
}

export interface WavesServiceDefinition extends grpc.ServiceDefinition {
  CancelledWith: MethodDefinition<_paklog_waves_v1_CancelledWithRequest, _paklog_waves_v1_CancelledWithResponse, _paklog_waves_v1_CancelledWithRequest__Output, _paklog_waves_v1_CancelledWithResponse__Output>
  HoldForChange: MethodDefinition<_paklog_waves_v1_HoldForChangeRequest, _paklog_waves_v1_HoldForChangeResponse, _paklog_waves_v1_HoldForChangeRequest__Output, _paklog_waves_v1_HoldForChangeResponse__Output>
}
