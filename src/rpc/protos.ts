import { loadPackageDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { loadProtos } from '../platform/rpc/protos.ts';
import type { ProtoGrpcType as CatalogProto } from './generated/catalog.ts';
import type { ProtoGrpcType as FloorProto } from './generated/floor.ts';
import type { ProtoGrpcType as IntegrationProto } from './generated/integration.ts';
import type { ProtoGrpcType as InventoryProto } from './generated/inventory.ts';
import type { ProtoGrpcType as LocationMasterProto } from './generated/location_master.ts';
import type { ProtoGrpcType as PackShipProto } from './generated/pack_ship.ts';
import type { ProtoGrpcType as PhysicalTrackingProto } from './generated/physical_tracking.ts';
import type { ProtoGrpcType as PickingProto } from './generated/picking.ts';
import type { ProtoGrpcType as TasksProto } from './generated/tasks.ts';
import type { ProtoGrpcType as WavesProto } from './generated/waves.ts';

/** The repository's proto/ folder: the import root of every PakLog `.proto` file. */
export const PROTO_ROOT = new URL('../../proto/', import.meta.url);

/** One file per contract API, package `paklog.<context>.v1`. */
export const PROTO_FILES = [
  'paklog/catalog/v1/catalog.proto',
  'paklog/location_master/v1/location_master.proto',
  'paklog/inventory/v1/inventory.proto',
  'paklog/pack_ship/v1/pack_ship.proto',
  'paklog/waves/v1/waves.proto',
  'paklog/picking/v1/picking.proto',
  'paklog/physical_tracking/v1/physical_tracking.proto',
  'paklog/tasks/v1/tasks.proto',
] as const;

/**
 * The public API (floor and integration services) of `paklog start` and `paklog gateway` (src/gateway/grpc/), package
 * `paklog.<area>.v1`: loaded and served apart from the contract APIs, generated into the same folder.
 */
export const PUBLIC_PROTO_FILES = [
  'paklog/floor/v1/floor.proto',
  'paklog/integration/v1/integration.proto',
] as const;

/** The generated view of the loaded packages: every file's `ProtoGrpcType` at once. */
export type PakLogProtos = CatalogProto & LocationMasterProto & InventoryProto & PackShipProto & WavesProto & PickingProto & PhysicalTrackingProto & TasksProto;

let loaded: PackageDefinition | undefined;

/** The package definition of every PakLog service, parsed once per process. */
export function paklogProtos(): PackageDefinition {
  loaded ??= loadProtos(PROTO_ROOT, PROTO_FILES);
  return loaded;
}

function servicesOf(protos: PakLogProtos) {
  const { catalog, location_master: locationMaster, inventory, pack_ship: packShip, waves, picking, physical_tracking: physicalTracking, tasks } = protos.paklog;
  return {
    catalog: catalog.v1.CatalogService.service,
    locations: locationMaster.v1.LocationMasterService.service,
    inventory: inventory.v1.InventoryService.service,
    inventoryCommands: inventory.v1.InventoryCommandService.service,
    packShip: packShip.v1.PackShipService.service,
    packShipCommands: packShip.v1.PackShipCommandService.service,
    waves: waves.v1.WavesService.service,
    picking: picking.v1.PickingService.service,
    physicalTracking: physicalTracking.v1.PhysicalTrackingService.service,
    taskCommands: tasks.v1.TaskCommandService.service,
  };
}

let services: ReturnType<typeof servicesOf> | undefined;

/** The service definitions (paths, serializers), from the one loaded package definition. */
export function paklogServices(): ReturnType<typeof servicesOf> {
  // The generated types describe what loadPackageDefinition builds from these files with PROTO_OPTIONS.
  services ??= servicesOf(loadPackageDefinition(paklogProtos()) as unknown as PakLogProtos);
  return services;
}

/** The generated view of the public API's packages. */
export type PublicProtos = FloorProto & IntegrationProto;

let publicLoaded: PackageDefinition | undefined;

/** The package definition of the public API, parsed once per process. */
export function publicProtos(): PackageDefinition {
  publicLoaded ??= loadProtos(PROTO_ROOT, PUBLIC_PROTO_FILES);
  return publicLoaded;
}

let publicDefs: { floor: PublicProtos['paklog']['floor']['v1']['Floor']['service']; integration: PublicProtos['paklog']['integration']['v1']['Integration']['service'] } | undefined;

/** The public services' definitions (paths, serializers), from the one loaded package definition. */
export function publicServices(): NonNullable<typeof publicDefs> {
  if (publicDefs === undefined) {
    const { floor, integration } = (loadPackageDefinition(publicProtos()) as unknown as PublicProtos).paklog;
    publicDefs = { floor: floor.v1.Floor.service, integration: integration.v1.Integration.service };
  }
  return publicDefs;
}
