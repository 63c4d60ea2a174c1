// Original file: paklog/pack_ship/v1/pack_ship.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RetryBookingRequest as _paklog_pack_ship_v1_RetryBookingRequest, RetryBookingRequest__Output as _paklog_pack_ship_v1_RetryBookingRequest__Output } from '../../../paklog/pack_ship/v1/RetryBookingRequest.ts';
import type { RetryBookingResponse as _paklog_pack_ship_v1_RetryBookingResponse, RetryBookingResponse__Output as _paklog_pack_ship_v1_RetryBookingResponse__Output } from '../../../paklog/pack_ship/v1/RetryBookingResponse.ts';
import type { RetryLabelVoidRequest as _paklog_pack_ship_v1_RetryLabelVoidRequest, RetryLabelVoidRequest__Output as _paklog_pack_ship_v1_RetryLabelVoidRequest__Output } from '../../../paklog/pack_ship/v1/RetryLabelVoidRequest.ts';
import type { RetryLabelVoidResponse as _paklog_pack_ship_v1_RetryLabelVoidResponse, RetryLabelVoidResponse__Output as _paklog_pack_ship_v1_RetryLabelVoidResponse__Output } from '../../../paklog/pack_ship/v1/RetryLabelVoidResponse.ts';

/**
 * Pack & ship's commands (src/contracts/pack-ship.ts, PackShipCommands) that another process runs: a supervisor's
 * exception action in orchestration (LABEL_VOID_FAILED's retry, ADR 0054). A refusal (NOT_FOUND, ILLEGAL_TRANSITION,
 * CARRIER_UNAVAILABLE) is the call's error, with its code.
 */
export interface PackShipCommandServiceClient extends grpc.Client {
  /**
   * Asks the carrier once more, with the same key, for a remote booking it never answered (LABEL_BOOKING_UNSETTLED's
   * retry, ADR 0056): recorded, or voided when it can no longer be. Safe to run again: the carrier answers the key's booking.
   */
  RetryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  RetryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  RetryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  RetryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Asks the carrier once more, with the same key, for a remote booking it never answered (LABEL_BOOKING_UNSETTLED's
   * retry, ADR 0056): recorded, or voided when it can no longer be. Safe to run again: the carrier answers the key's booking.
   */
  retryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  retryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  retryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  retryBooking(argument: _paklog_pack_ship_v1_RetryBookingRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryBookingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Asks the carrier again to void the label of a shipment cancelled with its order. Safe to run again: a label the
   * carrier no longer knows counts as voided.
   */
  RetryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  RetryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  RetryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  RetryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Asks the carrier again to void the label of a shipment cancelled with its order. Safe to run again: a label the
   * carrier no longer knows counts as voided.
   */
  retryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  retryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  retryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  retryLabelVoid(argument: _paklog_pack_ship_v1_RetryLabelVoidRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_RetryLabelVoidResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Pack & ship's commands (src/contracts/pack-ship.ts, PackShipCommands) that another process runs: a supervisor's
 * exception action in orchestration (LABEL_VOID_FAILED's retry, ADR 0054). A refusal (NOT_FOUND, ILLEGAL_TRANSITION,
 * CARRIER_UNAVAILABLE) is the call's error, with its code.
 */
export interface PackShipCommandServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Asks the carrier once more, with the same key, for a remote booking it never answered (LABEL_BOOKING_UNSETTLED's
   * retry, ADR 0056): recorded, or voided when it can no longer be. Safe to run again: the carrier answers the key's booking.
   */
  RetryBooking: grpc.handleUnaryCall<_paklog_pack_ship_v1_RetryBookingRequest__Output, _paklog_pack_ship_v1_RetryBookingResponse>;
  
  /**
   * Asks the carrier again to void the label of a shipment cancelled with its order. Safe to run again: a label the
   * carrier no longer knows counts as voided.
   */
  RetryLabelVoid: grpc.handleUnaryCall<_paklog_pack_ship_v1_RetryLabelVoidRequest__Output, _paklog_pack_ship_v1_RetryLabelVoidResponse>;
  
}

export interface PackShipCommandServiceDefinition extends grpc.ServiceDefinition {
  RetryBooking: MethodDefinition<_paklog_pack_ship_v1_RetryBookingRequest, _paklog_pack_ship_v1_RetryBookingResponse, _paklog_pack_ship_v1_RetryBookingRequest__Output, _paklog_pack_ship_v1_RetryBookingResponse__Output>
  RetryLabelVoid: MethodDefinition<_paklog_pack_ship_v1_RetryLabelVoidRequest, _paklog_pack_ship_v1_RetryLabelVoidResponse, _paklog_pack_ship_v1_RetryLabelVoidRequest__Output, _paklog_pack_ship_v1_RetryLabelVoidResponse__Output>
}
