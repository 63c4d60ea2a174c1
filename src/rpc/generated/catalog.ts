import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CatalogServiceClient as _paklog_catalog_v1_CatalogServiceClient, CatalogServiceDefinition as _paklog_catalog_v1_CatalogServiceDefinition } from './paklog/catalog/v1/CatalogService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    catalog: {
      v1: {
        /**
         * Queries other contexts make of the catalog.
         */
        CatalogService: SubtypeConstructor<typeof grpc.Client, _paklog_catalog_v1_CatalogServiceClient> & { service: _paklog_catalog_v1_CatalogServiceDefinition }
        GetBySkusRequest: MessageTypeDefinition
        GetBySkusResponse: MessageTypeDefinition
        Product: MessageTypeDefinition
      }
    }
  }
}

