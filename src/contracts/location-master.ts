/** location-master: sites and locations with coordinates and pick sequence. */
import { ok, reject, type Outcome } from '../platform/errors.ts';

export const LOCATION_TYPES = ['RECEIVING', 'STORAGE', 'PICK_FACE', 'RESERVE', 'STAGING', 'PACK_STATION', 'SHIPPING_DOCK', 'QUARANTINE', 'DEPOT'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];
export const LOCATION_STATUSES = ['ACTIVE', 'BLOCKED', 'INACTIVE'] as const;
export type LocationStatus = (typeof LOCATION_STATUSES)[number];

export interface Site {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface Location {
  readonly id: string;
  readonly siteId: string;
  /** `SITE-ZONE-AISLE-BAY-LEVEL` style code, unique per site; scanned on the floor. */
  readonly code: string;
  readonly type: LocationType;
  readonly zone: string | null;
  readonly aisle: number | null;
  readonly bay: number | null;
  readonly level: number | null;
  /** Metres. */
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly pickSequence: number | null;
  readonly status: LocationStatus;
}

export const LocationMasterEvents = {
  siteCreated: 'location-master.site.created.v1',
  locationCreated: 'location-master.location.created.v1',
  locationStatusChanged: 'location-master.location.status-changed.v1',
  /** One event for a whole generated layout (tens of thousands of locations); read them with the API. */
  layoutGenerated: 'location-master.layout.generated.v1',
} as const;

export type SiteCreated = Site;
export type LocationCreated = Location;

/** Parameters of a generated rectangular layout (metres), as applied. */
export interface LayoutParameters {
  readonly aisles: number;
  readonly bays: number;
  readonly levels: number;
  readonly aislePitch: number;
  readonly bayWidth: number;
  readonly levelHeight: number;
  readonly crossAisleWidth: number;
  readonly packStations: number;
}

export interface LayoutGenerated {
  readonly siteId: string;
  readonly siteCode: string;
  readonly parameters: LayoutParameters;
  readonly locationCount: number;
  readonly countsByType: Partial<Record<LocationType, number>>;
}

export interface LocationStatusChanged {
  readonly locationId: string;
  readonly siteId: string;
  readonly from: LocationStatus;
  readonly to: LocationStatus;
  readonly reason: string | null;
}

export interface LocationMasterApi {
  getLocations(ids: readonly string[]): Promise<ReadonlyMap<string, Location>>;
  getLocationByCode(siteId: string, code: string): Promise<Location | undefined>;
  /** A site by its id or its code (`DEMO`): contexts resolve a site a request names once, then keep its id. */
  getSite(idOrCode: string): Promise<Site | undefined>;
  /** Locations of a site of the given types (e.g. the depot, pack stations). */
  listLocations(siteId: string, types?: readonly LocationType[]): Promise<readonly Location[]>;
}

/**
 * The id of the site a request names by its id or its code (`DEMO`), or UNKNOWN_SITE naming `field`. Contexts call it
 * once at their edge and keep the id.
 */
export async function resolveSiteId(api: Pick<LocationMasterApi, 'getSite'>, idOrCode: string, field = '/siteId'): Promise<Outcome<string>> {
  const site = await api.getSite(idOrCode);
  return site === undefined ? reject('UNKNOWN_SITE', `No site ${idOrCode}`, [{ field, message: 'is not the id or code of a site' }]) : ok(site.id);
}
