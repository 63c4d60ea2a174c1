// Original file: paklog/inventory/v1/inventory.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AdmitAsnLpnArrivalRequest as _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, AdmitAsnLpnArrivalRequest__Output as _paklog_inventory_v1_AdmitAsnLpnArrivalRequest__Output } from '../../../paklog/inventory/v1/AdmitAsnLpnArrivalRequest.ts';
import type { AdmitAsnLpnArrivalResponse as _paklog_inventory_v1_AdmitAsnLpnArrivalResponse, AdmitAsnLpnArrivalResponse__Output as _paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output } from '../../../paklog/inventory/v1/AdmitAsnLpnArrivalResponse.ts';
import type { AtpRequest as _paklog_inventory_v1_AtpRequest, AtpRequest__Output as _paklog_inventory_v1_AtpRequest__Output } from '../../../paklog/inventory/v1/AtpRequest.ts';
import type { AtpResponse as _paklog_inventory_v1_AtpResponse, AtpResponse__Output as _paklog_inventory_v1_AtpResponse__Output } from '../../../paklog/inventory/v1/AtpResponse.ts';
import type { CandidateLocationsRequest as _paklog_inventory_v1_CandidateLocationsRequest, CandidateLocationsRequest__Output as _paklog_inventory_v1_CandidateLocationsRequest__Output } from '../../../paklog/inventory/v1/CandidateLocationsRequest.ts';
import type { CandidateLocationsResponse as _paklog_inventory_v1_CandidateLocationsResponse, CandidateLocationsResponse__Output as _paklog_inventory_v1_CandidateLocationsResponse__Output } from '../../../paklog/inventory/v1/CandidateLocationsResponse.ts';
import type { GetOwnerRequest as _paklog_inventory_v1_GetOwnerRequest, GetOwnerRequest__Output as _paklog_inventory_v1_GetOwnerRequest__Output } from '../../../paklog/inventory/v1/GetOwnerRequest.ts';
import type { GetOwnerResponse as _paklog_inventory_v1_GetOwnerResponse, GetOwnerResponse__Output as _paklog_inventory_v1_GetOwnerResponse__Output } from '../../../paklog/inventory/v1/GetOwnerResponse.ts';
import type { LocationBalancesRequest as _paklog_inventory_v1_LocationBalancesRequest, LocationBalancesRequest__Output as _paklog_inventory_v1_LocationBalancesRequest__Output } from '../../../paklog/inventory/v1/LocationBalancesRequest.ts';
import type { LocationBalancesResponse as _paklog_inventory_v1_LocationBalancesResponse, LocationBalancesResponse__Output as _paklog_inventory_v1_LocationBalancesResponse__Output } from '../../../paklog/inventory/v1/LocationBalancesResponse.ts';
import type { OpenCountsAtRequest as _paklog_inventory_v1_OpenCountsAtRequest, OpenCountsAtRequest__Output as _paklog_inventory_v1_OpenCountsAtRequest__Output } from '../../../paklog/inventory/v1/OpenCountsAtRequest.ts';
import type { OpenCountsAtResponse as _paklog_inventory_v1_OpenCountsAtResponse, OpenCountsAtResponse__Output as _paklog_inventory_v1_OpenCountsAtResponse__Output } from '../../../paklog/inventory/v1/OpenCountsAtResponse.ts';
import type { OpenTaskWorkRequest as _paklog_inventory_v1_OpenTaskWorkRequest, OpenTaskWorkRequest__Output as _paklog_inventory_v1_OpenTaskWorkRequest__Output } from '../../../paklog/inventory/v1/OpenTaskWorkRequest.ts';
import type { OpenTaskWorkResponse as _paklog_inventory_v1_OpenTaskWorkResponse, OpenTaskWorkResponse__Output as _paklog_inventory_v1_OpenTaskWorkResponse__Output } from '../../../paklog/inventory/v1/OpenTaskWorkResponse.ts';
import type { TaskWorkStateRequest as _paklog_inventory_v1_TaskWorkStateRequest, TaskWorkStateRequest__Output as _paklog_inventory_v1_TaskWorkStateRequest__Output } from '../../../paklog/inventory/v1/TaskWorkStateRequest.ts';
import type { TaskWorkStateResponse as _paklog_inventory_v1_TaskWorkStateResponse, TaskWorkStateResponse__Output as _paklog_inventory_v1_TaskWorkStateResponse__Output } from '../../../paklog/inventory/v1/TaskWorkStateResponse.ts';
import type { WithdrawAsnLpnArrivalRequest as _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, WithdrawAsnLpnArrivalRequest__Output as _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest__Output } from '../../../paklog/inventory/v1/WithdrawAsnLpnArrivalRequest.ts';
import type { WithdrawAsnLpnArrivalResponse as _paklog_inventory_v1_WithdrawAsnLpnArrivalResponse, WithdrawAsnLpnArrivalResponse__Output as _paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output } from '../../../paklog/inventory/v1/WithdrawAsnLpnArrivalResponse.ts';

export interface InventoryServiceClient extends grpc.Client {
  /**
   * A RECEIVE_LPN scan about to receive an LPN for these ASNs, before it commits: each ASN of the site still OPEN or
   * RECEIVING is locked and the arrival recorded against it; answers the ASNs that took it (ADR 0029).
   */
  AdmitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  AdmitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  AdmitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  AdmitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A RECEIVE_LPN scan about to receive an LPN for these ASNs, before it commits: each ASN of the site still OPEN or
   * RECEIVING is locked and the arrival recorded against it; answers the ASNs that took it (ADR 0029).
   */
  admitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  admitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  admitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  admitAsnLpnArrival(argument: _paklog_inventory_v1_AdmitAsnLpnArrivalRequest, callback: grpc.requestCallback<_paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Available-to-promise per SKU at a site (every SKU asked for is in the map, 0 when nothing can be promised).
   */
  Atp(argument: _paklog_inventory_v1_AtpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  Atp(argument: _paklog_inventory_v1_AtpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  Atp(argument: _paklog_inventory_v1_AtpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  Atp(argument: _paklog_inventory_v1_AtpRequest, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Available-to-promise per SKU at a site (every SKU asked for is in the map, 0 when nothing can be promised).
   */
  atp(argument: _paklog_inventory_v1_AtpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  atp(argument: _paklog_inventory_v1_AtpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  atp(argument: _paklog_inventory_v1_AtpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  atp(argument: _paklog_inventory_v1_AtpRequest, callback: grpc.requestCallback<_paklog_inventory_v1_AtpResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Read-only hint: per SKU, the location a reservation would most likely take it from; SKUs without free stock are absent.
   */
  CandidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  CandidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  CandidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  CandidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Read-only hint: per SKU, the location a reservation would most likely take it from; SKUs without free stock are absent.
   */
  candidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  candidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  candidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  candidateLocations(argument: _paklog_inventory_v1_CandidateLocationsRequest, callback: grpc.requestCallback<_paklog_inventory_v1_CandidateLocationsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * An owner (3PL client, ADR 0028) by id; `found` false when there is none.
   */
  GetOwner(argument: _paklog_inventory_v1_GetOwnerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  GetOwner(argument: _paklog_inventory_v1_GetOwnerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  GetOwner(argument: _paklog_inventory_v1_GetOwnerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  GetOwner(argument: _paklog_inventory_v1_GetOwnerRequest, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * An owner (3PL client, ADR 0028) by id; `found` false when there is none.
   */
  getOwner(argument: _paklog_inventory_v1_GetOwnerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  getOwner(argument: _paklog_inventory_v1_GetOwnerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  getOwner(argument: _paklog_inventory_v1_GetOwnerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  getOwner(argument: _paklog_inventory_v1_GetOwnerRequest, callback: grpc.requestCallback<_paklog_inventory_v1_GetOwnerResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * On-hand per location, SKU and lot (statuses summed) at the given locations; zero balances left out.
   */
  LocationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  LocationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  LocationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  LocationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * On-hand per location, SKU and lot (statuses summed) at the given locations; zero balances left out.
   */
  locationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  locationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  locationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  locationBalances(argument: _paklog_inventory_v1_LocationBalancesRequest, callback: grpc.requestCallback<_paklog_inventory_v1_LocationBalancesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The open cycle counts at the given locations of a site: a location with one is under count (nothing moves from or to it).
   */
  OpenCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  OpenCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  OpenCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  OpenCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The open cycle counts at the given locations of a site: a location with one is under count (nothing moves from or to it).
   */
  openCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  openCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  openCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  openCountsAt(argument: _paklog_inventory_v1_OpenCountsAtRequest, callback: grpc.requestCallback<_paklog_inventory_v1_OpenCountsAtResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The inventory work a task carries (putaway, replenishment, return to stock, count attempt) while it is still open;
   * `found` false when it is done, withdrawn or unknown. Tasks asks it before a worker completes such a task.
   */
  OpenTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  OpenTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  OpenTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  OpenTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The inventory work a task carries (putaway, replenishment, return to stock, count attempt) while it is still open;
   * `found` false when it is done, withdrawn or unknown. Tasks asks it before a worker completes such a task.
   */
  openTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  openTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  openTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  openTaskWork(argument: _paklog_inventory_v1_OpenTaskWorkRequest, callback: grpc.requestCallback<_paklog_inventory_v1_OpenTaskWorkResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * How the inventory work a task carries stands: OPEN, DONE (confirmed in full, submitted) or WITHDRAWN (cancelled,
   * the count closed without the attempt); `found` false when inventory holds no such work. Tasks ends a held task by it.
   */
  TaskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  TaskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  TaskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  TaskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * How the inventory work a task carries stands: OPEN, DONE (confirmed in full, submitted) or WITHDRAWN (cancelled,
   * the count closed without the attempt); `found` false when inventory holds no such work. Tasks ends a held task by it.
   */
  taskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  taskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  taskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  taskWorkState(argument: _paklog_inventory_v1_TaskWorkStateRequest, callback: grpc.requestCallback<_paklog_inventory_v1_TaskWorkStateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The admitted scan ended without its LPN (refused after the admission, or its transaction failed): the arrivals
   * recorded under that LPN id at the site are dropped (ADR 0029).
   */
  WithdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  WithdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  WithdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  WithdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The admitted scan ended without its LPN (refused after the admission, or its transaction failed): the arrivals
   * recorded under that LPN id at the site are dropped (ADR 0029).
   */
  withdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  withdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  withdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  withdrawAsnLpnArrival(argument: _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, callback: grpc.requestCallback<_paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface InventoryServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A RECEIVE_LPN scan about to receive an LPN for these ASNs, before it commits: each ASN of the site still OPEN or
   * RECEIVING is locked and the arrival recorded against it; answers the ASNs that took it (ADR 0029).
   */
  AdmitAsnLpnArrival: grpc.handleUnaryCall<_paklog_inventory_v1_AdmitAsnLpnArrivalRequest__Output, _paklog_inventory_v1_AdmitAsnLpnArrivalResponse>;
  
  /**
   * Available-to-promise per SKU at a site (every SKU asked for is in the map, 0 when nothing can be promised).
   */
  Atp: grpc.handleUnaryCall<_paklog_inventory_v1_AtpRequest__Output, _paklog_inventory_v1_AtpResponse>;
  
  /**
   * Read-only hint: per SKU, the location a reservation would most likely take it from; SKUs without free stock are absent.
   */
  CandidateLocations: grpc.handleUnaryCall<_paklog_inventory_v1_CandidateLocationsRequest__Output, _paklog_inventory_v1_CandidateLocationsResponse>;
  
  /**
   * An owner (3PL client, ADR 0028) by id; `found` false when there is none.
   */
  GetOwner: grpc.handleUnaryCall<_paklog_inventory_v1_GetOwnerRequest__Output, _paklog_inventory_v1_GetOwnerResponse>;
  
  /**
   * On-hand per location, SKU and lot (statuses summed) at the given locations; zero balances left out.
   */
  LocationBalances: grpc.handleUnaryCall<_paklog_inventory_v1_LocationBalancesRequest__Output, _paklog_inventory_v1_LocationBalancesResponse>;
  
  /**
   * The open cycle counts at the given locations of a site: a location with one is under count (nothing moves from or to it).
   */
  OpenCountsAt: grpc.handleUnaryCall<_paklog_inventory_v1_OpenCountsAtRequest__Output, _paklog_inventory_v1_OpenCountsAtResponse>;
  
  /**
   * The inventory work a task carries (putaway, replenishment, return to stock, count attempt) while it is still open;
   * `found` false when it is done, withdrawn or unknown. Tasks asks it before a worker completes such a task.
   */
  OpenTaskWork: grpc.handleUnaryCall<_paklog_inventory_v1_OpenTaskWorkRequest__Output, _paklog_inventory_v1_OpenTaskWorkResponse>;
  
  /**
   * How the inventory work a task carries stands: OPEN, DONE (confirmed in full, submitted) or WITHDRAWN (cancelled,
   * the count closed without the attempt); `found` false when inventory holds no such work. Tasks ends a held task by it.
   */
  TaskWorkState: grpc.handleUnaryCall<_paklog_inventory_v1_TaskWorkStateRequest__Output, _paklog_inventory_v1_TaskWorkStateResponse>;
  
  /**
   * The admitted scan ended without its LPN (refused after the admission, or its transaction failed): the arrivals
   * recorded under that LPN id at the site are dropped (ADR 0029).
   */
  WithdrawAsnLpnArrival: grpc.handleUnaryCall<_paklog_inventory_v1_WithdrawAsnLpnArrivalRequest__Output, _paklog_inventory_v1_WithdrawAsnLpnArrivalResponse>;
  
}

export interface InventoryServiceDefinition extends grpc.ServiceDefinition {
  AdmitAsnLpnArrival: MethodDefinition<_paklog_inventory_v1_AdmitAsnLpnArrivalRequest, _paklog_inventory_v1_AdmitAsnLpnArrivalResponse, _paklog_inventory_v1_AdmitAsnLpnArrivalRequest__Output, _paklog_inventory_v1_AdmitAsnLpnArrivalResponse__Output>
  Atp: MethodDefinition<_paklog_inventory_v1_AtpRequest, _paklog_inventory_v1_AtpResponse, _paklog_inventory_v1_AtpRequest__Output, _paklog_inventory_v1_AtpResponse__Output>
  CandidateLocations: MethodDefinition<_paklog_inventory_v1_CandidateLocationsRequest, _paklog_inventory_v1_CandidateLocationsResponse, _paklog_inventory_v1_CandidateLocationsRequest__Output, _paklog_inventory_v1_CandidateLocationsResponse__Output>
  GetOwner: MethodDefinition<_paklog_inventory_v1_GetOwnerRequest, _paklog_inventory_v1_GetOwnerResponse, _paklog_inventory_v1_GetOwnerRequest__Output, _paklog_inventory_v1_GetOwnerResponse__Output>
  LocationBalances: MethodDefinition<_paklog_inventory_v1_LocationBalancesRequest, _paklog_inventory_v1_LocationBalancesResponse, _paklog_inventory_v1_LocationBalancesRequest__Output, _paklog_inventory_v1_LocationBalancesResponse__Output>
  OpenCountsAt: MethodDefinition<_paklog_inventory_v1_OpenCountsAtRequest, _paklog_inventory_v1_OpenCountsAtResponse, _paklog_inventory_v1_OpenCountsAtRequest__Output, _paklog_inventory_v1_OpenCountsAtResponse__Output>
  OpenTaskWork: MethodDefinition<_paklog_inventory_v1_OpenTaskWorkRequest, _paklog_inventory_v1_OpenTaskWorkResponse, _paklog_inventory_v1_OpenTaskWorkRequest__Output, _paklog_inventory_v1_OpenTaskWorkResponse__Output>
  TaskWorkState: MethodDefinition<_paklog_inventory_v1_TaskWorkStateRequest, _paklog_inventory_v1_TaskWorkStateResponse, _paklog_inventory_v1_TaskWorkStateRequest__Output, _paklog_inventory_v1_TaskWorkStateResponse__Output>
  WithdrawAsnLpnArrival: MethodDefinition<_paklog_inventory_v1_WithdrawAsnLpnArrivalRequest, _paklog_inventory_v1_WithdrawAsnLpnArrivalResponse, _paklog_inventory_v1_WithdrawAsnLpnArrivalRequest__Output, _paklog_inventory_v1_WithdrawAsnLpnArrivalResponse__Output>
}
