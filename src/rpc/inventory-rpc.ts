import type { Logger } from 'pino';
import type { InventoryApi } from '../contracts/inventory.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { InventoryServiceDefinition, InventoryServiceHandlers } from './generated/paklog/inventory/v1/InventoryService.ts';
import { paklogServices } from './protos.ts';

/** Inventory's in-process API served as `paklog.inventory.v1.InventoryService`. */
export function inventoryService(api: InventoryApi, log: Logger): RpcService {
  const implementation: InventoryServiceHandlers = {
    Atp: unaryHandler(log, async (req) => ({ quantities: Object.fromEntries(await api.atp(req.siteId, req.skus)) })),
    CandidateLocations: unaryHandler(log, async (req) => ({ locationIds: Object.fromEntries(await api.candidateLocations(req.siteId, req.skus)) })),
    LocationBalances: unaryHandler(log, async (req) => ({
      balances: (await api.locationBalances(req.siteId, req.locationIds)).map((b) => ({
        locationId: b.locationId, sku: b.sku, onHand: b.onHand, ...(b.lot === null ? {} : { lot: b.lot }),
      })),
    })),
    OpenCountsAt: unaryHandler(log, async (req) => ({ counts: [...await api.openCountsAt(req.siteId, req.locationIds)] })),
    GetOwner: unaryHandler(log, async (req) => {
      const owner = await api.getOwner(req.id);
      return owner === undefined ? { found: false } : { found: true, ...owner };
    }),
  };
  return { name: 'paklog.inventory.v1.InventoryService', definition: paklogServices().inventory, implementation };
}

/** InventoryApi over gRPC. */
export function inventoryClient(channel: RpcChannel, service: InventoryServiceDefinition = paklogServices().inventory): InventoryApi {
  return {
    async atp(siteId, skus) {
      const res = await channel.call(service.Atp, { siteId, skus: [...skus] });
      return new Map(Object.entries(res.quantities));
    },
    async candidateLocations(siteId, skus) {
      const res = await channel.call(service.CandidateLocations, { siteId, skus: [...skus] });
      return new Map(Object.entries(res.locationIds));
    },
    async locationBalances(siteId, locationIds) {
      const res = await channel.call(service.LocationBalances, { siteId, locationIds: [...locationIds] });
      return res.balances.map((b) => ({ locationId: b.locationId, sku: b.sku, lot: b.lot ?? null, onHand: Number(b.onHand) }));
    },
    async openCountsAt(siteId, locationIds) {
      const res = await channel.call(service.OpenCountsAt, { siteId, locationIds: [...locationIds] });
      return res.counts.map((c) => ({ locationId: c.locationId, countId: c.countId }));
    },
    async getOwner(id) {
      const res = await channel.call(service.GetOwner, { id });
      return res.found ? { id: res.id, code: res.code, name: res.name } : undefined;
    },
  };
}
