import type { Logger } from 'pino';
import { DEFAULT_OWNER_ID, TASK_WORK_STATES, TASK_WORK_TYPES, type InventoryApi, type InventoryCommands, type OpenTaskWork, type TaskWorkState, type TaskWorkType } from '../contracts/inventory.ts';
import { AppError } from '../platform/errors.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { InventoryServiceDefinition, InventoryServiceHandlers } from './generated/paklog/inventory/v1/InventoryService.ts';
import type { InventoryCommandServiceDefinition, InventoryCommandServiceHandlers } from './generated/paklog/inventory/v1/InventoryCommandService.ts';
import { eventMeta, metaMessage } from './event-meta.ts';
import { paklogServices } from './protos.ts';

const isTaskWorkType = (t: string): t is TaskWorkType => (TASK_WORK_TYPES as readonly string[]).includes(t);
const WORK_KINDS: readonly OpenTaskWork['kind'][] = ['PUTAWAY', 'REPLENISHMENT', 'RETURN', 'COUNT'];
const isWorkKind = (k: string): k is OpenTaskWork['kind'] => (WORK_KINDS as readonly string[]).includes(k);
const isWorkState = (s: string): s is TaskWorkState => (TASK_WORK_STATES as readonly string[]).includes(s);

/** Inventory's in-process API served as `paklog.inventory.v1.InventoryService`. */
export function inventoryService(api: InventoryApi, log: Logger): RpcService {
  const implementation: InventoryServiceHandlers = {
    Atp: unaryHandler(log, async (req) => ({ quantities: Object.fromEntries(await api.atp(req.siteId, req.skus)) })),
    CandidateLocations: unaryHandler(log, async (req) => ({ locationIds: Object.fromEntries(await api.candidateLocations(req.siteId, req.skus)) })),
    LocationBalances: unaryHandler(log, async (req) => ({
      balances: (await api.locationBalances(req.siteId, req.locationIds)).map((b) => ({
        locationId: b.locationId, sku: b.sku, onHand: b.onHand, ownerId: b.ownerId, ...(b.lot === null ? {} : { lot: b.lot }),
      })),
    })),
    OpenCountsAt: unaryHandler(log, async (req) => ({ counts: [...await api.openCountsAt(req.siteId, req.locationIds)] })),
    AdmitAsnLpnArrival: unaryHandler(log, async (req) => ({
      asnIds: [...await api.admitAsnLpnArrival({ siteId: req.siteId, asnIds: req.asnIds, code: req.code, lpnId: req.lpnId, locationId: req.locationId ?? null })],
    })),
    WithdrawAsnLpnArrival: unaryHandler(log, async (req) => {
      await api.withdrawAsnLpnArrival({ siteId: req.siteId, lpnId: req.lpnId });
      return {};
    }),
    OpenTaskWork: unaryHandler(log, async (req) => {
      if (!isTaskWorkType(req.taskType)) throw new AppError('VALIDATION_FAILED', `OpenTaskWork: task_type ${req.taskType} is none of ${TASK_WORK_TYPES.join(', ')}`);
      const work = await api.openTaskWork(req.taskType, req.reference);
      if (work === undefined) return { found: false };
      return { found: true, kind: work.kind, id: work.id, status: work.status, ...(work.remaining === null ? {} : { remaining: work.remaining }) };
    }),
    TaskWorkState: unaryHandler(log, async (req) => {
      if (!isTaskWorkType(req.taskType)) throw new AppError('VALIDATION_FAILED', `TaskWorkState: task_type ${req.taskType} is none of ${TASK_WORK_TYPES.join(', ')}`);
      const state = await api.taskWorkState(req.taskType, req.reference);
      return state === undefined ? { found: false } : { found: true, state };
    }),
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
      return res.balances.map((b) => ({ locationId: b.locationId, sku: b.sku, lot: b.lot ?? null, ownerId: b.ownerId === '' ? DEFAULT_OWNER_ID : b.ownerId, onHand: Number(b.onHand) }));
    },
    async openCountsAt(siteId, locationIds) {
      const res = await channel.call(service.OpenCountsAt, { siteId, locationIds: [...locationIds] });
      return res.counts.map((c) => ({ locationId: c.locationId, countId: c.countId }));
    },
    async admitAsnLpnArrival(a) {
      const res = await channel.call(service.AdmitAsnLpnArrival, {
        siteId: a.siteId, asnIds: [...a.asnIds], code: a.code, lpnId: a.lpnId, ...(a.locationId === null ? {} : { locationId: a.locationId }),
      });
      return res.asnIds;
    },
    async withdrawAsnLpnArrival(w) {
      await channel.call(service.WithdrawAsnLpnArrival, { siteId: w.siteId, lpnId: w.lpnId });
    },
    async openTaskWork(taskType, reference) {
      const res = await channel.call(service.OpenTaskWork, { taskType, reference });
      if (!res.found) return undefined;
      if (!isWorkKind(res.kind)) throw new AppError('INTERNAL', `OpenTaskWork answered an unknown kind ${res.kind}`);
      return { kind: res.kind, id: res.id, status: res.status, remaining: res.remaining == null ? null : Number(res.remaining) };
    },
    async taskWorkState(taskType, reference) {
      const res = await channel.call(service.TaskWorkState, { taskType, reference });
      if (!res.found) return undefined;
      if (!isWorkState(res.state)) throw new AppError('INTERNAL', `TaskWorkState answered an unknown state ${res.state}`);
      return res.state;
    },
    async getOwner(id) {
      const res = await channel.call(service.GetOwner, { id });
      return res.found ? { id: res.id, code: res.code, name: res.name } : undefined;
    },
  };
}

/** The inventory commands another process runs (a supervisor's exception action) as `paklog.inventory.v1.InventoryCommandService`. */
export function inventoryCommandService(commands: Pick<InventoryCommands, 'retryBackorders'>, log: Logger): RpcService {
  const implementation: InventoryCommandServiceHandlers = {
    RetryBackorders: unaryHandler(log, async (req) => ({
      allocatedOrderIds: [...await commands.retryBackorders(req.siteId, req.skus, eventMeta(req.meta), req.orderId === '' ? undefined : req.orderId)],
    })),
  };
  return { name: 'paklog.inventory.v1.InventoryCommandService', definition: paklogServices().inventoryCommands, implementation };
}

/** The same commands over gRPC; `retryBackorders` may run again (an allocated order is no longer backordered). */
export function inventoryCommandClient(
  channel: RpcChannel, service: InventoryCommandServiceDefinition = paklogServices().inventoryCommands,
): Pick<InventoryCommands, 'retryBackorders'> {
  return {
    async retryBackorders(siteId, skus, meta, forOrder) {
      return (await channel.call(service.RetryBackorders, { siteId, skus: [...skus], meta: metaMessage(meta), orderId: forOrder ?? '' })).allocatedOrderIds;
    },
  };
}
