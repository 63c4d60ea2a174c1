import type { Logger } from 'pino';
import type { WavesApi } from '../contracts/waves.ts';
import { AppError, assertNever } from '../platform/errors.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { WavesServiceDefinition, WavesServiceHandlers } from './generated/paklog/waves/v1/WavesService.ts';
import { eventMeta, metaMessage } from './event-meta.ts';
import { paklogServices } from './protos.ts';

/** Waves' in-process API served as `paklog.waves.v1.WavesService`. */
export function wavesService(api: WavesApi, log: Logger): RpcService {
  const implementation: WavesServiceHandlers = {
    HoldForChange: unaryHandler(log, async (req) => {
      const outcome = await api.holdForChange(
        { orderId: req.orderId, siteId: req.siteId, carrier: req.carrier, priority: req.priority, changeId: req.changeId }, eventMeta(req.meta),
      );
      return outcome.held ? { held: {} } : { alreadyWaved: { waveId: outcome.waveId } };
    }),
    CancelledWith: unaryHandler(log, async (req) => ({ cancelled: await api.cancelledWith({ waveId: req.waveId, orderId: req.orderId }) })),
  };
  return { name: 'paklog.waves.v1.WavesService', definition: paklogServices().waves, implementation };
}

/** WavesApi over gRPC; `holdForChange` is idempotent and `cancelledWith` reads only, so the channel may retry them. */
export function wavesClient(channel: RpcChannel, service: WavesServiceDefinition = paklogServices().waves): WavesApi {
  return {
    async holdForChange(input, meta) {
      const res = await channel.call(service.HoldForChange, { ...input, meta: metaMessage(meta) });
      switch (res.result) {
        case 'held': return { held: true };
        case 'alreadyWaved':
          if (res.alreadyWaved != null) return { held: false, waveId: res.alreadyWaved.waveId };
          break;
        case undefined: break;
        default: return assertNever(res.result, 'HoldForChange result');
      }
      throw new AppError('INTERNAL', 'HoldForChange answered neither held nor alreadyWaved');
    },
    async cancelledWith(input) {
      return (await channel.call(service.CancelledWith, { waveId: input.waveId, orderId: input.orderId })).cancelled;
    },
  };
}
