// Original file: paklog/pack_ship/v1/pack_ship.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AnnounceStopRequest as _paklog_pack_ship_v1_AnnounceStopRequest, AnnounceStopRequest__Output as _paklog_pack_ship_v1_AnnounceStopRequest__Output } from '../../../paklog/pack_ship/v1/AnnounceStopRequest.ts';
import type { AnnounceStopResponse as _paklog_pack_ship_v1_AnnounceStopResponse, AnnounceStopResponse__Output as _paklog_pack_ship_v1_AnnounceStopResponse__Output } from '../../../paklog/pack_ship/v1/AnnounceStopResponse.ts';
import type { BookableCarriersRequest as _paklog_pack_ship_v1_BookableCarriersRequest, BookableCarriersRequest__Output as _paklog_pack_ship_v1_BookableCarriersRequest__Output } from '../../../paklog/pack_ship/v1/BookableCarriersRequest.ts';
import type { BookableCarriersResponse as _paklog_pack_ship_v1_BookableCarriersResponse, BookableCarriersResponse__Output as _paklog_pack_ship_v1_BookableCarriersResponse__Output } from '../../../paklog/pack_ship/v1/BookableCarriersResponse.ts';
import type { ClaimDockShipRequest as _paklog_pack_ship_v1_ClaimDockShipRequest, ClaimDockShipRequest__Output as _paklog_pack_ship_v1_ClaimDockShipRequest__Output } from '../../../paklog/pack_ship/v1/ClaimDockShipRequest.ts';
import type { ClaimDockShipResponse as _paklog_pack_ship_v1_ClaimDockShipResponse, ClaimDockShipResponse__Output as _paklog_pack_ship_v1_ClaimDockShipResponse__Output } from '../../../paklog/pack_ship/v1/ClaimDockShipResponse.ts';
import type { DropStopRequest as _paklog_pack_ship_v1_DropStopRequest, DropStopRequest__Output as _paklog_pack_ship_v1_DropStopRequest__Output } from '../../../paklog/pack_ship/v1/DropStopRequest.ts';
import type { DropStopResponse as _paklog_pack_ship_v1_DropStopResponse, DropStopResponse__Output as _paklog_pack_ship_v1_DropStopResponse__Output } from '../../../paklog/pack_ship/v1/DropStopResponse.ts';
import type { OpenPackWorkRequest as _paklog_pack_ship_v1_OpenPackWorkRequest, OpenPackWorkRequest__Output as _paklog_pack_ship_v1_OpenPackWorkRequest__Output } from '../../../paklog/pack_ship/v1/OpenPackWorkRequest.ts';
import type { OpenPackWorkResponse as _paklog_pack_ship_v1_OpenPackWorkResponse, OpenPackWorkResponse__Output as _paklog_pack_ship_v1_OpenPackWorkResponse__Output } from '../../../paklog/pack_ship/v1/OpenPackWorkResponse.ts';
import type { PackWorkStateRequest as _paklog_pack_ship_v1_PackWorkStateRequest, PackWorkStateRequest__Output as _paklog_pack_ship_v1_PackWorkStateRequest__Output } from '../../../paklog/pack_ship/v1/PackWorkStateRequest.ts';
import type { PackWorkStateResponse as _paklog_pack_ship_v1_PackWorkStateResponse, PackWorkStateResponse__Output as _paklog_pack_ship_v1_PackWorkStateResponse__Output } from '../../../paklog/pack_ship/v1/PackWorkStateResponse.ts';
import type { PackageSsccsRequest as _paklog_pack_ship_v1_PackageSsccsRequest, PackageSsccsRequest__Output as _paklog_pack_ship_v1_PackageSsccsRequest__Output } from '../../../paklog/pack_ship/v1/PackageSsccsRequest.ts';
import type { PackageSsccsResponse as _paklog_pack_ship_v1_PackageSsccsResponse, PackageSsccsResponse__Output as _paklog_pack_ship_v1_PackageSsccsResponse__Output } from '../../../paklog/pack_ship/v1/PackageSsccsResponse.ts';
import type { ReserveStopRequest as _paklog_pack_ship_v1_ReserveStopRequest, ReserveStopRequest__Output as _paklog_pack_ship_v1_ReserveStopRequest__Output } from '../../../paklog/pack_ship/v1/ReserveStopRequest.ts';
import type { ReserveStopResponse as _paklog_pack_ship_v1_ReserveStopResponse, ReserveStopResponse__Output as _paklog_pack_ship_v1_ReserveStopResponse__Output } from '../../../paklog/pack_ship/v1/ReserveStopResponse.ts';
import type { SettleDockShipRequest as _paklog_pack_ship_v1_SettleDockShipRequest, SettleDockShipRequest__Output as _paklog_pack_ship_v1_SettleDockShipRequest__Output } from '../../../paklog/pack_ship/v1/SettleDockShipRequest.ts';
import type { SettleDockShipResponse as _paklog_pack_ship_v1_SettleDockShipResponse, SettleDockShipResponse__Output as _paklog_pack_ship_v1_SettleDockShipResponse__Output } from '../../../paklog/pack_ship/v1/SettleDockShipResponse.ts';
import type { StopShippingRequest as _paklog_pack_ship_v1_StopShippingRequest, StopShippingRequest__Output as _paklog_pack_ship_v1_StopShippingRequest__Output } from '../../../paklog/pack_ship/v1/StopShippingRequest.ts';
import type { StopShippingResponse as _paklog_pack_ship_v1_StopShippingResponse, StopShippingResponse__Output as _paklog_pack_ship_v1_StopShippingResponse__Output } from '../../../paklog/pack_ship/v1/StopShippingResponse.ts';
import type { StoppedOrdersRequest as _paklog_pack_ship_v1_StoppedOrdersRequest, StoppedOrdersRequest__Output as _paklog_pack_ship_v1_StoppedOrdersRequest__Output } from '../../../paklog/pack_ship/v1/StoppedOrdersRequest.ts';
import type { StoppedOrdersResponse as _paklog_pack_ship_v1_StoppedOrdersResponse, StoppedOrdersResponse__Output as _paklog_pack_ship_v1_StoppedOrdersResponse__Output } from '../../../paklog/pack_ship/v1/StoppedOrdersResponse.ts';

export interface PackShipServiceClient extends grpc.Client {
  /**
   * Announces a cancel StopShipping decided with defer_announce (shipping-stopped, once); nothing when none is owed.
   * Idempotent.
   */
  AnnounceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  AnnounceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  AnnounceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  AnnounceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Announces a cancel StopShipping decided with defer_announce (shipping-stopped, once); nothing when none is owed.
   * Idempotent.
   */
  announceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  announceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  announceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  announceStop(argument: _paklog_pack_ship_v1_AnnounceStopRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_AnnounceStopResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Codes of the carriers a shipment can be booked with.
   */
  BookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  BookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  BookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  BookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Codes of the carriers a shipment can be booked with.
   */
  bookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  bookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  bookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  bookableCarriers(argument: _paklog_pack_ship_v1_BookableCarriersRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_BookableCarriersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A SHIP scan's claim on the orders it would ship, decided under their row locks (the lock StopShipping takes): the
   * stopped ones or those not packed yet (nothing claimed), or all claimed, a cancel then answering that they are
   * shipping. Idempotent per claim.
   */
  ClaimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  ClaimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  ClaimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  ClaimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A SHIP scan's claim on the orders it would ship, decided under their row locks (the lock StopShipping takes): the
   * stopped ones or those not packed yet (nothing claimed), or all claimed, a cancel then answering that they are
   * shipping. Idempotent per claim.
   */
  claimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  claimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  claimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  claimDockShip(argument: _paklog_pack_ship_v1_ClaimDockShipRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_ClaimDockShipResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Drops the pending stop of ReserveStop (the cancel was refused after all), changing nothing else. Idempotent.
   */
  DropStop(argument: _paklog_pack_ship_v1_DropStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  DropStop(argument: _paklog_pack_ship_v1_DropStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  DropStop(argument: _paklog_pack_ship_v1_DropStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  DropStop(argument: _paklog_pack_ship_v1_DropStopRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Drops the pending stop of ReserveStop (the cancel was refused after all), changing nothing else. Idempotent.
   */
  dropStop(argument: _paklog_pack_ship_v1_DropStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  dropStop(argument: _paklog_pack_ship_v1_DropStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  dropStop(argument: _paklog_pack_ship_v1_DropStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  dropStop(argument: _paklog_pack_ship_v1_DropStopRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_DropStopResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The packing still open for an order (picked units not in a sealed package); `found` false when nothing is left to
   * pack, its shipping was stopped or the order is unknown. Tasks asks it before a worker completes a PACK task.
   */
  OpenPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  OpenPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  OpenPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  OpenPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The packing still open for an order (picked units not in a sealed package); `found` false when nothing is left to
   * pack, its shipping was stopped or the order is unknown. Tasks asks it before a worker completes a PACK task.
   */
  openPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  openPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  openPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  openPackWork(argument: _paklog_pack_ship_v1_OpenPackWorkRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_OpenPackWorkResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * How an order's packing stands: OPEN, DONE (packed) or WITHDRAWN (shipping stopped before it was packed); `found`
   * false when the order is unknown. Tasks ends a held PACK task by it.
   */
  PackWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  PackWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  PackWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  PackWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * How an order's packing stands: OPEN, DONE (packed) or WITHDRAWN (shipping stopped before it was packed); `found`
   * false when the order is unknown. Tasks ends a held PACK task by it.
   */
  packWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  packWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  packWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  packWorkState(argument: _paklog_pack_ship_v1_PackWorkStateRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackWorkStateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The SSCC each of these packages' shipping labels carries (sealed, not repacked or cancelled); the others are left
   * out. Physical tracking gives it to cartons sealed before package.packed carried it.
   */
  PackageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  PackageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  PackageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  PackageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The SSCC each of these packages' shipping labels carries (sealed, not repacked or cancelled); the others are left
   * out. Physical tracking gives it to cartons sealed before package.packed carried it.
   */
  packageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  packageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  packageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  packageSsccs(argument: _paklog_pack_ship_v1_PackageSsccsRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_PackageSsccsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A cancel's first phase (orders' cancel with If-Match): under the order's row lock, what StopShipping would refuse
   * (dispatched, a dock claim) or an order stopped already, changing nothing; else the stop recorded pending for
   * stop_id, a lease of a few seconds during which packs, bookings, dispatches and dock SHIP scans of the order answer
   * "try again" (ORDER_CANCELLING). StopShipping decides it, DropStop drops it. Idempotent.
   */
  ReserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  ReserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  ReserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  ReserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A cancel's first phase (orders' cancel with If-Match): under the order's row lock, what StopShipping would refuse
   * (dispatched, a dock claim) or an order stopped already, changing nothing; else the stop recorded pending for
   * stop_id, a lease of a few seconds during which packs, bookings, dispatches and dock SHIP scans of the order answer
   * "try again" (ORDER_CANCELLING). StopShipping decides it, DropStop drops it. Idempotent.
   */
  reserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  reserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  reserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  reserveStop(argument: _paklog_pack_ship_v1_ReserveStopRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_ReserveStopResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Settles a claim once the scan's transaction is over: shipped (kept) or not (dropped). Idempotent.
   */
  SettleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  SettleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  SettleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  SettleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Settles a claim once the scan's transaction is over: shipped (kept) or not (dropped). Idempotent.
   */
  settleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  settleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  settleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  settleDockShip(argument: _paklog_pack_ship_v1_SettleDockShipRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_SettleDockShipResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops every future pack, label and dispatch of an order, or says it was already dispatched. Idempotent, so a
   * caller may retry it.
   */
  StopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  StopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  StopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  StopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops every future pack, label and dispatch of an order, or says it was already dispatched. Idempotent, so a
   * caller may retry it.
   */
  stopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  stopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  stopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  stopShipping(argument: _paklog_pack_ship_v1_StopShippingRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_StopShippingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Which of the orders have had their shipping stopped (cancelled at the dock). Physical tracking asks it before a
   * SHIP scan, its own record of them lagging by one event delivery.
   */
  StoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  StoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  StoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  StoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Which of the orders have had their shipping stopped (cancelled at the dock). Physical tracking asks it before a
   * SHIP scan, its own record of them lagging by one event delivery.
   */
  stoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  stoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  stoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  stoppedOrders(argument: _paklog_pack_ship_v1_StoppedOrdersRequest, callback: grpc.requestCallback<_paklog_pack_ship_v1_StoppedOrdersResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PackShipServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Announces a cancel StopShipping decided with defer_announce (shipping-stopped, once); nothing when none is owed.
   * Idempotent.
   */
  AnnounceStop: grpc.handleUnaryCall<_paklog_pack_ship_v1_AnnounceStopRequest__Output, _paklog_pack_ship_v1_AnnounceStopResponse>;
  
  /**
   * Codes of the carriers a shipment can be booked with.
   */
  BookableCarriers: grpc.handleUnaryCall<_paklog_pack_ship_v1_BookableCarriersRequest__Output, _paklog_pack_ship_v1_BookableCarriersResponse>;
  
  /**
   * A SHIP scan's claim on the orders it would ship, decided under their row locks (the lock StopShipping takes): the
   * stopped ones or those not packed yet (nothing claimed), or all claimed, a cancel then answering that they are
   * shipping. Idempotent per claim.
   */
  ClaimDockShip: grpc.handleUnaryCall<_paklog_pack_ship_v1_ClaimDockShipRequest__Output, _paklog_pack_ship_v1_ClaimDockShipResponse>;
  
  /**
   * Drops the pending stop of ReserveStop (the cancel was refused after all), changing nothing else. Idempotent.
   */
  DropStop: grpc.handleUnaryCall<_paklog_pack_ship_v1_DropStopRequest__Output, _paklog_pack_ship_v1_DropStopResponse>;
  
  /**
   * The packing still open for an order (picked units not in a sealed package); `found` false when nothing is left to
   * pack, its shipping was stopped or the order is unknown. Tasks asks it before a worker completes a PACK task.
   */
  OpenPackWork: grpc.handleUnaryCall<_paklog_pack_ship_v1_OpenPackWorkRequest__Output, _paklog_pack_ship_v1_OpenPackWorkResponse>;
  
  /**
   * How an order's packing stands: OPEN, DONE (packed) or WITHDRAWN (shipping stopped before it was packed); `found`
   * false when the order is unknown. Tasks ends a held PACK task by it.
   */
  PackWorkState: grpc.handleUnaryCall<_paklog_pack_ship_v1_PackWorkStateRequest__Output, _paklog_pack_ship_v1_PackWorkStateResponse>;
  
  /**
   * The SSCC each of these packages' shipping labels carries (sealed, not repacked or cancelled); the others are left
   * out. Physical tracking gives it to cartons sealed before package.packed carried it.
   */
  PackageSsccs: grpc.handleUnaryCall<_paklog_pack_ship_v1_PackageSsccsRequest__Output, _paklog_pack_ship_v1_PackageSsccsResponse>;
  
  /**
   * A cancel's first phase (orders' cancel with If-Match): under the order's row lock, what StopShipping would refuse
   * (dispatched, a dock claim) or an order stopped already, changing nothing; else the stop recorded pending for
   * stop_id, a lease of a few seconds during which packs, bookings, dispatches and dock SHIP scans of the order answer
   * "try again" (ORDER_CANCELLING). StopShipping decides it, DropStop drops it. Idempotent.
   */
  ReserveStop: grpc.handleUnaryCall<_paklog_pack_ship_v1_ReserveStopRequest__Output, _paklog_pack_ship_v1_ReserveStopResponse>;
  
  /**
   * Settles a claim once the scan's transaction is over: shipped (kept) or not (dropped). Idempotent.
   */
  SettleDockShip: grpc.handleUnaryCall<_paklog_pack_ship_v1_SettleDockShipRequest__Output, _paklog_pack_ship_v1_SettleDockShipResponse>;
  
  /**
   * Stops every future pack, label and dispatch of an order, or says it was already dispatched. Idempotent, so a
   * caller may retry it.
   */
  StopShipping: grpc.handleUnaryCall<_paklog_pack_ship_v1_StopShippingRequest__Output, _paklog_pack_ship_v1_StopShippingResponse>;
  
  /**
   * Which of the orders have had their shipping stopped (cancelled at the dock). Physical tracking asks it before a
   * SHIP scan, its own record of them lagging by one event delivery.
   */
  StoppedOrders: grpc.handleUnaryCall<_paklog_pack_ship_v1_StoppedOrdersRequest__Output, _paklog_pack_ship_v1_StoppedOrdersResponse>;
  
}

export interface PackShipServiceDefinition extends grpc.ServiceDefinition {
  AnnounceStop: MethodDefinition<_paklog_pack_ship_v1_AnnounceStopRequest, _paklog_pack_ship_v1_AnnounceStopResponse, _paklog_pack_ship_v1_AnnounceStopRequest__Output, _paklog_pack_ship_v1_AnnounceStopResponse__Output>
  BookableCarriers: MethodDefinition<_paklog_pack_ship_v1_BookableCarriersRequest, _paklog_pack_ship_v1_BookableCarriersResponse, _paklog_pack_ship_v1_BookableCarriersRequest__Output, _paklog_pack_ship_v1_BookableCarriersResponse__Output>
  ClaimDockShip: MethodDefinition<_paklog_pack_ship_v1_ClaimDockShipRequest, _paklog_pack_ship_v1_ClaimDockShipResponse, _paklog_pack_ship_v1_ClaimDockShipRequest__Output, _paklog_pack_ship_v1_ClaimDockShipResponse__Output>
  DropStop: MethodDefinition<_paklog_pack_ship_v1_DropStopRequest, _paklog_pack_ship_v1_DropStopResponse, _paklog_pack_ship_v1_DropStopRequest__Output, _paklog_pack_ship_v1_DropStopResponse__Output>
  OpenPackWork: MethodDefinition<_paklog_pack_ship_v1_OpenPackWorkRequest, _paklog_pack_ship_v1_OpenPackWorkResponse, _paklog_pack_ship_v1_OpenPackWorkRequest__Output, _paklog_pack_ship_v1_OpenPackWorkResponse__Output>
  PackWorkState: MethodDefinition<_paklog_pack_ship_v1_PackWorkStateRequest, _paklog_pack_ship_v1_PackWorkStateResponse, _paklog_pack_ship_v1_PackWorkStateRequest__Output, _paklog_pack_ship_v1_PackWorkStateResponse__Output>
  PackageSsccs: MethodDefinition<_paklog_pack_ship_v1_PackageSsccsRequest, _paklog_pack_ship_v1_PackageSsccsResponse, _paklog_pack_ship_v1_PackageSsccsRequest__Output, _paklog_pack_ship_v1_PackageSsccsResponse__Output>
  ReserveStop: MethodDefinition<_paklog_pack_ship_v1_ReserveStopRequest, _paklog_pack_ship_v1_ReserveStopResponse, _paklog_pack_ship_v1_ReserveStopRequest__Output, _paklog_pack_ship_v1_ReserveStopResponse__Output>
  SettleDockShip: MethodDefinition<_paklog_pack_ship_v1_SettleDockShipRequest, _paklog_pack_ship_v1_SettleDockShipResponse, _paklog_pack_ship_v1_SettleDockShipRequest__Output, _paklog_pack_ship_v1_SettleDockShipResponse__Output>
  StopShipping: MethodDefinition<_paklog_pack_ship_v1_StopShippingRequest, _paklog_pack_ship_v1_StopShippingResponse, _paklog_pack_ship_v1_StopShippingRequest__Output, _paklog_pack_ship_v1_StopShippingResponse__Output>
  StoppedOrders: MethodDefinition<_paklog_pack_ship_v1_StoppedOrdersRequest, _paklog_pack_ship_v1_StoppedOrdersResponse, _paklog_pack_ship_v1_StoppedOrdersRequest__Output, _paklog_pack_ship_v1_StoppedOrdersResponse__Output>
}
