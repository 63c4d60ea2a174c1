import { Type } from '@fastify/type-provider-typebox';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { TASK_TYPES } from '../../contracts/tasks.ts';
import { unwrap } from '../../platform/errors.ts';
import { IF_MATCH_DOC, parseIfMatch } from '../../platform/http/if-match.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { actingWorkerOf } from '../../platform/http/auth.ts';
import { CAN, roleAt } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, Limit, List, Nullable, Page, SiteRef, WorkerId } from '../../platform/http/schemas.ts';
import type { IdempotencyKeys } from '../../platform/http/idempotency.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { WorkloadService } from './service.ts';

const tags: Tag[] = ['Workload'];
const Day = Type.String({ format: 'date', description: 'A day (UTC), YYYY-MM-DD; default today' });
const Hhmm = (description: string) => Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description });
const Seconds = (description: string) => Type.Number({ minimum: 0, maximum: 86_400, description });
const Zone = Identifier(50, { description: 'A zone of the site (locations\' zone), `PACK` for pack stations, `ALL` where the site has no zones' });

const StandardSchema = Type.Object({
  taskType: Enum(TASK_TYPES), fixedS: Type.Number(), perLineS: Type.Number(), perUnitS: Type.Number(), travelPerLineM: Type.Number(),
  walkSpeedMps: Type.Number(), isDefault: Type.Boolean({ description: 'Not set for the site: the built-in default' }),
});
const ShiftSchema = Type.Object({ workerId: Type.String(), zone: Type.String(), from: Type.String(), to: Type.String() });
const RosterSchema = Type.Object({ siteId: Type.String(), day: Type.String({ format: 'date' }), shifts: List(ShiftSchema) });
const ScoresSchema = Type.Object({
  wape: Type.Number({ description: 'Σ|actual − forecast| ÷ Σ actual' }), mape: Type.Number({ description: 'Mean |actual − forecast| ÷ actual over hours with work' }),
  hours: Type.Integer(),
});
const ZoneOutcome = Type.Object({
  zone: Type.String(), workHours: Type.Number({ description: 'Corrected standard hours of work' }),
  finishAt: Nullable(DateTime), leftHours: Type.Number({ description: 'Work left at midnight (finishAt null)' }),
});
const CarrierOutcome = Type.Object({
  carrier: Type.String(), cutoff: Type.String({ description: 'HH:MM, UTC' }), workHours: Type.Number(), finishAt: Nullable(DateTime),
  missed: Type.Boolean({ description: "Its open work is not done by its cut-off with this roster" }),
});
const SiteQuery = { siteId: SiteRef, date: Type.Optional(Day) };
/** Picking accuracy of a worker's completed PICK tasks (0, 0 and null for the other task types). */
const Accuracy = {
  linesPicked: Type.Integer({ minimum: 0, description: 'Lines of the tasks\' pick lists confirmed by scan and never shorted' }),
  linesShorted: Type.Integer({ minimum: 0, description: 'Lines of the tasks\' pick lists closed short (`picking.line.shorted`), whatever was picked of them before' }),
  accuracy: { ...Nullable(Type.Number({ minimum: 0, maximum: 1 })), description: 'linesPicked ÷ (linesPicked + linesShorted), 4 digits; null when no pick line was closed' },
};

export async function workloadRoutes(
  app: HttpApp, service: WorkloadService, locations: Pick<LocationMasterApi, 'getSite'>, idempotency: IdempotencyKeys,
): Promise<void> {
  const siteId = async (idOrCode: string, field: string): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));

  app.get('/workload/standards', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getLaborStandards', tags, summary: "A site's labour standards",
      description: 'Per task type: fixed seconds + seconds per line + seconds per unit + travel (the route\'s metres, else metres per line) ÷ walking speed.',
      querystring: Type.Object({ siteId: SiteRef }, { additionalProperties: false }),
      response: { 200: Type.Object({ siteId: Type.String(), standards: List(StandardSchema) }), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const site = await siteId(req.query.siteId, '/querystring/siteId');
    return { siteId: site, standards: await service.standards(site) };
  });

  app.put('/workload/standards', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'setLaborStandard', tags, summary: "Set a site's labour standard for a task type",
      description: 'Replaces the standard of one task type at one site; the plan uses it from the next request.',
      body: Type.Object({
        siteId: SiteRef, taskType: Enum(TASK_TYPES), fixedS: Seconds('Seconds per task'), perLineS: Seconds('Seconds per line'), perUnitS: Seconds('Seconds per unit'),
        travelPerLineM: Type.Number({ minimum: 0, maximum: 10_000, description: 'Metres walked per line when no route is planned yet' }),
        walkSpeedMps: Type.Number({
          minimum: 0.1, maximum: 10, description: 'Walking speed, metres per second; at least 0.1 (a speed near 0 makes every routed metre take forever)',
        }),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, taskType: 'PICK', fixedS: 60, perLineS: 12, perUnitS: 3, travelPerLineM: 15, walkSpeedMps: 1.1 }] }),
      response: { 200: StandardSchema, ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const site = await siteId(req.body.siteId, '/siteId');
    const { siteId: _, ...s } = req.body;
    return service.setStandard(site, s);
  });

  app.get('/workload/roster', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getRoster', tags, summary: "A site's roster for a day",
      description: 'Who works which hours (UTC) in which zone. The ETag header carries the day\'s roster version (`"0"` for a day never set), for If-Match on PUT /workload/roster.',
      querystring: Type.Object(SiteQuery, { additionalProperties: false }),
      response: { 200: RosterSchema, ...problems('UNKNOWN_SITE') },
    },
  }, async (req, reply) => {
    const { version, ...roster } = await service.roster(await siteId(req.query.siteId, '/querystring/siteId'), req.query.date);
    void reply.header('etag', `"${version}"`);
    return roster;
  });

  app.put('/workload/roster', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'setRoster', tags, summary: "Replace a site's roster for a day",
      description: 'The shifts of the day (UTC), each a worker in a zone from a time to a time; a worker\'s shifts must not overlap. The day '
        + 'is today or later (UTC: sites carry no time zone yet; 422 ROSTER_DAY_PAST, field /day) and at most 366 days ahead (400 VALIDATION_FAILED, field /day); a zone is one of the site\'s locations\' in use '
        + '(not all deactivated), `PACK`, or `ALL` where the site has no zones (422 UNKNOWN_ZONE naming /shifts/{i}/zone). '
        + 'Each replacement moves the day to its next version, the ETag of GET /workload/roster and of this answer; without If-Match the last writer wins. '
        + IF_MATCH_DOC + ' A retry with the same Idempotency-Key (its first answer lost) gets the first answer and its ETag, not 412.',
      headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 1000, description: 'The roster version(s) of the day the replacement expects: `*`, `"<version>"` or a list of them' })) }),
      body: Type.Object({
        siteId: SiteRef, day: Type.Optional(Day),
        shifts: Type.Array(Type.Object({
          workerId: WorkerId(), zone: Zone, from: Hhmm('HH:MM, UTC'), to: Hhmm('HH:MM, UTC; 24:00 = midnight'),
        }, { additionalProperties: false }), { maxItems: 5000 }),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, shifts: [
        { workerId: 'alice', zone: 'A', from: '06:00', to: '14:00' }, { workerId: 'bob', zone: 'A', from: '10:00', to: '18:00' },
        { workerId: 'carol', zone: 'PACK', from: '08:00', to: '16:00' },
      ] }] }),
      response: { 200: RosterSchema, ...problems('UNKNOWN_SITE', 'SHIFT_EMPTY', 'ROSTER_OVERLAP', 'UNKNOWN_ZONE', 'ROSTER_DAY_PAST', 'VERSION_MISMATCH', 'VALIDATION_FAILED') },
    },
  }, async (req, reply) => {
    const expected = parseIfMatch(req.headers['if-match']);
    const site = await siteId(req.body.siteId, '/siteId');
    // The answer is kept with its version, so a retry of a lost answer replays the ETag too (the If-Match it carries
    // names the version its first run replaced, and would be 412 if run again).
    const { version, ...roster } = await idempotency.run(req, reply, 200, async () => unwrap(await service.setRoster(site, req.body.day, req.body.shifts, expected)));
    void reply.header('etag', `"${version}"`);
    return roster;
  });

  app.get('/workload/performance', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listWorkerPerformance', tags, summary: 'Performance per worker',
      description: 'Over completed tasks in [from, to) (default the last 7 days; from not before to is 400 VALIDATION_FAILED): lines and units per hour worked (started → completed), '
        + 'travel (planned routes, else metres per line), idle time between the first claim and the last completion, and per task type '
        + 'observed vs standard seconds with the learned correction (shrunk towards 1 while evidence is thin). '
        + 'Picking accuracy: of the lines of the pick lists of those tasks, the lines confirmed by scan and never shorted (`linesPicked`) '
        + 'and the lines closed short (`linesShorted`, `picking.line.shorted`); `accuracy` = linesPicked ÷ (linesPicked + linesShorted), '
        + 'null when the worker closed no pick line (only other task types). A wrong location or product scanned is refused '
        + 'before anything is written, so it is not counted. A person signed in as an operator at the site reads only their own figures '
        + '(a page with their row alone, or none): colleagues\' labour figures are for supervisors.',
      querystring: Type.Object({ siteId: SiteRef, from: Type.Optional(DateTime), to: Type.Optional(DateTime), limit: Limit(500, 100), cursor: Cursor }, { additionalProperties: false }),
      response: {
        200: Page(Type.Object({
          workerId: Type.String(), tasks: Type.Integer(), lines: Type.Integer(), units: Type.Integer(), busyHours: Type.Number(),
          linesPerHour: Type.Number(), unitsPerHour: Type.Number(), travelM: Type.Number(), travelHours: Type.Number(), idleHours: Type.Number(),
          ...Accuracy,
          byTaskType: List(Type.Object({
            taskType: Enum(TASK_TYPES), tasks: Type.Integer(), observedS: Type.Number(), standardS: Type.Number(),
            correction: Type.Number({ description: 'Observed ÷ standard, shrunk towards 1 by 30 min of prior standard work' }),
            ...Accuracy,
          })),
        })),
        ...problems('UNKNOWN_SITE', 'VALIDATION_FAILED'),
      },
    },
  }, async (req) => {
    const q = req.query;
    const site = await siteId(q.siteId, '/querystring/siteId');
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.text));
    // An operator's labour figures are their own: a person signed in as an operator at the site reads no colleague's.
    const acting = actingWorkerOf(req);
    const only = acting !== undefined && req.principal !== undefined && roleAt(req.principal, site) === 'operator' ? acting : null;
    const items = unwrap(await service.performance(site, q.from === undefined ? null : new Date(q.from), q.to === undefined ? null : new Date(q.to), q.limit, after, only));
    return { items, nextCursor: nextCursor(items, q.limit, (w) => w.workerId) };
  });

  app.get('/workload/forecast', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getWorkForecast', tags, summary: 'Forecast of work by hour, zone and task type',
      description: 'Lines per hour for the rest of the day from the last 28 days of arrivals, per task type (Holt–Winters on log(1 + lines), weekly or daily season; '
        + 'ADR 0033), split over zones by the site\'s mix of placed pick lines, and per task type a rolling-origin backtest over the last 7 days: the method\'s WAPE and MAPE beside the naive '
        + 'seasonal baseline\'s (the same hour a week, or a day, before).',
      querystring: Type.Object(SiteQuery, { additionalProperties: false }),
      response: {
        200: Type.Object({
          siteId: Type.String(), date: Type.String({ format: 'date' }), method: Type.String({ description: '`holt-winters`, `naive-seasonal` (short history) or `none`' }),
          hours: List(Type.Object({ hour: Type.Integer(), taskType: Type.String(), zone: Type.String({ description: 'The zone\'s share by the site\'s mix of placed pick lines; PACK work at PACK; ALL where the site has no zones' }), lines: Type.Number() })),
          backtest: List(Type.Object({
            taskType: Type.String(), origins: Type.Integer(), horizonHours: Type.Integer(), method: ScoresSchema, baseline: ScoresSchema,
          })),
        }),
        ...problems('UNKNOWN_SITE', 'PLAN_DATE_PAST'),
      },
    },
  }, async (req) => unwrap(await service.forecast(await siteId(req.query.siteId, '/querystring/siteId'), req.query.date)));

  app.get('/workload/plan', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getStaffingPlan', tags, summary: "The day's staffing plan",
      description: 'Open work (orders to pick and pack; orders on hold are counted apart, `backlog.heldOrders`, and are no work until released) '
        + 'and the forecast of the rest of the day, in corrected standard hours per zone; '
        + 'per hour and zone the heads required (at 85% utilisation) against the roster; when each zone finishes with the roster, and '
        + 'which carriers\' cut-offs it misses.',
      querystring: Type.Object(SiteQuery, { additionalProperties: false }),
      response: {
        200: Type.Object({
          siteId: Type.String(), date: Type.String({ format: 'date' }), from: DateTime, utilisation: Type.Number(),
          backlog: Type.Object({
            orders: Type.Integer(), lines: Type.Integer(), units: Type.Integer(), workHours: Type.Number(),
            heldOrders: Type.Integer({ description: 'Open orders on hold (ADR 0052): no work in this plan until their hold is released' }),
          }),
          forecast: Type.Object({ method: Type.String(), lines: Type.Number(), workHours: Type.Number() }),
          corrections: List(Type.Object({ taskType: Enum(TASK_TYPES), factor: Type.Number() })),
          hours: List(Type.Object({
            hour: Type.Integer(), zone: Type.String(), workHours: Type.Number(), requiredHeads: Type.Number(), rosteredHeads: Type.Number(),
            shortHeads: Type.Number({ description: 'Required − rostered, when positive' }),
          })),
          zones: List(ZoneOutcome), carriers: List(CarrierOutcome),
        }),
        ...problems('UNKNOWN_SITE', 'PLAN_DATE_PAST'),
      },
    },
  }, async (req) => unwrap(await service.plan(await siteId(req.query.siteId, '/querystring/siteId'), req.query.date)));

  app.get('/workload/what-if', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getStaffingWhatIf', tags, summary: 'What if N more people worked a zone from an hour',
      description: 'The plan\'s finish times and cut-offs with the roster as it is (`before`) and with `add` more heads in `zone` from `fromHour` (`after`). '
        + 'The zone is one the plan names (a zone of the site\'s locations, `PACK`, or `ALL`): 422 UNKNOWN_ZONE otherwise. While no work is '
        + 'placed in a zone yet (the plan\'s zones are ALL and PACK), heads added to a zone of the site join the pool ALL, as its rostered shifts do; once work is placed in zones '
        + 'there is no pool ALL, and `zone=ALL` is 422 UNKNOWN_ZONE naming the zones to choose from.',
      querystring: Type.Object({
        ...SiteQuery, zone: { ...Zone, examples: ['A'] }, add: Type.Integer({ minimum: -100, maximum: 100, examples: [3], description: 'Heads to add (negative: to take away)' }),
        fromHour: Type.Integer({ minimum: 0, maximum: 23, examples: [14], description: 'From this hour (UTC) to the end of the day' }),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          siteId: Type.String(), date: Type.String({ format: 'date' }), zone: Type.String(), add: Type.Integer(), from: DateTime,
          before: Type.Object({ zones: List(ZoneOutcome), carriers: List(CarrierOutcome) }),
          after: Type.Object({ zones: List(ZoneOutcome), carriers: List(CarrierOutcome) }),
        }),
        ...problems('UNKNOWN_SITE', 'PLAN_DATE_PAST', 'UNKNOWN_ZONE'),
      },
    },
  }, async (req) => {
    const q = req.query;
    return unwrap(await service.whatIf(await siteId(q.siteId, '/querystring/siteId'), q.date, q.zone, q.add, q.fromHour));
  });
}
