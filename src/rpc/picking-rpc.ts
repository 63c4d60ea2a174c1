import type { Logger } from 'pino';
import { PICK_LIST_STATUSES, type PickingApi, type PickListStatus } from '../contracts/picking.ts';
import { AppError } from '../platform/errors.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { PickingServiceDefinition, PickingServiceHandlers } from './generated/paklog/picking/v1/PickingService.ts';
import { eventMeta, metaMessage } from './event-meta.ts';
import { paklogServices } from './protos.ts';

/** Picking's in-process API served as `paklog.picking.v1.PickingService`. */
export function pickingService(api: PickingApi, log: Logger): RpcService {
  const implementation: PickingServiceHandlers = {
    PickListProgress: unaryHandler(log, async (req) => {
      const progress = await api.pickListProgress(req.pickListId);
      return progress === undefined ? { found: false } : { found: true, ...progress };
    }),
    StopPicking: unaryHandler(log, async (req) => {
      await api.stopPicking(req.orderId, eventMeta(req.meta));
      return {};
    }),
  };
  return { name: 'paklog.picking.v1.PickingService', definition: paklogServices().picking, implementation };
}

const isStatus = (s: string): s is PickListStatus => (PICK_LIST_STATUSES as readonly string[]).includes(s);

/** PickingApi over gRPC (a read, and `stopPicking`, idempotent: the channel may retry them). */
export function pickingClient(channel: RpcChannel, service: PickingServiceDefinition = paklogServices().picking): PickingApi {
  return {
    async pickListProgress(pickListId) {
      const res = await channel.call(service.PickListProgress, { pickListId });
      if (!res.found) return undefined;
      if (!isStatus(res.status)) throw new AppError('INTERNAL', `PickListProgress answered an unknown status ${res.status}`);
      return { pickListId: res.pickListId, status: res.status, openLines: res.openLines, lines: res.lines };
    },
    async stopPicking(orderId, meta) {
      await channel.call(service.StopPicking, { orderId, meta: metaMessage(meta) });
    },
  };
}
