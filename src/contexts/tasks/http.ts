import { CURSOR_SHAPES, clearCursorKey, nextKey } from '../../platform/http/paging.ts';
import { CountsQuery, Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdParam, Limit, List, Nullable, NullableEnum, Page, SiteRef, StatusCounts, Text } from '../../platform/http/schemas.ts';
import { noContent, problems, type Tag } from '../../platform/http/openapi.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { AppError, unwrap } from '../../platform/errors.ts';
import { CAN, overallRole, roleAt } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { TASK_FAILURE_REASONS, TASK_STATUSES, TASK_TYPES } from '../../contracts/tasks.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import type { TaskService } from './service.ts';
import { actingWorkerOf, authorizeSite } from '../../platform/http/auth.ts';

const tags: Tag[] = ['Tasks'];
const WorkerId = { ...Id, description: 'The operator doing the work', examples: ['alice'] };
const WorkerBody = Type.Object({ workerId: WorkerId }, { additionalProperties: false, examples: [{ workerId: 'alice' }] });
const IdParams = Type.Object({ id: IdParam('task', 'POST /tasks/next') }, { additionalProperties: false });

const TaskSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), type: Enum(TASK_TYPES),
  reference: Type.String({ description: 'What the task works on: the pick list id of a PICK task (GET /pick-lists/{id})' }),
  waveId: Nullable(Type.String()), priority: Type.Integer({ description: '1 is the most urgent' }), status: Enum(TASK_STATUSES),
  workerId: Nullable(Type.String()), createdAt: DateTime, assignedAt: Nullable(DateTime), startedAt: Nullable(DateTime),
  completedAt: Nullable(DateTime), updatedAt: DateTime, version: Type.Integer(),
  locationId: Nullable(Type.String({ description: "Where the task starts (a pick list's first stop, a putaway's source)" })),
  endLocationId: Nullable(Type.String({ description: 'Where the worker stands when the task is done' })),
  dueAt: Nullable(DateTime),
  zone: Nullable(Type.String({ description: 'Only workers of this zone may take it (profile zones)' })),
  requiredSkills: List(Type.String(), { description: 'Skills the worker must have (profile skills)' }),
  requiredEquipment: List(Type.String(), { description: 'Equipment the worker must have (profile equipment)' }),
  failures: Type.Integer({ description: 'How often it was reported FAILED since it was created or a supervisor last re-queued it' }),
  failureReason: { ...NullableEnum(TASK_FAILURE_REASONS), description: 'Why it last failed (kept after a re-queue, for the next worker)' },
  failureNote: Nullable(Type.String({ description: "The last failure's note" })),
});
const Labels = (description: string) => Type.Array(Identifier(50), { maxItems: 50, uniqueItems: true, description });
const ProfileBody = Type.Object({
  siteId: SiteRef,
  zones: Type.Optional(Labels('Zones the worker works in; empty or absent = every zone')),
  skills: Type.Optional(Labels('Skills tasks may require (e.g. `forklift-licence`, `hazmat`)')),
  equipment: Type.Optional(Labels('Equipment the worker has with them (e.g. `reach-truck`, `cart`)')),
  maxTasks: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'How many tasks (ASSIGNED + IN_PROGRESS) the worker may hold; default 1' })),
  locationId: Type.Optional(Nullable(Identifier(100, { description: 'Where the worker stands now (a location id of the site)' }))),
}, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, zones: ['A'], skills: ['forklift-licence'], equipment: ['reach-truck'], maxTasks: 1 }] });
const ProfileSchema = Type.Object({
  workerId: Type.String(), siteId: Type.String(), zones: List(Type.String()), skills: List(Type.String()),
  equipment: List(Type.String()), maxTasks: Type.Integer(), locationId: Nullable(Type.String()), locationAt: Nullable(DateTime),
  position: Nullable(Type.String({ description: 'Where the worker stands now: the end of their last completed task, or locationId if set later' })),
  updatedAt: DateTime, version: Type.Integer(),
});
const WorkerParams = Type.Object({ id: { ...Id, description: 'The worker id (as in POST /tasks/next)', examples: ['alice'] } }, { additionalProperties: false });
const taskCommandProblems = () => problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'TASK_NOT_ASSIGNED_TO_WORKER');

export async function taskRoutes(app: HttpApp, deps: PlatformDeps, tasks: TaskService, locations: Pick<LocationMasterApi, 'getSite' | 'getLocations'>): Promise<void> {
  /** The id of the site a request names by id or code (422 UNKNOWN_SITE naming `field` otherwise). */
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));

  app.post('/tasks/next', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'claimNextTask', tags,
      summary: 'Claim the next task for a worker',
      description: 'Returns an ASSIGNED task the worker already holds, else, while they hold fewer tasks than their profile allows '
        + '(maxTasks, default 1), atomically claims the best QUEUED task of the site they are eligible for (zone, skills, equipment; '
        + 'optionally of the given types): a task due within 30 minutes first, else by priority improved one step per 15 minutes of '
        + 'waiting, and among the first 8 of equal effective priority the nearest to where the worker stands. At their limit, the '
        + 'task they hold. 200 with the task; 204 with no body when there is no work. A task the worker holds at another site is answered '
        + 'only to a caller who may do floor work there; to another, 403 FORBIDDEN_AT_SITE while it keeps the worker from new work (ASSIGNED, '
        + 'or at their limit: it is finished, paused or handed back there first), else 204 when this site has none for them. Nothing is claimed then.',
      body: Type.Object({
        workerId: WorkerId,
        siteId: SiteRef,
        types: Type.Optional(Type.Array(Type.Union(TASK_TYPES.map((t) => Type.Literal(t))), { minItems: 1, uniqueItems: true })),
      }, { additionalProperties: false, examples: [{ workerId: 'alice', siteId: EXAMPLES.site }] }),
      response: {
        200: { ...TaskSchema, description: 'The task the worker holds or has just claimed' }, 204: noContent('No work for this worker now'),
        ...problems('UNKNOWN_SITE'),
      },
    },
  }, async (req, reply) => {
    const site = await siteId(req.body.siteId);
    // "No work" is an answer too: a replay of this key says 204 again (poll with a new key).
    const task = await deps.idempotency.run(req, reply, (t) => (t === null ? 204 : 200), async () =>
      (await tasks.next(req.body.workerId, site, req.body.types ?? null, requestMeta(req), {
        // The task the worker holds at another site is that site's work: answered only to a caller who may act there.
        // To another, a worker below their limit has no work here yet (204); a busy one is refused, naming neither that
        // site nor the task (the caller may not read them).
        heldAt: (other, busy) => {
          const role = req.principal === undefined ? undefined : roleAt(req.principal, other);
          if (req.principal === undefined || (role !== undefined && (CAN.floor as readonly string[]).includes(role))) return true;
          if (!busy) return false;
          throw new AppError('FORBIDDEN_AT_SITE', `Worker ${req.body.workerId} holds a task at another site, where ${req.principal.name} may not act: `
            + 'it is finished, paused or handed back there first');
        },
      })) ?? null);
    if (task === null) return reply.send(null);
    return task;
  });

  app.post('/tasks/:id/start', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'startTask', tags, summary: 'Start an assigned task (ASSIGNED → IN_PROGRESS)',
      description: 'Repeating it answers the task unchanged. Only the worker it is assigned to may (409 TASK_NOT_ASSIGNED_TO_WORKER).',
      params: IdParams, body: WorkerBody, response: { 200: TaskSchema, ...taskCommandProblems() },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await tasks.start(req.params.id, req.body.workerId, requestMeta(req)))));

  app.post('/tasks/:id/complete', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'completeTask', tags, summary: 'Complete a task in progress (IN_PROGRESS → COMPLETED)',
      description: 'Only its worker may (409 TASK_NOT_ASSIGNED_TO_WORKER); 409 ILLEGAL_TRANSITION when the task is not in progress. '
        + 'A PICK task only once its pick list has no open line: 409 PICK_LINES_OPEN (naming how many remain, nothing changed) while '
        + 'a line is neither picked in full nor shorted; confirm or short it (POST /pick-lists/{id}/lines/{lineId}/confirm or /short). '
        + "The list's last line completes the task by itself; completing it after that answers it unchanged. Likewise a PUTAWAY, "
        + 'REPLENISH, MOVE (return to stock) or COUNT task only once its inventory work is done: 409 TASK_WORK_OPEN while the putaway, '
        + 'replenishment or return is not confirmed in full or the count attempt not submitted (naming it and how to finish it); a '
        + "task with no inventory record behind it (a count a short's resolution asked for) is completed by its worker. A PACK task only "
        + 'once its order is packed: 409 TASK_WORK_OPEN while picked units are not in a sealed package (naming how many and any open carton). '
        + 'A task whose work was withdrawn (its pick list cancelled with its order, the putaway, replenishment or return cancelled, the '
        + 'count closed without its attempt) is not completed: 409 TASK_WORK_WITHDRAWN (nothing changed); the task ends CANCELLED with '
        + 'the withdrawal, at the latest on the worker\'s next POST /tasks/next.',
      params: IdParams, body: WorkerBody,
      response: { 200: TaskSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'TASK_NOT_ASSIGNED_TO_WORKER', 'PICK_LINES_OPEN', 'TASK_WORK_OPEN', 'TASK_WORK_WITHDRAWN') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await tasks.complete(req.params.id, req.body.workerId, requestMeta(req)))));

  app.post('/tasks/:id/reject', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'rejectTask', tags,
      summary: 'Reject an assigned task (ASSIGNED → QUEUED); only its worker may',
      description: 'The task goes back to the queue with no worker (event tasks.task.rejected.v1). For the next 5 minutes '
        + '`POST /tasks/next` does not hand it back to the worker who rejected it. A task in progress cannot be rejected: 409 ILLEGAL_TRANSITION.',
      params: IdParams,
      body: Type.Object({ workerId: WorkerId, reason: Type.Optional(Text(500)) }, {
        additionalProperties: false, examples: [{ workerId: 'alice', reason: 'Cart is full' }],
      }),
      response: { 200: TaskSchema, ...taskCommandProblems() },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await tasks.reject(req.params.id, req.body.workerId, req.body.reason ?? null, requestMeta(req)))));

  app.post('/tasks/:id/pause', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'pauseTask', tags, summary: 'Pause a task in progress (IN_PROGRESS → PAUSED); only its worker may',
      description: 'The worker keeps the task (event tasks.task.paused.v1) but it no longer counts toward their max tasks, so '
        + '`POST /tasks/next` may give them another. Pausing a paused task answers it unchanged; 409 ILLEGAL_TRANSITION from any other status.',
      params: IdParams, body: WorkerBody, response: { 200: TaskSchema, ...taskCommandProblems() },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await tasks.pause(req.params.id, req.body.workerId, requestMeta(req)))));

  app.post('/tasks/:id/resume', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'resumeTask', tags, summary: 'Resume a paused task (PAUSED → IN_PROGRESS); only its worker may',
      description: 'Event tasks.task.resumed.v1. 409 TASK_LIMIT_REACHED when the worker already holds their max tasks (finish or '
        + 'pause one first). Resuming a task in progress answers it unchanged.',
      params: IdParams, body: WorkerBody, response: { 200: TaskSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'TASK_NOT_ASSIGNED_TO_WORKER', 'TASK_LIMIT_REACHED') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await tasks.resume(req.params.id, req.body.workerId, requestMeta(req)))));

  app.post('/tasks/:id/fail', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'failTask', tags,
      summary: 'Report that a task in progress or paused cannot be done (→ FAILED); its worker or a supervisor may',
      description: 'IN_PROGRESS or PAUSED → FAILED (event tasks.task.failed.v1, with the reason, note and attempt). While the task has '
        + 'failed fewer than PAKLOG_TASK_MAX_FAILURES times (default 3) it goes straight back to the queue in the same transaction '
        + '(FAILED → QUEUED, event tasks.task.requeued.v1; the answer is the QUEUED task), and for the next 5 minutes `POST /tasks/next` '
        + 'does not hand it back to the worker who held it. At the limit it stays FAILED (the answer is the FAILED task) and the '
        + 'exception TASK_FAILED asks a supervisor: `POST /tasks/{id}/requeue`, or withdraw or finish its work. Only the worker '
        + 'holding the task (the signed-in person, or the body\'s workerId for a key) or a supervisor (admin, manager at the task\'s '
        + 'site) may: 409 TASK_NOT_ASSIGNED_TO_WORKER otherwise; 409 ILLEGAL_TRANSITION when the task is not in progress or paused.',
      params: IdParams,
      body: Type.Object({
        workerId: Type.Optional({ ...WorkerId, description: 'The worker reporting it (filled in for a signed-in person); a supervisor may omit it' }),
        reason: Enum(TASK_FAILURE_REASONS, { description: 'Why it cannot be done' }),
        note: Type.Optional(Text(500, { description: 'What the worker saw, for the next worker and the supervisor' })),
      }, { additionalProperties: false, examples: [{ workerId: 'alice', reason: 'EQUIPMENT', note: 'Reach truck battery flat' }] }),
      response: { 200: { ...TaskSchema, description: 'The task: QUEUED again below the failure limit, FAILED at it' }, ...taskCommandProblems() },
    },
  }, async (req, reply) => {
    const principal = req.principal;
    const supervisorAt = (site: string): boolean => {
      const role = principal === undefined ? undefined : roleAt(principal, site);
      return role !== undefined && (CAN.plan as readonly string[]).includes(role);
    };
    const reporter = { workerId: req.body.workerId, name: req.body.workerId ?? principal?.name ?? 'unknown', supervisorAt };
    return deps.idempotency.run(req, reply, 200, async () =>
      unwrap(await tasks.fail(req.params.id, reporter, { reason: req.body.reason, note: req.body.note ?? null }, requestMeta(req))));
  });

  app.post('/tasks/:id/requeue', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'requeueTask', tags,
      summary: 'Put a FAILED task back in the queue (FAILED → QUEUED); for supervisors',
      description: 'The way out of a task that failed PAKLOG_TASK_MAX_FAILURES times (exception TASK_FAILED; its `requeue` action does '
        + 'the same). Its failure count goes back to 0 and the worker who failed it last may take it again at once: the supervisor '
        + 'looked at the cause. Event tasks.task.requeued.v1. A task already QUEUED is answered unchanged; 409 ILLEGAL_TRANSITION '
        + 'from any other status.',
      params: IdParams,
      body: Type.Object({
        note: Type.Optional(Text(500, { description: 'What was done about the cause (recorded in the event)' })),
      }, { additionalProperties: false, examples: [{ note: 'Aisle 12 cleared' }] }),
      response: { 200: TaskSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => {
    const by = `${actingWorkerOf(req) ?? req.principal?.name ?? 'a supervisor'}${req.body.note === undefined ? '' : ` (${req.body.note})`}`;
    return deps.idempotency.run(req, reply, 200, async () => unwrap(await tasks.requeue(req.params.id, by, requestMeta(req))));
  });

  app.post('/tasks/assign-batch', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'assignTaskBatch', tags, summary: 'Assign idle workers to tasks at once, minimising their total walk',
      description: 'For supervisors. Every listed worker who holds no ASSIGNED or IN_PROGRESS task gets one eligible QUEUED task of '
        + 'the site, in one transaction (no task to two workers): the most urgent tasks first, and among equally urgent ones the '
        + 'pairing with the least total walking from where each worker stands (Hungarian method). A busy worker answers BUSY, a '
        + 'worker with nothing they may take NO_ELIGIBLE_TASK. A worker id ignores letter case: a listed id answers as the worker it '
        + 'names (a profile\'s or a live task holder\'s id), and two spellings of one worker are one item. A caller of some sites only may not '
        + 'list a worker whose profile is at another site (403 FORBIDDEN_AT_SITE, nothing assigned), as PUT /workers/{id}/profile.',
      body: Type.Object({
        siteId: SiteRef,
        workerIds: Type.Array(WorkerId, { minItems: 1, maxItems: 200, uniqueItems: true }),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, workerIds: ['alice', 'bob'] }] }),
      response: {
        200: Type.Object({
          items: List(Type.Object({
            workerId: Type.String(),
            task: Nullable(TaskSchema),
            travel: Type.Optional(Nullable(Type.Number({ description: 'Metres from where the worker stands to the task start, when known' }))),
            reason: Type.Optional(Type.Union([Type.Literal('BUSY'), Type.Literal('NO_ELIGIBLE_TASK')])),
          })),
        }),
        ...problems('UNKNOWN_SITE'),
      },
    },
  }, async (req, reply) => {
    const site = await siteId(req.body.siteId);
    // A worker whose profile is at another site is that site's worker (PUT /workers/{id}/profile): giving them this
    // site's task is taking them over, so it is acting there too — refused whole to a caller who may not plan there,
    // before anything is assigned (worker ids name no site for the guard).
    if (req.principal !== undefined) {
      for (const w of req.body.workerIds) {
        const held = await tasks.profile(w);
        if (held !== undefined && held.siteId !== site) authorizeSite(req.principal, held.siteId, CAN.plan);
      }
    }
    return deps.idempotency.run(req, reply, 200, async () => ({ items: await tasks.assignBatch(site, req.body.workerIds, requestMeta(req)) }));
  });

  app.put('/workers/:id/profile', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'putWorkerProfile', tags, summary: "Set a worker's profile: zones, skills, equipment, max tasks, location",
      description: 'Creates or replaces the profile (event tasks.worker.profile-changed.v1). `POST /tasks/next` gives the worker only '
        + 'tasks they are eligible for: a task naming a zone needs that zone among the worker\'s zones (none listed = every zone), '
        + 'and every skill and piece of equipment the task requires. A worker with no profile may take only tasks that require none. '
        + '422 UNKNOWN_LOCATION when locationId is not a location of the site. A caller of some sites only may not move a worker '
        + 'whose profile is at another site (403 FORBIDDEN_AT_SITE). Worker ids ignore letter case: a profile for `w1` while `W1` has one '
        + 'is 409 DUPLICATE naming `W1` (the id it was made with), not a second worker.',
      params: WorkerParams, body: ProfileBody,
      response: { 200: ProfileSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_LOCATION', 'DUPLICATE') },
    },
  }, async (req) => {
    const b = req.body;
    const site = await siteId(b.siteId);
    // The site guard checked the new site (the body's); a profile held at another site is that site's worker: moving
    // them away is acting there too (worker ids name no site, so the guard cannot see it).
    const held = await tasks.profile(req.params.id);
    if (held !== undefined && req.principal !== undefined) authorizeSite(req.principal, held.siteId, CAN.plan);
    const locationId = b.locationId ?? null;
    if (locationId !== null && (await locations.getLocations([locationId])).get(locationId)?.siteId !== site) {
      throw new AppError('UNKNOWN_LOCATION', `No location ${locationId} at site ${b.siteId}`, { errors: [{ field: '/locationId', message: 'is not a location of the site' }] });
    }
    // A PUT is idempotent by itself: the same profile again is the same profile (one more event, one more version).
    return unwrap(await tasks.putProfile({
      workerId: req.params.id, siteId: site, zones: b.zones ?? [], skills: b.skills ?? [], equipment: b.equipment ?? [], maxTasks: b.maxTasks ?? 1, locationId,
    }, requestMeta(req)));
  });

  app.get('/workers/:id/profile', {
    config: { roles: CAN.floor },
    schema: {
      operationId: 'getWorkerProfile', tags, summary: "A worker's profile and where they stand",
      description: 'Managers read any profile of their sites (403 FORBIDDEN_AT_SITE at another site); a person signed in as an operator '
        + 'reads only their own (403 ACTING_AS_ANOTHER_WORKER). A worker id ignores letter case: `ANNA` reads the profile of `anna`, '
        + 'named as it was made. '
        + '404 NOT_FOUND when the worker has no profile (they may then take only tasks without zone, skill or equipment).',
      params: WorkerParams, response: { 200: ProfileSchema, ...problems('NOT_FOUND', 'ACTING_AS_ANOTHER_WORKER') },
    },
  }, async (req) => {
    const acting = actingWorkerOf(req);
    // A worker id ignores letter case (ADR 0019): the signed-in anna asking for ANNA asks for her own profile.
    const own = acting !== undefined && acting.toLowerCase() === req.params.id.toLowerCase();
    if (acting !== undefined && !own && req.principal?.role === 'operator') {
      throw new AppError('ACTING_AS_ANOTHER_WORKER', `Operators read their own profile (${acting}), not ${req.params.id}`, { errors: [{ field: '/id', message: `must be ${acting}` }] });
    }
    const profile = await tasks.profile(req.params.id);
    if (profile === undefined) throw new AppError('NOT_FOUND', `Worker ${req.params.id} has no profile`);
    // A profile is its site's: a caller of other sites only may not read it (worker ids name no site for the guard).
    // An operator there reads only their own, whatever their role at other sites.
    if (req.principal !== undefined) {
      authorizeSite(req.principal, profile.siteId, CAN.floor);
      if (acting !== undefined && !own && roleAt(req.principal, profile.siteId) === 'operator') {
        throw new AppError('ACTING_AS_ANOTHER_WORKER', `Operators read their own profile (${acting}), not ${req.params.id}`, { errors: [{ field: '/id', message: `must be ${acting}` }] });
      }
    }
    return profile;
  });

  app.get('/tasks/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getTask', tags, summary: 'A task', description: 'A task by id (404 NOT_FOUND when there is none).',
      params: IdParams, response: { 200: TaskSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const task = await tasks.get(req.params.id);
    if (task === undefined) throw new AppError('NOT_FOUND', `No task ${req.params.id}`);
    return task;
  });

  app.get('/tasks/counts', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'countTasks', tags, summary: 'How many tasks of a site are in each status',
      description: 'Exact figures for a dashboard, one per status (0 when none), read in one statement. 422 UNKNOWN_SITE for an unknown site; '
        + 'a caller acting at some sites only may count only those (403 FORBIDDEN_AT_SITE).',
      querystring: CountsQuery,
      response: { 200: StatusCounts(TASK_STATUSES, 'tasks'), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const site = await siteId(req.query.siteId, '/querystring/siteId');
    return { siteId: site, byStatus: await tasks.counts(site) };
  });

  app.get('/tasks', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listTasks', tags, summary: 'Tasks by site, status, worker and type (oldest first)',
      description: 'Paged by `limit` and `cursor` (here the last id of the previous page). `workerId` matches the worker id in any letter '
        + 'case (ADR 0019): `ANNA` lists anna\'s tasks, live and finished. A person signed in as an operator '
        + '(at the site named, else their role where no site is in question) names themselves, in any letter case (403 '
        + 'ACTING_AS_ANOTHER_WORKER naming /querystring/workerId for a colleague: whose work is whose is for supervisors).',
      querystring: Type.Object({
        siteId: Type.Optional(SiteRef),
        status: Type.Optional(Type.Union(TASK_STATUSES.map((s) => Type.Literal(s)))),
        workerId: Type.Optional({
          ...Id, description: 'Only this worker\'s tasks, the id in any letter case (ANNA lists anna\'s; an operator names themselves)',
        }),
        type: Type.Optional(Enum(TASK_TYPES)),
        limit: Limit(500, 100),
        cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(TaskSchema), ...problems('UNKNOWN_SITE', 'ACTING_AS_ANOTHER_WORKER') },
    },
  }, async (req) => {
    const q = req.query;
    const cursor = unwrap(clearCursorKey(q.cursor, CURSOR_SHAPES.idOf('tsk')));
    const site = q.siteId === undefined ? undefined : await siteId(q.siteId, '/querystring/siteId');
    // A worker's tasks by worker are their work, minute by minute: a person signed in as an operator reads their own (as
    // their scans, GET /scans?worker=, and their profile); a colleague's are for supervisors. Keys name any worker.
    const acting = actingWorkerOf(req);
    let workerId = q.workerId;
    if (workerId !== undefined && acting !== undefined && req.principal !== undefined
      && (site === undefined ? overallRole(req.principal.sites) : roleAt(req.principal, site)) === 'operator') {
      if (workerId.toLowerCase() !== acting.toLowerCase()) {
        throw new AppError('ACTING_AS_ANOTHER_WORKER', `Operators read their own tasks (${acting}), not ${workerId}'s`,
          { errors: [{ field: '/querystring/workerId', message: `must be ${acting}` }] });
      }
      workerId = acting;
    }
    const items = await tasks.list({
      limit: q.limit,
      ...(site === undefined ? {} : { siteId: site }),
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(workerId === undefined ? {} : { workerId }),
      ...(q.type === undefined ? {} : { type: q.type }),
      ...(cursor === null ? {} : { cursor }),
    });
    // The one list whose cursor is the last id in the clear: handhelds page the task list with it (tasks.int.test.ts).
    return { items, nextCursor: nextKey(items, q.limit, (l) => l.id) };
  });
}
