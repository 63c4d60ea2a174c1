import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PackShipCommandServiceClient as _paklog_pack_ship_v1_PackShipCommandServiceClient, PackShipCommandServiceDefinition as _paklog_pack_ship_v1_PackShipCommandServiceDefinition } from './paklog/pack_ship/v1/PackShipCommandService.ts';
import type { PackShipServiceClient as _paklog_pack_ship_v1_PackShipServiceClient, PackShipServiceDefinition as _paklog_pack_ship_v1_PackShipServiceDefinition } from './paklog/pack_ship/v1/PackShipService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  paklog: {
    common: {
      v1: {
        EventMeta: MessageTypeDefinition
      }
    }
    pack_ship: {
      v1: {
        AlreadyDispatched: MessageTypeDefinition
        AnnounceStopRequest: MessageTypeDefinition
        AnnounceStopResponse: MessageTypeDefinition
        BookableCarriersRequest: MessageTypeDefinition
        BookableCarriersResponse: MessageTypeDefinition
        ClaimDockShipRequest: MessageTypeDefinition
        ClaimDockShipResponse: MessageTypeDefinition
        DropStopRequest: MessageTypeDefinition
        DropStopResponse: MessageTypeDefinition
        OpenPackWorkRequest: MessageTypeDefinition
        OpenPackWorkResponse: MessageTypeDefinition
        /**
         * Pack & ship's commands (src/contracts/pack-ship.ts, PackShipCommands) that another process runs: a supervisor's
         * exception action in orchestration (LABEL_VOID_FAILED's retry, ADR 0054). A refusal (NOT_FOUND, ILLEGAL_TRANSITION,
         * CARRIER_UNAVAILABLE) is the call's error, with its code.
         */
        PackShipCommandService: SubtypeConstructor<typeof grpc.Client, _paklog_pack_ship_v1_PackShipCommandServiceClient> & { service: _paklog_pack_ship_v1_PackShipCommandServiceDefinition }
        PackShipService: SubtypeConstructor<typeof grpc.Client, _paklog_pack_ship_v1_PackShipServiceClient> & { service: _paklog_pack_ship_v1_PackShipServiceDefinition }
        PackWorkStateRequest: MessageTypeDefinition
        PackWorkStateResponse: MessageTypeDefinition
        PackageSscc: MessageTypeDefinition
        PackageSsccsRequest: MessageTypeDefinition
        PackageSsccsResponse: MessageTypeDefinition
        ReserveStopRequest: MessageTypeDefinition
        ReserveStopResponse: MessageTypeDefinition
        RetryBookingRequest: MessageTypeDefinition
        RetryBookingResponse: MessageTypeDefinition
        RetryLabelVoidRequest: MessageTypeDefinition
        RetryLabelVoidResponse: MessageTypeDefinition
        SettleDockShipRequest: MessageTypeDefinition
        SettleDockShipResponse: MessageTypeDefinition
        ShippingAtDock: MessageTypeDefinition
        StopReserved: MessageTypeDefinition
        StopShippingRequest: MessageTypeDefinition
        StopShippingResponse: MessageTypeDefinition
        Stopped: MessageTypeDefinition
        StoppedOrdersRequest: MessageTypeDefinition
        StoppedOrdersResponse: MessageTypeDefinition
      }
    }
  }
}

