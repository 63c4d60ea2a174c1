import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { WavesServiceClient as _paklog_waves_v1_WavesServiceClient, WavesServiceDefinition as _paklog_waves_v1_WavesServiceDefinition } from './paklog/waves/v1/WavesService.ts';

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
    waves: {
      v1: {
        AlreadyWaved: MessageTypeDefinition
        CancelledWithRequest: MessageTypeDefinition
        CancelledWithResponse: MessageTypeDefinition
        Held: MessageTypeDefinition
        HoldForChangeRequest: MessageTypeDefinition
        HoldForChangeResponse: MessageTypeDefinition
        WavesService: SubtypeConstructor<typeof grpc.Client, _paklog_waves_v1_WavesServiceClient> & { service: _paklog_waves_v1_WavesServiceDefinition }
      }
    }
  }
}

