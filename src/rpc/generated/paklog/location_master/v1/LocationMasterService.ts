// Original file: paklog/location_master/v1/location_master.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetLocationByCodeRequest as _paklog_location_master_v1_GetLocationByCodeRequest, GetLocationByCodeRequest__Output as _paklog_location_master_v1_GetLocationByCodeRequest__Output } from '../../../paklog/location_master/v1/GetLocationByCodeRequest.ts';
import type { GetLocationByCodeResponse as _paklog_location_master_v1_GetLocationByCodeResponse, GetLocationByCodeResponse__Output as _paklog_location_master_v1_GetLocationByCodeResponse__Output } from '../../../paklog/location_master/v1/GetLocationByCodeResponse.ts';
import type { GetLocationsRequest as _paklog_location_master_v1_GetLocationsRequest, GetLocationsRequest__Output as _paklog_location_master_v1_GetLocationsRequest__Output } from '../../../paklog/location_master/v1/GetLocationsRequest.ts';
import type { GetLocationsResponse as _paklog_location_master_v1_GetLocationsResponse, GetLocationsResponse__Output as _paklog_location_master_v1_GetLocationsResponse__Output } from '../../../paklog/location_master/v1/GetLocationsResponse.ts';
import type { GetSiteRequest as _paklog_location_master_v1_GetSiteRequest, GetSiteRequest__Output as _paklog_location_master_v1_GetSiteRequest__Output } from '../../../paklog/location_master/v1/GetSiteRequest.ts';
import type { GetSiteResponse as _paklog_location_master_v1_GetSiteResponse, GetSiteResponse__Output as _paklog_location_master_v1_GetSiteResponse__Output } from '../../../paklog/location_master/v1/GetSiteResponse.ts';
import type { ListLocationsRequest as _paklog_location_master_v1_ListLocationsRequest, ListLocationsRequest__Output as _paklog_location_master_v1_ListLocationsRequest__Output } from '../../../paklog/location_master/v1/ListLocationsRequest.ts';
import type { ListLocationsResponse as _paklog_location_master_v1_ListLocationsResponse, ListLocationsResponse__Output as _paklog_location_master_v1_ListLocationsResponse__Output } from '../../../paklog/location_master/v1/ListLocationsResponse.ts';

export interface LocationMasterServiceClient extends grpc.Client {
  /**
   * A location by its code within a site; `location` is absent when there is none.
   */
  GetLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  GetLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  GetLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  GetLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A location by its code within a site; `location` is absent when there is none.
   */
  getLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  getLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  getLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  getLocationByCode(argument: _paklog_location_master_v1_GetLocationByCodeRequest, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationByCodeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Locations by id; unknown ids are absent from the map.
   */
  GetLocations(argument: _paklog_location_master_v1_GetLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  GetLocations(argument: _paklog_location_master_v1_GetLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  GetLocations(argument: _paklog_location_master_v1_GetLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  GetLocations(argument: _paklog_location_master_v1_GetLocationsRequest, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Locations by id; unknown ids are absent from the map.
   */
  getLocations(argument: _paklog_location_master_v1_GetLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  getLocations(argument: _paklog_location_master_v1_GetLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  getLocations(argument: _paklog_location_master_v1_GetLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  getLocations(argument: _paklog_location_master_v1_GetLocationsRequest, callback: grpc.requestCallback<_paklog_location_master_v1_GetLocationsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A site by its id or its code (`DEMO`); `site` is absent when there is none.
   */
  GetSite(argument: _paklog_location_master_v1_GetSiteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  GetSite(argument: _paklog_location_master_v1_GetSiteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  GetSite(argument: _paklog_location_master_v1_GetSiteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  GetSite(argument: _paklog_location_master_v1_GetSiteRequest, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A site by its id or its code (`DEMO`); `site` is absent when there is none.
   */
  getSite(argument: _paklog_location_master_v1_GetSiteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  getSite(argument: _paklog_location_master_v1_GetSiteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  getSite(argument: _paklog_location_master_v1_GetSiteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  getSite(argument: _paklog_location_master_v1_GetSiteRequest, callback: grpc.requestCallback<_paklog_location_master_v1_GetSiteResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Locations of a site, of the given types when `types` is present, in walking order.
   */
  ListLocations(argument: _paklog_location_master_v1_ListLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  ListLocations(argument: _paklog_location_master_v1_ListLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  ListLocations(argument: _paklog_location_master_v1_ListLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  ListLocations(argument: _paklog_location_master_v1_ListLocationsRequest, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Locations of a site, of the given types when `types` is present, in walking order.
   */
  listLocations(argument: _paklog_location_master_v1_ListLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  listLocations(argument: _paklog_location_master_v1_ListLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  listLocations(argument: _paklog_location_master_v1_ListLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  listLocations(argument: _paklog_location_master_v1_ListLocationsRequest, callback: grpc.requestCallback<_paklog_location_master_v1_ListLocationsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface LocationMasterServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A location by its code within a site; `location` is absent when there is none.
   */
  GetLocationByCode: grpc.handleUnaryCall<_paklog_location_master_v1_GetLocationByCodeRequest__Output, _paklog_location_master_v1_GetLocationByCodeResponse>;
  
  /**
   * Locations by id; unknown ids are absent from the map.
   */
  GetLocations: grpc.handleUnaryCall<_paklog_location_master_v1_GetLocationsRequest__Output, _paklog_location_master_v1_GetLocationsResponse>;
  
  /**
   * A site by its id or its code (`DEMO`); `site` is absent when there is none.
   */
  GetSite: grpc.handleUnaryCall<_paklog_location_master_v1_GetSiteRequest__Output, _paklog_location_master_v1_GetSiteResponse>;
  
  /**
   * Locations of a site, of the given types when `types` is present, in walking order.
   */
  ListLocations: grpc.handleUnaryCall<_paklog_location_master_v1_ListLocationsRequest__Output, _paklog_location_master_v1_ListLocationsResponse>;
  
}

export interface LocationMasterServiceDefinition extends grpc.ServiceDefinition {
  GetLocationByCode: MethodDefinition<_paklog_location_master_v1_GetLocationByCodeRequest, _paklog_location_master_v1_GetLocationByCodeResponse, _paklog_location_master_v1_GetLocationByCodeRequest__Output, _paklog_location_master_v1_GetLocationByCodeResponse__Output>
  GetLocations: MethodDefinition<_paklog_location_master_v1_GetLocationsRequest, _paklog_location_master_v1_GetLocationsResponse, _paklog_location_master_v1_GetLocationsRequest__Output, _paklog_location_master_v1_GetLocationsResponse__Output>
  GetSite: MethodDefinition<_paklog_location_master_v1_GetSiteRequest, _paklog_location_master_v1_GetSiteResponse, _paklog_location_master_v1_GetSiteRequest__Output, _paklog_location_master_v1_GetSiteResponse__Output>
  ListLocations: MethodDefinition<_paklog_location_master_v1_ListLocationsRequest, _paklog_location_master_v1_ListLocationsResponse, _paklog_location_master_v1_ListLocationsRequest__Output, _paklog_location_master_v1_ListLocationsResponse__Output>
}
