/** location-master: sites and locations with coordinates and pick sequence. */
import { Type, type Static } from 'typebox';
import type { EventMeta } from '../platform/bus/envelope.ts';
import { List } from '../platform/bus/published-language.ts';
import { ok, reject, type ErrorSpecs, type Outcome } from '../platform/errors.ts';

export const LOCATION_TYPES = ['RECEIVING', 'STORAGE', 'PICK_FACE', 'RESERVE', 'STAGING', 'PACK_STATION', 'SHIPPING_DOCK', 'QUARANTINE', 'DEPOT'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];
export const LOCATION_STATUSES = ['ACTIVE', 'BLOCKED', 'INACTIVE'] as const;
export type LocationStatus = (typeof LOCATION_STATUSES)[number];

export const SiteSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ description: 'ISO-8601 time.' }),
  active: Type.Boolean({ description: 'False once deactivated (ADR 0045): it takes no new order, location or layout; open work completes.' }),
});
export type Site = Static<typeof SiteSchema>;

/** A site in an event: `active` was added in place, so it is optional (absent in older events: true). */
const SitePayload = {
  ...SiteSchema.properties,
  active: Type.Optional(Type.Boolean({ description: 'False once deactivated (ADR 0045); absent in events older than it: true.' })),
};

export const LocationSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  code: Type.String({ description: '`SITE-ZONE-AISLE-BAY-LEVEL` style code, unique per site; scanned on the floor.' }),
  type: Type.Enum(LOCATION_TYPES),
  zone: Type.Union([Type.String(), Type.Null()]),
  aisle: Type.Union([Type.Integer(), Type.Null()]),
  bay: Type.Union([Type.Integer(), Type.Null()]),
  level: Type.Union([Type.Integer(), Type.Null()]),
  x: Type.Number({ description: 'Metres.' }),
  y: Type.Number({ description: 'Metres.' }),
  z: Type.Number({ description: 'Metres.' }),
  pickSequence: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Enum(LOCATION_STATUSES),
});
export type Location = Static<typeof LocationSchema>;

export const LocationMasterEvents = {
  siteCreated: 'location-master.site.created.v1',
  siteUpdated: 'location-master.site.updated.v1',
  siteDeactivated: 'location-master.site.deactivated.v1',
  siteReactivated: 'location-master.site.reactivated.v1',
  locationCreated: 'location-master.location.created.v1',
  locationStatusChanged: 'location-master.location.status-changed.v1',
  layoutGenerated: 'location-master.layout.generated.v1',
  layoutLocationsGenerated: 'location-master.layout.locations-generated.v1',
} as const;

/** How many locations one `layout.locations-generated` event carries at most (an event stays well under 1 MB for brokers). */
export const LAYOUT_LOCATIONS_PER_EVENT = 1000;

export const LayoutParametersSchema = Type.Object({
  aisles: Type.Integer(),
  bays: Type.Integer(),
  levels: Type.Integer(),
  aislePitch: Type.Number(),
  bayWidth: Type.Number(),
  levelHeight: Type.Number(),
  crossAisleWidth: Type.Number(),
  packStations: Type.Integer(),
}, { description: 'Parameters of a generated rectangular layout (metres), as applied.' });
export type LayoutParameters = Static<typeof LayoutParametersSchema>;

/** The payload of every location-master event, by type name; the description says when it is emitted. */
export const LocationMasterEventSchemas = {
  [LocationMasterEvents.siteCreated]: Type.Object(SitePayload, { description: 'A site was created (`POST /sites`); the payload is the site.' }),
  [LocationMasterEvents.siteUpdated]: Type.Object(SitePayload, { description: 'A site was changed (`PATCH /sites/{id}`, ADR 0045: its name; the code never changes); the payload is the site as it is now.' }),
  [LocationMasterEvents.siteDeactivated]: Type.Object({ siteId: Type.String(), code: Type.String() }, {
    description: 'A site was deactivated (`POST /sites/{id}/deactivate`, ADR 0045): new orders, locations and layouts for it are refused (SITE_INACTIVE); open work completes.',
  }),
  [LocationMasterEvents.siteReactivated]: Type.Object({ siteId: Type.String(), code: Type.String() }, { description: 'A deactivated site was reactivated (`POST /sites/{id}/reactivate`, ADR 0045).' }),
  [LocationMasterEvents.locationCreated]: Type.Object(LocationSchema.properties, { description: 'One location was created (`POST /sites/{id}/locations`); the payload is the location.' }),
  [LocationMasterEvents.locationStatusChanged]: Type.Object({
    locationId: Type.String(), siteId: Type.String(), from: Type.Enum(LOCATION_STATUSES), to: Type.Enum(LOCATION_STATUSES),
    reason: Type.Union([Type.String(), Type.Null()]),
    type: Type.Optional(Type.Enum(LOCATION_TYPES, { description: 'The location\'s type, so a consumer that never heard of it needs no lookup (added in place: optional).' })),
  }, { description: 'A location was blocked, unblocked or deactivated (`POST /locations/{id}/block`, `/unblock`, `/deactivate`).' }),
  [LocationMasterEvents.layoutGenerated]: Type.Object({
    siteId: Type.String(), siteCode: Type.String(), parameters: LayoutParametersSchema, locationCount: Type.Integer(),
    countsByType: Type.Partial(Type.Record(Type.Enum(LOCATION_TYPES), Type.Integer())),
  }, { description: 'A whole layout was generated for a site (`POST /sites/{id}/layout`): one event for tens of thousands of locations; read them with the API.' }),
  [LocationMasterEvents.layoutLocationsGenerated]: Type.Object({
    siteId: Type.String(),
    part: Type.Integer({ minimum: 1, description: 'This part\'s number, from 1.' }),
    parts: Type.Integer({ minimum: 1, description: 'How many parts the layout\'s locations were published in.' }),
    locations: List(LocationSchema),
  }, {
    description: 'The locations a generated layout created, in parts of at most 1,000 (`POST /sites/{id}/layout`), appended with '
      + '`layout.generated` in the same transaction: for contexts that keep their own projection of locations.',
  }),
} as const;

type Payload<T extends keyof typeof LocationMasterEventSchemas> = Static<(typeof LocationMasterEventSchemas)[T]>;
export type SiteCreated = Payload<typeof LocationMasterEvents.siteCreated>;
export type SiteUpdated = Payload<typeof LocationMasterEvents.siteUpdated>;
export type SiteActiveChanged = Payload<typeof LocationMasterEvents.siteDeactivated>;
export type LocationCreated = Payload<typeof LocationMasterEvents.locationCreated>;
export type LocationStatusChanged = Payload<typeof LocationMasterEvents.locationStatusChanged>;
export type LayoutGenerated = Payload<typeof LocationMasterEvents.layoutGenerated>;
export type LayoutLocationsGenerated = Payload<typeof LocationMasterEvents.layoutLocationsGenerated>;

/** Coded errors of location master. */
export const LocationMasterErrors = {
  UNKNOWN_LOCATION: { status: 422, title: 'Unknown location' },
  UNKNOWN_SITE: { status: 422, title: 'Unknown site' },
  SITE_INACTIVE: { status: 422, title: 'The site is deactivated; reactivate it first' },
  LOCATION_NOT_ACTIVE: { status: 409, title: 'The location is not active' },
} as const satisfies ErrorSpecs;

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
 * once at their edge and keep the id. With `active`, a deactivated site is SITE_INACTIVE (ADR 0045): for what starts
 * new work there (an order, a location); reads and work already under way take any site.
 */
export async function resolveSiteId(
  api: Pick<LocationMasterApi, 'getSite'>, idOrCode: string, field = '/siteId', options: { active?: boolean } = {},
): Promise<Outcome<string>> {
  const site = await api.getSite(idOrCode);
  if (site === undefined) return reject('UNKNOWN_SITE', `No site ${idOrCode}`, [{ field, message: 'is not the id or code of a site' }]);
  return options.active === true ? activeSite(site, field) : ok(site.id);
}

/**
 * The id of the location a query filter names by its id or by its code at the site (`DEMO-A-03-05-1`, as commands take
 * it), or UNKNOWN_LOCATION naming `field` when it is neither (an unknown id or code, a location of another site): a code
 * matched against ids would answer an empty list, as if nothing were there. One lookup: a value shaped like an id
 * (`loc_…`) is asked for as an id, anything else as a code of the site; only an id-shaped value no location carries is
 * then tried as a code (codes may contain `_`).
 */
export async function resolveLocationId(
  api: Pick<LocationMasterApi, 'getLocations' | 'getLocationByCode'>, siteId: string, idOrCode: string, field: string,
): Promise<Outcome<string>> {
  const byId = idOrCode.startsWith('loc_') ? (await api.getLocations([idOrCode])).get(idOrCode) : undefined;
  const location = byId ?? await api.getLocationByCode(siteId, idOrCode);
  if (location === undefined || location.siteId !== siteId) {
    return reject('UNKNOWN_LOCATION', `No location ${idOrCode} at site ${siteId}`, [{ field, message: 'is not the id or code of a location of the site' }]);
  }
  return ok(location.id);
}

/** The site's id, or SITE_INACTIVE naming `field` when it is deactivated (ADR 0045). */
export function activeSite(site: Pick<Site, 'id' | 'code' | 'active'>, field = '/siteId'): Outcome<string> {
  // `active` is absent from a site cached or served by a version older than ADR 0045: active.
  return site.active === false
    ? reject('SITE_INACTIVE', `Site ${site.code} is deactivated: reactivate it (POST /sites/${site.code}/reactivate) first`, [{ field, message: 'the site is deactivated' }])
    : ok(site.id);
}

/** A location as a CSV import gives it (ADR 0040): the fields of `POST /sites/{id}/locations`. */
export type LocationImportRow = Omit<Location, 'id' | 'siteId'>;

/** What a location import did (or, in a dry run or with errors, would do): nothing is written when `errors` is not empty. */
export interface LocationImportResult {
  readonly created: number;
  /** Existing locations whose status the file changes (the only attribute an import changes). */
  readonly updated: number;
  readonly unchanged: number;
  /** A rule a row breaks: its index in the batch, the field (JSON pointer) and why. */
  readonly errors: readonly { readonly index: number; readonly field: string; readonly message: string }[];
  readonly written: boolean;
}

/** Location-master commands other contexts run in-process (no gRPC form: the CSV import runs where location-master runs). */
export interface LocationMasterCommands {
  /**
   * Creates a site's locations by code in one transaction (CSV import, ADR 0040): every row checked first (the rules of
   * POST /sites/{id}/locations, a code twice in the batch). A code the site has already is unchanged when the row says
   * what it is, a status change (ACTIVE, BLOCKED, INACTIVE by the lifecycle) when only its status differs, and an error
   * when its type, zone, aisle, bay, level, coordinates or pick sequence differ. Any error → nothing written.
   */
  importLocations(siteId: string, rows: readonly LocationImportRow[], options: { readonly dryRun: boolean }, meta: EventMeta): Promise<LocationImportResult>;
}
