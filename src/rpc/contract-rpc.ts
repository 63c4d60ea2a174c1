/**
 * The contract APIs across processes: `serveRpc` serves a process's in-process implementations over gRPC,
 * `rpcClients` gives another process implementations of the same interfaces that call them. The composition root
 * hands a context either one; the context cannot tell which (ADR 0015).
 */
import type { Logger } from 'pino';
import type { CatalogApi } from '../contracts/catalog.ts';
import { contextErrors } from '../contracts/errors.ts';
import type { InventoryApi, InventoryCommands } from '../contracts/inventory.ts';
import type { LocationMasterApi } from '../contracts/location-master.ts';
import type { PackShipApi, PackShipCommands } from '../contracts/pack-ship.ts';
import type { PhysicalTrackingApi } from '../contracts/physical-tracking.ts';
import type { PickingApi } from '../contracts/picking.ts';
import type { TaskCommands } from '../contracts/tasks.ts';
import type { WavesApi } from '../contracts/waves.ts';
import { registerErrors } from '../platform/errors.ts';
import { rpcChannel, type RpcCallPolicy } from '../platform/rpc/rpc-client.ts';
import { startRpcServer, type RpcServer, type RpcService } from '../platform/rpc/rpc-server.ts';
import { catalogClient, catalogService } from './catalog-rpc.ts';
import { inventoryClient, inventoryCommandClient, inventoryCommandService, inventoryService } from './inventory-rpc.ts';
import { locationMasterClient, locationMasterService } from './location-master-rpc.ts';
import { packShipClient, packShipCommandClient, packShipCommandService, packShipService } from './pack-ship-rpc.ts';
import { physicalTrackingClient, physicalTrackingService } from './physical-tracking-rpc.ts';
import { pickingClient, pickingService } from './picking-rpc.ts';
import { paklogProtos } from './protos.ts';
import { taskCommandClient, taskCommandService } from './tasks-rpc.ts';
import { wavesClient, wavesService } from './waves-rpc.ts';

/** The contract APIs other contexts call synchronously, by the names `src/app.ts` hands them under. */
export interface ContractApis {
  readonly catalog: CatalogApi;
  readonly locations: LocationMasterApi;
  readonly inventory: InventoryApi;
  readonly packShip: PackShipApi;
  readonly waves: WavesApi;
  readonly picking: PickingApi;
  readonly physicalTracking: PhysicalTrackingApi;
  /** Commands a supervisor's exception action runs in the owning context (ADR 0054). */
  readonly inventoryCommands: Pick<InventoryCommands, 'retryBackorders'>;
  readonly taskCommands: TaskCommands;
  readonly packShipCommands: Pick<PackShipCommands, 'retryLabelVoid' | 'retryBooking'>;
}

/** Serves the given implementations (the contexts this process runs) on `host:port` (0: any free port). */
export async function serveRpc(o: { host: string; port: number; apis: Partial<ContractApis>; log: Logger }): Promise<RpcServer> {
  // The error trailers carry contract codes; the catalogue knows them however the process was composed.
  registerErrors(contextErrors());
  const { catalog, locations, inventory, packShip, waves, picking, physicalTracking, inventoryCommands, taskCommands, packShipCommands } = o.apis;
  const services: RpcService[] = [
    ...(catalog === undefined ? [] : [catalogService(catalog, o.log)]),
    ...(locations === undefined ? [] : [locationMasterService(locations, o.log)]),
    ...(inventory === undefined ? [] : [inventoryService(inventory, o.log)]),
    ...(packShip === undefined ? [] : [packShipService(packShip, o.log)]),
    ...(waves === undefined ? [] : [wavesService(waves, o.log)]),
    ...(picking === undefined ? [] : [pickingService(picking, o.log)]),
    ...(physicalTracking === undefined ? [] : [physicalTrackingService(physicalTracking, o.log)]),
    ...(inventoryCommands === undefined ? [] : [inventoryCommandService(inventoryCommands, o.log)]),
    ...(taskCommands === undefined ? [] : [taskCommandService(taskCommands, o.log)]),
    ...(packShipCommands === undefined ? [] : [packShipCommandService(packShipCommands, o.log)]),
  ];
  return startRpcServer({ host: o.host, port: o.port, services, protos: paklogProtos(), log: o.log });
}

/**
 * The contract APIs called over one gRPC channel to `target` (`host:port`), each call with a deadline
 * (`deadlineMs`, default 5 s) and retried while the remote is UNAVAILABLE; `close()` ends the channel.
 */
export function rpcClients(target: string, options: RpcCallPolicy = {}): ContractApis & { close(): void } {
  registerErrors(contextErrors());
  const channel = rpcChannel(target, options);
  return {
    catalog: catalogClient(channel),
    locations: locationMasterClient(channel),
    inventory: inventoryClient(channel),
    packShip: packShipClient(channel),
    waves: wavesClient(channel),
    picking: pickingClient(channel),
    physicalTracking: physicalTrackingClient(channel),
    inventoryCommands: inventoryCommandClient(channel),
    taskCommands: taskCommandClient(channel),
    packShipCommands: packShipCommandClient(channel),
    close: () => channel.close(),
  };
}
