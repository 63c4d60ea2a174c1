import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf, authorizeSite } from '../../platform/http/auth.ts';
import { CURSOR_SHAPES, cursorKey, encodeCursor, nextKey } from '../../platform/http/paging.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CAN, roleAt } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, IdParam, Identifier, Limit, LocationFilter, Nullable, Page, SiteRef, Text } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { ALERT_TYPES, POSITION_SOURCES, TRACKED_KINDS } from '../../contracts/location-tracking.ts';
import type { Position } from './domain/position.ts';
import type { TrackingService } from './service.ts';

const tags: Tag[] = ['Location tracking'];
/** A positions page's key: `<kind>:<tag id>` (the tag id is the client's, any text). */
const POSITION_KEY = new RegExp(`^(?:${TRACKED_KINDS.join('|')}):[^\\p{Cc}]{1,100}$`, 'u');
const Kind = Enum(TRACKED_KINDS, { description: 'worker, equipment or lpn' });
const TrackedParams = Type.Object({
  kind: { ...Kind, examples: ['equipment'] },
  id: { ...Id, description: 'The worker id, equipment id (e.g. a forklift\'s fleet number) or LPN id', examples: ['FLT-01'] },
}, { additionalProperties: false });

const PositionSchema = Type.Object({
  siteId: Type.String(), kind: Kind, id: Type.String(),
  x: Type.Number({ description: 'Metres' }), y: Type.Number({ description: 'Metres' }),
  zone: Nullable(Type.String()),
  locationId: Nullable(Type.String({ description: 'The location scanned, or the nearest within PAKLOG_RTLS_SNAP_M of an RTLS position' })),
  locationType: Nullable(Type.String()),
  at: { ...DateTime, description: 'When it was seen there' },
  source: Enum(POSITION_SOURCES),
  seq: Nullable(Type.Integer({ description: 'The sender\'s sequence number of the report' })),
  zoneSince: Nullable(DateTime), locationSince: Nullable(DateTime),
  stillSince: { ...DateTime, description: 'Since when it has not moved beyond PAKLOG_RTLS_IDLE_RADIUS_M' },
});
const view = (p: Position) => ({
  siteId: p.siteId, kind: p.kind, id: p.id, x: p.x, y: p.y, zone: p.zone, locationId: p.locationId, locationType: p.locationType,
  at: p.at, source: p.source, seq: p.seq, zoneSince: p.zoneSince, locationSince: p.locationSince, stillSince: p.stillSince,
});

const AlertSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), type: Enum(ALERT_TYPES), kind: Kind, trackedId: Type.String(),
  zone: Nullable(Type.String()), locationId: Nullable(Type.String()),
  since: { ...DateTime, description: 'Since when the condition holds' }, thresholdS: Type.Integer(),
  raisedAt: DateTime, clearedAt: Nullable(DateTime),
  closedBy: Nullable(Type.String({ description: 'Who closed it by hand (POST /tracking-alerts/{id}/close); null when the scan cleared it or it is open' })),
  closeReason: Nullable(Type.String({ description: 'Why it was closed by hand' })),
});

/**
 * The example report's time: a minute before this process loaded the module (a fixed date would be refused,
 * POSITION_TOO_OLD, a day later). Once per process, not per app: a server builds one app, and every app a process builds
 * (the test workers build hundreds) then describes its routes with the same document, which the process generates once
 * (server.ts `shareDocument`, keyed by the routes' schemas). Dated per app build, it made each app's key differ and its
 * document be generated again: some 0.3 s of CPU per test app (docs/performance.md, 2026-12-07, branch `speed3`).
 */
const REPORT_EXAMPLE_TIME = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000).toISOString();

/**
 * Whether `request`'s caller may see where worker `id` is, at `siteId`: a person signed in as an operator there sees
 * their own position, not a colleague's (whereabouts are for supervisors, as a worker's profile is: ADR 0019).
 */
function seesWorker(request: FastifyRequest, siteId: string, id: string): boolean {
  const acting = actingWorkerOf(request);
  if (acting === undefined || request.principal === undefined || roleAt(request.principal, siteId) !== 'operator') return true;
  return id.toLowerCase() === acting.toLowerCase();
}

export async function trackingRoutes(app: HttpApp, deps: PlatformDeps, tracking: TrackingService): Promise<void> {
  const siteId = async (ref: string, field = '/siteId'): Promise<string> => {
    const id = await tracking.resolveSite(ref);
    if (id === undefined) throw new AppError('UNKNOWN_SITE', `No site ${ref}`, { errors: [{ field, message: 'is not the id or code of a site' }] });
    return id;
  };

  app.put('/tracked/:kind/:id', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'trackEntity', tags, summary: 'Register a worker, piece of equipment or LPN whose positions are tracked',
      description: 'Only what is registered may report positions (MQTT or POST /positions); reports of anything else are counted as '
        + '`unknown_id` and dropped. Workers with a task profile and LPNs and workers named by a scan are registered by themselves. '
        + 'Registering again changes the home site and label; a caller of some sites only may re-home only what is registered at one of '
        + 'its sites (403 FORBIDDEN_AT_SITE otherwise). An LPN is registered only when physical tracking knows it at the site '
        + '(422 UNKNOWN_LPN otherwise, nothing written).',
      params: TrackedParams,
      body: Type.Object({ siteId: SiteRef, label: Type.Optional(Text(200)) }, {
        additionalProperties: false, examples: [{ siteId: EXAMPLES.site, label: 'Reach truck 1' }],
      }),
      response: {
        200: Type.Object({ kind: Kind, id: Type.String(), siteId: Type.String(), label: Nullable(Type.String()), registeredAt: DateTime }),
        ...problems('UNKNOWN_SITE', 'UNKNOWN_LPN'),
      },
    },
  }, async (req) => {
    // The site guard checked the new home (the body's siteId); taking a thing away from its home is acting there too.
    const home = await tracking.homeOf(req.params.kind, req.params.id);
    if (home !== undefined && req.principal !== undefined) authorizeSite(req.principal, home, CAN.plan);
    return unwrap(await tracking.track(req.body.siteId, req.params.kind, req.params.id, req.body.label ?? null));
  });

  app.delete('/tracked/:kind/:id', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'untrackEntity', tags, summary: 'Stop tracking a worker, piece of equipment or LPN',
      description: 'The way out for something that will not report again (a forklift sold, a tag retired): its live position is forgotten '
        + '(it leaves GET /positions and its zone\'s occupancy), its open location alerts clear, and its reports are refused as of anything '
        + 'not tracked. A worker or LPN a later scan names, or a worker given a task profile, is tracked again by itself. 404 NOT_FOUND when it '
        + 'is not tracked; 403 FORBIDDEN_AT_SITE for a thing registered at a site the caller may not act at.',
      params: TrackedParams,
      response: { 200: Type.Object({ kind: Kind, id: Type.String(), siteId: Type.String() }), ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const home = await tracking.homeOf(req.params.kind, req.params.id);
    if (home !== undefined && req.principal !== undefined) authorizeSite(req.principal, home, CAN.plan);
    return unwrap(await tracking.untrack(req.params.kind, req.params.id, requestMeta(req)));
  });

  app.post('/positions', {
    config: { roles: CAN.intake, idempotent: true },
    schema: {
      operationId: 'reportPosition', tags, summary: 'Report a position (RTLS over HTTP)',
      description: 'The same report as an MQTT message on `paklog/<site>/positions/<kind>/<id>`, for feeds without MQTT. '
        + '`applied` when it is the newest position of the thing, `stale` when a newer one is held (it changes nothing). A change of zone '
        + 'publishes location-tracking.zone.exited.v1 / .entered.v1. 422 UNKNOWN_TRACKED (register it with PUT /tracked/{kind}/{id}), '
        + 'POSITION_OUTSIDE_SITE (beyond the site\'s locations plus PAKLOG_RTLS_SITE_MARGIN_M), POSITION_IN_FUTURE (a timestamp more than '
        + '5 minutes after PakLog\'s clock), POSITION_TOO_OLD (more than 24 hours before it) or UNKNOWN_SITE; nothing is written then. '
        + 'A caller of some sites only reports at its sites, and only what is registered at one of them (PUT /tracked): another site\'s '
        + 'worker, forklift or LPN is 403 FORBIDDEN_AT_SITE, nothing written.',
      body: Type.Object({
        siteId: SiteRef, kind: Kind, id: Id,
        x: Type.Number(), y: Type.Number(),
        zone: Type.Optional(Identifier(50)),
        timestamp: DateTime,
        seq: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, kind: 'equipment', id: 'FLT-01', x: 6, y: 8, zone: 'A', timestamp: REPORT_EXAMPLE_TIME }] }),
      response: {
        200: Type.Object({ outcome: Enum(['applied', 'stale'] as const), position: PositionSchema }),
        ...problems('UNKNOWN_SITE', 'UNKNOWN_TRACKED', 'POSITION_OUTSIDE_SITE', 'POSITION_IN_FUTURE', 'POSITION_TOO_OLD'),
      },
    },
  }, async (req, reply) => {
    // The site guard checked the site of the report; a thing registered at another site is that site's, and its position
    // is reported by a caller of that site (a caller of A may not place B's forklift at A). Nothing is written otherwise.
    const home = await tracking.homeOf(req.body.kind, req.body.id);
    if (home !== undefined && req.principal !== undefined) authorizeSite(req.principal, home, CAN.intake);
    return deps.idempotency.run(req, reply, 200, async () => {
      const b = req.body;
      const { reason: _reason, ...outcome } = await tracking.report(b.siteId, b.kind, b.id, {
        x: b.x, y: b.y, timestamp: b.timestamp, ...(b.zone === undefined ? {} : { zone: b.zone }), ...(b.seq === undefined ? {} : { seq: b.seq }),
      }, requestMeta(req));
      const applied = unwrap(outcome);
      return { outcome: applied.outcome, position: view(applied.position) };
    });
  });

  app.get('/where-is/:kind/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'whereIs', tags, summary: 'Where a worker, piece of equipment or LPN is now',
      description: 'Its last position (newest report or scan): site, x/y, zone, the location it is at, and since when. 404 when none is known; '
        + '403 FORBIDDEN_AT_SITE when it was last seen at a site the caller may not read. A person signed in as an operator asks where '
        + 'they are, not where a colleague is (403 ACTING_AS_ANOTHER_WORKER).',
      params: TrackedParams,
      response: { 200: PositionSchema, ...problems('NOT_FOUND', 'ACTING_AS_ANOTHER_WORKER') },
    },
  }, async (req) => {
    const acting = actingWorkerOf(req);
    const another = (): AppError => new AppError('ACTING_AS_ANOTHER_WORKER', `Operators ask where they are (${acting ?? ''}), not where ${req.params.id} is`, {
      errors: [{ field: '/id', message: `must be ${acting ?? ''}` }],
    });
    // Asked before the lookup, as a profile is: an operator learns nothing of a colleague, not even whether they were seen.
    if (req.params.kind === 'worker' && req.principal?.role === 'operator' && acting !== undefined
      && req.params.id.toLowerCase() !== acting.toLowerCase()) throw another();
    const p = await tracking.whereIs(req.params.kind, req.params.id);
    if (p === undefined) throw new AppError('NOT_FOUND', `No position of ${req.params.kind} ${req.params.id}`);
    // Workers and equipment are named by ids that carry no site: where it was last seen decides.
    if (req.principal !== undefined) authorizeSite(req.principal, p.siteId, CAN.read);
    if (p.kind === 'worker' && !seesWorker(req, p.siteId, p.id)) throw another();
    return view(p);
  });

  app.get('/positions', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listPositions', tags, summary: 'Live positions at a site',
      description: 'Every tracked thing\'s current position at the site, optionally in one zone, of one kind or at one location (occupancy of a location), by kind then id. '
        + '`locationId` is a location\'s id or its code at the site (422 UNKNOWN_LOCATION otherwise). A person signed in as an operator '
        + 'at the site sees their own position among the workers, not their colleagues\'.',
      querystring: Type.Object({
        siteId: SiteRef, zone: Type.Optional(Identifier(50, { examples: ['A'] })), kind: Type.Optional(Kind),
        locationId: Type.Optional(LocationFilter), limit: Limit(1000, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(PositionSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_LOCATION') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, (key) => POSITION_KEY.test(key)));
    const site = await siteId(q.siteId, '/querystring/siteId');
    // Named by id or code as commands take it, kept as the id positions carry: a code matched against ids answered an
    // empty list, as if nothing were there.
    let locationId: string | undefined;
    if (q.locationId !== undefined) {
      locationId = await tracking.resolveLocation(site, q.locationId);
      if (locationId === undefined) {
        throw new AppError('UNKNOWN_LOCATION', `No location ${q.locationId} at site ${q.siteId}`, {
          errors: [{ field: '/querystring/locationId', message: 'is not the id or code of a location of the site' }],
        });
      }
    }
    const all = (await tracking.positions.list(site, q.zone))
      .filter((p) => (q.kind === undefined || p.kind === q.kind) && (locationId === undefined || p.locationId === locationId)
        && (p.kind !== 'worker' || seesWorker(req, site, p.id))
        && (after === null || `${p.kind}:${p.id}` > after));
    const items = all.slice(0, q.limit);
    const next = nextKey(items, q.limit, (p) => `${p.kind}:${p.id}`);
    return { items: items.map(view), nextCursor: next === null || all.length <= q.limit ? null : encodeCursor(next) };
  });

  app.get('/zones/:zone/occupancy', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getZoneOccupancy', tags, summary: 'Who and what is in a zone now, and how long they stay',
      description: 'The tracked things in the zone now (by kind and by location, each with its dwell so far), and the zone\'s finished visits '
        + 'of the last 24 hours with their mean dwell. A person signed in as an operator at the site finds among the occupants themselves, '
        + 'not their colleagues (the counts are the zone\'s).',
      params: Type.Object({ zone: Identifier(50, { examples: ['A'] }) }, { additionalProperties: false }),
      querystring: Type.Object({ siteId: SiteRef }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          siteId: Type.String(), zone: Type.String(), count: Type.Integer(),
          byKind: Type.Object({ worker: Type.Integer(), equipment: Type.Integer(), lpn: Type.Integer() }),
          locations: Type.Array(Type.Object({ locationId: Type.String(), count: Type.Integer() }), { description: 'Occupancy per location of the zone' }),
          occupants: Type.Array(Type.Object({ kind: Kind, id: Type.String(), locationId: Nullable(Type.String()), since: DateTime, dwellS: Type.Number() })),
          visitsLast24h: Type.Integer(), meanDwellS: Nullable(Type.Number({ description: 'Mean dwell of the visits finished in the last 24 h, seconds' })),
        }),
        ...problems('UNKNOWN_SITE'),
      },
    },
  }, async (req) => {
    const site = await siteId(req.query.siteId, '/querystring/siteId');
    const occupancy = await tracking.occupancy(site, req.params.zone);
    // The counts are the zone's; which colleague is there is not an operator's to read (their own entry stays).
    return { ...occupancy, occupants: occupancy.occupants.filter((o) => o.kind !== 'worker' || seesWorker(req, site, o.id)) };
  });

  app.get('/tracking-alerts', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listTrackingAlerts', tags, summary: 'Location alerts: LPNs staged too long, idle workers',
      description: 'Raised by the alert scan (every PAKLOG_RTLS_ALERT_SCAN_MS): LPN_STAGED_TOO_LONG when an LPN stays at a STAGING or '
        + 'SHIPPING_DOCK location longer than PAKLOG_RTLS_STAGED_MAX_MIN, WORKER_IDLE when a worker in a zone does not move beyond '
        + 'PAKLOG_RTLS_IDLE_RADIUS_M for PAKLOG_RTLS_IDLE_MAX_MIN; cleared when the condition ends, or closed by a supervisor '
        + '(POST /tracking-alerts/{id}/close). Oldest first. A person signed in as an operator at a site reads no colleague\'s WORKER_IDLE '
        + '(a page may then hold fewer items than the limit; follow nextCursor).',
      querystring: Type.Object({
        siteId: Type.Optional(SiteRef), status: Type.Optional(Enum(['OPEN', 'CLEARED'] as const)), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(AlertSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('alr')));
    const site = q.siteId === undefined ? undefined : await siteId(q.siteId, '/querystring/siteId');
    const items = await tracking.listAlerts({ siteId: site, status: q.status, after, limit: q.limit });
    const next = nextKey(items, q.limit, (a) => a.id);
    // A colleague's WORKER_IDLE is a supervisor's to read, not an operator's (the page goes on past it all the same).
    return { items: items.filter((a) => a.kind !== 'worker' || seesWorker(req, a.siteId, a.trackedId)), nextCursor: next === null ? null : encodeCursor(next) };
  });

  app.post('/tracking-alerts/:id/close', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'closeTrackingAlert', tags, summary: 'Close a location alert by hand',
      description: 'The way out of an alert whose condition will not end by itself: a worker whose tag stopped reporting stays "idle" where '
        + 'it was last seen, an LPN nobody reports again stays "staged". The alert is cleared (clearedAt, closedBy, closeReason; event '
        + 'location-tracking.alert.cleared.v1) and the scan does not raise it again for the same episode (same since); a new one — the '
        + 'worker moved and stood still again — is raised as usual. 404 NOT_FOUND; 409 TRACKING_ALERT_NOT_OPEN for one cleared or closed '
        + 'already; a caller of some sites only closes its sites\' alerts (403 FORBIDDEN_AT_SITE).',
      params: Type.Object({ id: IdParam('trackingAlert', 'GET /tracking-alerts (items[].id)') }, { additionalProperties: false }),
      body: Type.Object({
        reason: Text(500, { description: 'Why it is closed (kept on the alert)' }),
      }, { additionalProperties: false, examples: [{ reason: 'Tag FLT-01 left on the charger; worker went home' }] }),
      response: { 200: AlertSchema, ...problems('NOT_FOUND', 'TRACKING_ALERT_NOT_OPEN') },
    },
  }, async (req, reply) => {
    const alert = await tracking.getAlert(req.params.id);
    if (alert === undefined) throw new AppError('NOT_FOUND', `No location alert ${req.params.id}`);
    if (req.principal !== undefined) authorizeSite(req.principal, alert.siteId, CAN.plan);
    return deps.idempotency.run(req, reply, 200, async () =>
      unwrap(await tracking.closeAlert(req.params.id, req.principal?.name ?? 'unknown', req.body.reason, requestMeta(req))));
  });
}
