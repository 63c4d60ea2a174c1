import { loadPackageDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { loadProtos } from '../platform/rpc/protos.ts';
import type { ProtoGrpcType as CatalogProto } from './generated/catalog.ts';
import type { ProtoGrpcType as InventoryProto } from './generated/inventory.ts';
import type { ProtoGrpcType as LocationMasterProto } from './generated/location_master.ts';
import type { ProtoGrpcType as PackShipProto } from './generated/pack_ship.ts';

/** The repository's proto/ folder: the import root of every PakLog `.proto` file. */
export const PROTO_ROOT = new URL('../../proto/', import.meta.url);

/** One file per contract API, package `paklog.<context>.v1`. */
export const PROTO_FILES = [
  'paklog/catalog/v1/catalog.proto',
  'paklog/location_master/v1/location_master.proto',
  'paklog/inventory/v1/inventory.proto',
  'paklog/pack_ship/v1/pack_ship.proto',
] as const;

/** The generated view of the loaded packages: every file's `ProtoGrpcType` at once. */
export type PakLogProtos = CatalogProto & LocationMasterProto & InventoryProto & PackShipProto;

let loaded: PackageDefinition | undefined;

/** The package definition of every PakLog service, parsed once per process. */
export function paklogProtos(): PackageDefinition {
  loaded ??= loadProtos(PROTO_ROOT, PROTO_FILES);
  return loaded;
}

function servicesOf(protos: PakLogProtos) {
  const { catalog, location_master: locationMaster, inventory, pack_ship: packShip } = protos.paklog;
  return {
    catalog: catalog.v1.CatalogService.service,
    locations: locationMaster.v1.LocationMasterService.service,
    inventory: inventory.v1.InventoryService.service,
    packShip: packShip.v1.PackShipService.service,
  };
}

let services: ReturnType<typeof servicesOf> | undefined;

/** The service definitions (paths, serializers), from the one loaded package definition. */
export function paklogServices(): ReturnType<typeof servicesOf> {
  // The generated types describe what loadPackageDefinition builds from these files with PROTO_OPTIONS.
  services ??= servicesOf(loadPackageDefinition(paklogProtos()) as unknown as PakLogProtos);
  return services;
}
