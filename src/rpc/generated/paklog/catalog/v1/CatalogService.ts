// Original file: paklog/catalog/v1/catalog.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetBySkusRequest as _paklog_catalog_v1_GetBySkusRequest, GetBySkusRequest__Output as _paklog_catalog_v1_GetBySkusRequest__Output } from '../../../paklog/catalog/v1/GetBySkusRequest.ts';
import type { GetBySkusResponse as _paklog_catalog_v1_GetBySkusResponse, GetBySkusResponse__Output as _paklog_catalog_v1_GetBySkusResponse__Output } from '../../../paklog/catalog/v1/GetBySkusResponse.ts';

/**
 * Queries other contexts make of the catalog.
 */
export interface CatalogServiceClient extends grpc.Client {
  /**
   * Products by SKU; unknown SKUs are absent from the map.
   */
  GetBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  GetBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  GetBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  GetBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Products by SKU; unknown SKUs are absent from the map.
   */
  getBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  getBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  getBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  getBySkus(argument: _paklog_catalog_v1_GetBySkusRequest, callback: grpc.requestCallback<_paklog_catalog_v1_GetBySkusResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Queries other contexts make of the catalog.
 */
export interface CatalogServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Products by SKU; unknown SKUs are absent from the map.
   */
  GetBySkus: grpc.handleUnaryCall<_paklog_catalog_v1_GetBySkusRequest__Output, _paklog_catalog_v1_GetBySkusResponse>;
  
}

export interface CatalogServiceDefinition extends grpc.ServiceDefinition {
  GetBySkus: MethodDefinition<_paklog_catalog_v1_GetBySkusRequest, _paklog_catalog_v1_GetBySkusResponse, _paklog_catalog_v1_GetBySkusRequest__Output, _paklog_catalog_v1_GetBySkusResponse__Output>
}
