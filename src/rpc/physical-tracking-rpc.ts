import type { Logger } from 'pino';
import { LPN_STATUSES, type LpnStatus, type PhysicalTrackingApi } from '../contracts/physical-tracking.ts';
import { AppError } from '../platform/errors.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { PhysicalTrackingServiceDefinition, PhysicalTrackingServiceHandlers } from './generated/paklog/physical_tracking/v1/PhysicalTrackingService.ts';
import { paklogServices } from './protos.ts';

/** Physical tracking's in-process API served as `paklog.physical_tracking.v1.PhysicalTrackingService`. */
export function physicalTrackingService(api: PhysicalTrackingApi, log: Logger): RpcService {
  const implementation: PhysicalTrackingServiceHandlers = {
    GetLpn: unaryHandler(log, async (req) => {
      const lpn = await api.getLpn(req.lpnId);
      return lpn === undefined ? {} : { lpn: { id: lpn.id, siteId: lpn.siteId, code: lpn.code, status: lpn.status, ...(lpn.sscc === undefined ? {} : { sscc: lpn.sscc }) } };
    }),
  };
  return { name: 'paklog.physical_tracking.v1.PhysicalTrackingService', definition: paklogServices().physicalTracking, implementation };
}

const isStatus = (s: string): s is LpnStatus => (LPN_STATUSES as readonly string[]).includes(s);

/** PhysicalTrackingApi over gRPC (a read: the channel may retry it). */
export function physicalTrackingClient(
  channel: RpcChannel, service: PhysicalTrackingServiceDefinition = paklogServices().physicalTracking,
): PhysicalTrackingApi {
  return {
    async getLpn(lpnId) {
      const res = await channel.call(service.GetLpn, { lpnId });
      const lpn = res.lpn;
      if (lpn === null || lpn === undefined) return undefined;
      if (!isStatus(lpn.status)) throw new AppError('INTERNAL', `GetLpn answered an unknown status ${lpn.status}`);
      const ref = { id: lpn.id, siteId: lpn.siteId, code: lpn.code, status: lpn.status };
      return lpn.sscc === undefined || lpn.sscc === null ? ref : { ...ref, sscc: lpn.sscc };
    },
  };
}
