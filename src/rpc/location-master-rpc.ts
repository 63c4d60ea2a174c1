import type { Logger } from 'pino';
import { LOCATION_STATUSES, LOCATION_TYPES, type Location, type LocationMasterApi, type Site } from '../contracts/location-master.ts';
import { protoEnum } from '../platform/rpc/proto-enum.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { Location as LocationMessage, Location__Output as LocationOutput } from './generated/paklog/location_master/v1/Location.ts';
import type { LocationMasterServiceDefinition, LocationMasterServiceHandlers } from './generated/paklog/location_master/v1/LocationMasterService.ts';
import type { Site__Output as SiteOutput } from './generated/paklog/location_master/v1/Site.ts';
import { paklogServices } from './protos.ts';

const locationType = protoEnum('LOCATION_TYPE_', LOCATION_TYPES);
const locationStatus = protoEnum('LOCATION_STATUS_', LOCATION_STATUSES);

/** A null in the contract is an absent optional field on the wire. */
function locationMessage(l: Location): LocationMessage {
  return {
    id: l.id, siteId: l.siteId, code: l.code, type: locationType.toProto(l.type),
    ...(l.zone === null ? {} : { zone: l.zone }),
    ...(l.aisle === null ? {} : { aisle: l.aisle }),
    ...(l.bay === null ? {} : { bay: l.bay }),
    ...(l.level === null ? {} : { level: l.level }),
    x: l.x, y: l.y, z: l.z,
    ...(l.pickSequence === null ? {} : { pickSequence: l.pickSequence }),
    status: locationStatus.toProto(l.status),
  };
}

function location(m: LocationOutput): Location {
  return {
    id: m.id, siteId: m.siteId, code: m.code, type: locationType.fromProto(m.type),
    zone: m.zone ?? null, aisle: m.aisle ?? null, bay: m.bay ?? null, level: m.level ?? null,
    x: m.x, y: m.y, z: m.z, pickSequence: m.pickSequence ?? null, status: locationStatus.fromProto(m.status),
  };
}

const site = (m: SiteOutput): Site => ({ id: m.id, code: m.code, name: m.name, createdAt: m.createdAt, active: m.active ?? true });

/** Location master's in-process API served as `paklog.location_master.v1.LocationMasterService`. */
export function locationMasterService(api: LocationMasterApi, log: Logger): RpcService {
  const implementation: LocationMasterServiceHandlers = {
    GetLocations: unaryHandler(log, async (req) => {
      const locations = await api.getLocations(req.ids);
      return { locations: Object.fromEntries([...locations].map(([id, l]) => [id, locationMessage(l)])) };
    }),
    GetLocationByCode: unaryHandler(log, async (req) => {
      const found = await api.getLocationByCode(req.siteId, req.code);
      return found === undefined ? {} : { location: locationMessage(found) };
    }),
    GetSite: unaryHandler(log, async (req) => {
      const found = await api.getSite(req.idOrCode);
      return found === undefined ? {} : { site: found };
    }),
    ListLocations: unaryHandler(log, async (req) => {
      const types = req.types === null ? undefined : req.types.types.map((t) => locationType.fromProto(t));
      const locations = await api.listLocations(req.siteId, types);
      return { locations: locations.map(locationMessage) };
    }),
  };
  return { name: 'paklog.location_master.v1.LocationMasterService', definition: paklogServices().locations, implementation };
}

/** LocationMasterApi over gRPC. */
export function locationMasterClient(channel: RpcChannel, service: LocationMasterServiceDefinition = paklogServices().locations): LocationMasterApi {
  return {
    async getLocations(ids) {
      const res = await channel.call(service.GetLocations, { ids: [...ids] });
      return new Map(Object.entries(res.locations).map(([id, l]) => [id, location(l)]));
    },
    async getLocationByCode(siteId, code) {
      const res = await channel.call(service.GetLocationByCode, { siteId, code });
      return res.location === null ? undefined : location(res.location);
    },
    async getSite(idOrCode) {
      const res = await channel.call(service.GetSite, { idOrCode });
      return res.site === null ? undefined : site(res.site);
    },
    async listLocations(siteId, types) {
      const res = await channel.call(service.ListLocations, {
        siteId, ...(types === undefined ? {} : { types: { types: types.map((t) => locationType.toProto(t)) } }),
      });
      return res.locations.map(location);
    },
  };
}
