import { nextKey } from '../../platform/http/paging.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, IdParam, Limit, Nullable, Page, SiteRef } from '../../platform/http/schemas.ts';
import { noContent, problems, type Tag } from '../../platform/http/openapi.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { AppError, unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { TASK_STATUSES, TASK_TYPES } from '../../contracts/tasks.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import type { TaskService } from './service.ts';

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
});
const taskCommandProblems = () => problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'TASK_NOT_ASSIGNED_TO_WORKER');

export async function taskRoutes(app: HttpApp, deps: PlatformDeps, tasks: TaskService, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  /** The id of the site a request names by id or code (422 UNKNOWN_SITE naming `field` otherwise). */
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));

  app.post('/tasks/next', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'claimNextTask', tags,
      summary: 'Claim the next task for a worker',
      description: 'Returns the task the worker already holds (ASSIGNED or IN_PROGRESS), else atomically claims the most urgent, '
        + 'oldest QUEUED task of the site (optionally of the given types). 200 with the task; 204 with no body when there is no work.',
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
      (await tasks.next(req.body.workerId, site, req.body.types ?? null, requestMeta(req))) ?? null);
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
      description: 'Only its worker may (409 TASK_NOT_ASSIGNED_TO_WORKER); 409 ILLEGAL_TRANSITION when the task is not in progress.',
      params: IdParams, body: WorkerBody, response: { 200: TaskSchema, ...taskCommandProblems() },
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
      body: Type.Object({ workerId: WorkerId, reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, {
        additionalProperties: false, examples: [{ workerId: 'alice', reason: 'Cart is full' }],
      }),
      response: { 200: TaskSchema, ...taskCommandProblems() },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await tasks.reject(req.params.id, req.body.workerId, req.body.reason ?? null, requestMeta(req)))));

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

  app.get('/tasks', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listTasks', tags, summary: 'Tasks by site, status and worker (oldest first)',
      description: 'Paged by `limit` and `cursor` (here the last id of the previous page).',
      querystring: Type.Object({
        siteId: Type.Optional(SiteRef),
        status: Type.Optional(Type.Union(TASK_STATUSES.map((s) => Type.Literal(s)))),
        workerId: Type.Optional(Id),
        limit: Limit(500, 100),
        cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(TaskSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const items = await tasks.list({
      limit: q.limit,
      ...(q.siteId === undefined ? {} : { siteId: await siteId(q.siteId, '/querystring/siteId') }),
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(q.workerId === undefined ? {} : { workerId: q.workerId }),
      ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
    });
    // The one list whose cursor is the last id in the clear: handhelds page the task list with it (tasks.int.test.ts).
    return { items, nextCursor: nextKey(items, q.limit, (l) => l.id) };
  });
}
