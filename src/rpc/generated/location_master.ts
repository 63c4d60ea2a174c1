import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { LocationMasterServiceClient as _paklog_location_master_v1_LocationMasterServiceClient, LocationMasterServiceDefinition as _paklog_location_master_v1_LocationMasterServiceDefinition } from './paklog/location_master/v1/LocationMasterService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    location_master: {
      v1: {
        GetLocationByCodeRequest: MessageTypeDefinition
        GetLocationByCodeResponse: MessageTypeDefinition
        GetLocationsRequest: MessageTypeDefinition
        GetLocationsResponse: MessageTypeDefinition
        GetSiteRequest: MessageTypeDefinition
        GetSiteResponse: MessageTypeDefinition
        ListLocationsRequest: MessageTypeDefinition
        ListLocationsResponse: MessageTypeDefinition
        Location: MessageTypeDefinition
        LocationMasterService: SubtypeConstructor<typeof grpc.Client, _paklog_location_master_v1_LocationMasterServiceClient> & { service: _paklog_location_master_v1_LocationMasterServiceDefinition }
        LocationStatus: EnumTypeDefinition
        LocationType: EnumTypeDefinition
        LocationTypes: MessageTypeDefinition
        Site: MessageTypeDefinition
      }
    }
  }
}

