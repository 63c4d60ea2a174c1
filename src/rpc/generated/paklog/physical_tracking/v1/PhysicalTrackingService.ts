// Original file: paklog/physical_tracking/v1/physical_tracking.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetLpnRequest as _paklog_physical_tracking_v1_GetLpnRequest, GetLpnRequest__Output as _paklog_physical_tracking_v1_GetLpnRequest__Output } from '../../../paklog/physical_tracking/v1/GetLpnRequest.ts';
import type { GetLpnResponse as _paklog_physical_tracking_v1_GetLpnResponse, GetLpnResponse__Output as _paklog_physical_tracking_v1_GetLpnResponse__Output } from '../../../paklog/physical_tracking/v1/GetLpnResponse.ts';

export interface PhysicalTrackingServiceClient extends grpc.Client {
  /**
   * An LPN by its id; `lpn` is absent when physical tracking knows none. Location tracking asks it before it registers
   * an LPN for position tracking (PUT /tracked/lpn/{id}).
   */
  GetLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  GetLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  GetLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  GetLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * An LPN by its id; `lpn` is absent when physical tracking knows none. Location tracking asks it before it registers
   * an LPN for position tracking (PUT /tracked/lpn/{id}).
   */
  getLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  getLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  getLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  getLpn(argument: _paklog_physical_tracking_v1_GetLpnRequest, callback: grpc.requestCallback<_paklog_physical_tracking_v1_GetLpnResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PhysicalTrackingServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * An LPN by its id; `lpn` is absent when physical tracking knows none. Location tracking asks it before it registers
   * an LPN for position tracking (PUT /tracked/lpn/{id}).
   */
  GetLpn: grpc.handleUnaryCall<_paklog_physical_tracking_v1_GetLpnRequest__Output, _paklog_physical_tracking_v1_GetLpnResponse>;
  
}

export interface PhysicalTrackingServiceDefinition extends grpc.ServiceDefinition {
  GetLpn: MethodDefinition<_paklog_physical_tracking_v1_GetLpnRequest, _paklog_physical_tracking_v1_GetLpnResponse, _paklog_physical_tracking_v1_GetLpnRequest__Output, _paklog_physical_tracking_v1_GetLpnResponse__Output>
}
