/**
 * The handheld's ways out of a task over the public gRPC API (`paklog.floor.v1.Floor` RejectTask, PauseTask,
 * ResumeTask, FailTask), over a real socket with a grpc-js client: each runs the REST operation of the task engine
 * (POST /tasks/{id}/reject, pause, resume, fail), so the outcomes, the acting-worker rules, the idempotency key and
 * the refusals (status from the one table, PakLog code and field errors in the trailers) are REST's. The failure limit
 * is 2 here. The happy floor loop over gRPC is grpc-floor.test.ts.
 */
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickingEvents, type PickListCreated } from '../../src/contracts/picking.ts';
import { until } from '../support/flow-driver.ts';
import { credentialsMetadata, grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';
import type { TestApp } from '../support/test-app.ts';

let g: GrpcTestApp;
let t: TestApp;
let rpc: GrpcTestApp['rpc'];
let n = 0;

beforeAll(async () => {
  g = await startGrpcTestApp({ env: { PAKLOG_TASK_MAX_FAILURES: '2' } });
  ({ t, rpc } = g);
});
afterAll(async () => {
  await g?.close();
});

const operator = (extra: Record<string, string> = {}): grpc.Metadata => credentialsMetadata({ apiKey: t.keys.operator, extra });

/** A site of its own (so `NextTask` sees only this test's tasks). */
async function site(): Promise<string> {
  const res = await t.post('/api/v1/sites', { code: `GWO${++n}`, name: 'gRPC ways out' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A pick list's PICK task queued at `siteId`, as picking announces it. */
async function queuedTask(siteId: string): Promise<string> {
  const pickListId = `pkl_gwo${String(++n).padStart(4, '0')}`;
  const data: PickListCreated = { pickListId, waveId: 'wav_gwo', siteId, orderIds: [`ord_gwo${n}`], lineCount: 1, routeLength: null, priority: 5 };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId, data }]));
  await t.settle();
  return pickListId;
}

const taskNow = async (id: string) => (await t.get(`/api/v1/tasks/${id}`)).body;
const eventsOf = async (id: string, type: string): Promise<unknown[]> => (await t.get(`/api/v1/events?subject=${id}&type=${type}`)).body.items;

/** `workerId` claims over gRPC and gets a task (its id). */
async function claim(workerId: string, siteId: string, md: grpc.Metadata = operator()): Promise<string> {
  const res = await rpc.nextTask({ workerId, siteId }, md);
  expect(res.task, `${workerId} gets a task`).toBeTruthy();
  return res.task!.id;
}

describe('RejectTask', () => {
  it('hands an assigned task back to the queue, away from the worker who rejected it; a retry with the key replays', async () => {
    const s = await site();
    const reference = await queuedTask(s);
    const id = await claim('wo-r1', s);

    const rejected = await rpc.rejectTask({ taskId: id, workerId: 'wo-r1', reason: 'cart is full' }, operator({ 'idempotency-key': 'gwo-reject-1' }));
    expect(rejected).toMatchObject({ id, reference, status: 'QUEUED', type: 'PICK', failures: 0 });
    expect(rejected.workerId ?? null).toBeNull();
    // The same key answers the same, and rejects nothing twice (without it the task is no longer theirs: refused).
    expect(await rpc.rejectTask({ taskId: id, workerId: 'wo-r1', reason: 'cart is full' }, operator({ 'idempotency-key': 'gwo-reject-1' }))).toEqual(rejected);
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id, workerId: 'wo-r1' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    await t.settle();
    expect(await eventsOf(id, 'tasks.task.rejected.v1')).toHaveLength(1);

    // The way out: not back to the worker who rejected it (the cool-down), another worker takes it.
    expect((await rpc.nextTask({ workerId: 'wo-r1', siteId: s }, operator())).task ?? null).toBeNull();
    expect(await claim('wo-r2', s)).toBe(id);
    expect(await taskNow(id)).toMatchObject({ status: 'ASSIGNED', workerId: 'wo-r2' });
  });

  it("refuses another worker's task, a task in progress and bad input; nothing changes", async () => {
    const s = await site();
    await queuedTask(s);
    const id = await claim('wo-r3', s);
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id, workerId: 'wo-r4' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER', fields: ['/workerId'] });
    expect(await grpcRefusal(rpc.rejectTask({ taskId: '', workerId: 'wo-r3' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/task_id'] });
    // A reason is free text of 1 to 500 characters; a key must name the worker.
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id, workerId: 'wo-r3', reason: '' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/reason'] });
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id, workerId: 'wo-r3', reason: 'x'.repeat(501) }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/reason'] });
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/workerId'] });
    expect(await grpcRefusal(rpc.rejectTask({ taskId: 'tsk_nope', workerId: 'wo-r3' }, operator())))
      .toMatchObject({ status: 'NOT_FOUND', code: 'NOT_FOUND' });
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id, workerId: 'wo-r3' }, credentialsMetadata({ apiKey: t.keys.viewer }))))
      .toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
    await rpc.startTask({ taskId: id, workerId: 'wo-r3' }, operator());
    // In progress it is paused or failed, not rejected.
    expect(await grpcRefusal(rpc.rejectTask({ taskId: id, workerId: 'wo-r3' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'ILLEGAL_TRANSITION' });
    expect(await taskNow(id)).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wo-r3' });
    await t.settle();
    expect(await eventsOf(id, 'tasks.task.rejected.v1')).toEqual([]);
  });
});

describe('PauseTask and ResumeTask', () => {
  it('pause frees the worker for an urgent task; resume waits for a free slot, then the task is finished', async () => {
    const s = await site();
    await queuedTask(s);
    const first = await claim('wo-p1', s);
    await rpc.startTask({ taskId: first, workerId: 'wo-p1' }, operator());

    // Only its worker may pause it, and only in progress.
    expect(await grpcRefusal(rpc.pauseTask({ taskId: first, workerId: 'wo-p2' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    const paused = await rpc.pauseTask({ taskId: first, workerId: 'wo-p1' }, operator());
    expect(paused).toMatchObject({ id: first, status: 'PAUSED', workerId: 'wo-p1' });
    // Pausing a paused task answers it unchanged.
    expect(await rpc.pauseTask({ taskId: first, workerId: 'wo-p1' }, operator())).toEqual(paused);

    // A paused task does not count toward max tasks (1): the worker may take another.
    await queuedTask(s);
    const second = await claim('wo-p1', s);
    expect(second).not.toBe(first);
    expect(await grpcRefusal(rpc.resumeTask({ taskId: first, workerId: 'wo-p1' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_LIMIT_REACHED' });
    expect(await grpcRefusal(rpc.resumeTask({ taskId: first, workerId: 'wo-p2' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    expect(await grpcRefusal(rpc.resumeTask({ taskId: '', workerId: 'wo-p1' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/task_id'] });
    expect(await grpcRefusal(rpc.pauseTask({ taskId: '', workerId: 'wo-p1' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/task_id'] });
    // An assigned task is not paused (it is rejected).
    expect(await grpcRefusal(rpc.pauseTask({ taskId: second, workerId: 'wo-p1' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'ILLEGAL_TRANSITION' });
    await rpc.rejectTask({ taskId: second, workerId: 'wo-p1' }, operator());

    const resumed = await rpc.resumeTask({ taskId: first, workerId: 'wo-p1' }, operator({ 'idempotency-key': 'gwo-resume-1' }));
    expect(resumed).toMatchObject({ id: first, status: 'IN_PROGRESS', workerId: 'wo-p1' });
    expect(await rpc.resumeTask({ taskId: first, workerId: 'wo-p1' }, operator({ 'idempotency-key': 'gwo-resume-1' }))).toEqual(resumed);
    expect(await rpc.completeTask({ taskId: first, workerId: 'wo-p1' }, operator())).toMatchObject({ status: 'COMPLETED' });
    await t.settle();
    expect(await eventsOf(first, 'tasks.task.paused.v1')).toHaveLength(1);
    expect(await eventsOf(first, 'tasks.task.resumed.v1')).toHaveLength(1);
  });
});

describe('FailTask', () => {
  it('below the limit re-queues away from the worker; at the limit the task stays FAILED with exception TASK_FAILED', async () => {
    const s = await site();
    await queuedTask(s);
    const id = await claim('wo-f1', s);
    await rpc.startTask({ taskId: id, workerId: 'wo-f1' }, operator());

    const first = await rpc.failTask({ taskId: id, workerId: 'wo-f1', reason: 'LOCATION_INACCESSIBLE', note: 'aisle blocked' }, operator({ 'idempotency-key': 'gwo-fail-1' }));
    expect(first).toMatchObject({ id, status: 'QUEUED', failures: 1, failureReason: 'LOCATION_INACCESSIBLE', failureNote: 'aisle blocked' });
    expect(first.workerId ?? null).toBeNull();
    expect(await rpc.failTask({ taskId: id, workerId: 'wo-f1', reason: 'LOCATION_INACCESSIBLE', note: 'aisle blocked' }, operator({ 'idempotency-key': 'gwo-fail-1' })))
      .toEqual(first);
    expect((await rpc.nextTask({ workerId: 'wo-f1', siteId: s }, operator())).task ?? null).toBeNull();

    // Another worker takes it, pauses it and fails it too (a paused task may fail): the limit (2) is reached.
    expect(await claim('wo-f2', s)).toBe(id);
    await rpc.startTask({ taskId: id, workerId: 'wo-f2' }, operator());
    await rpc.pauseTask({ taskId: id, workerId: 'wo-f2' }, operator());
    const last = await rpc.failTask({ taskId: id, workerId: 'wo-f2', reason: 'DAMAGED_GOODS' }, operator());
    expect(last).toMatchObject({ id, status: 'FAILED', failures: 2, failureReason: 'DAMAGED_GOODS' });
    expect(last.workerId ?? null).toBeNull();
    expect(last.failureNote ?? null).toBeNull();
    expect((await rpc.nextTask({ workerId: 'wo-f3', siteId: s }, operator())).task ?? null).toBeNull();
    const open = await until('TASK_FAILED', async () => (await t.getAll<{ kind: string; subject: string; status: string }>('/api/v1/exceptions?kind=TASK_FAILED', 'viewer'))
      .filter((x) => x.subject === id && x.status === 'OPEN'), (xs) => xs.length === 1);
    expect(open[0]).toMatchObject({ kind: 'TASK_FAILED', subject: id });
    await t.settle();
    expect(await eventsOf(id, 'tasks.task.failed.v1')).toHaveLength(2);
    // Failing it again is no way out (a supervisor re-queues it).
    expect(await grpcRefusal(rpc.failTask({ taskId: id, reason: 'OTHER' }, credentialsMetadata({ apiKey: t.keys.manager }))))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'ILLEGAL_TRANSITION' });
  });

  it("refuses another worker's task and bad input; a supervisor's key may fail it naming no worker", async () => {
    const s = await site();
    await queuedTask(s);
    const id = await claim('wo-f4', s);
    // Assigned, not started: rejected instead.
    expect(await grpcRefusal(rpc.failTask({ taskId: id, workerId: 'wo-f4', reason: 'OTHER' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'ILLEGAL_TRANSITION' });
    await rpc.startTask({ taskId: id, workerId: 'wo-f4' }, operator());
    expect(await grpcRefusal(rpc.failTask({ taskId: id, workerId: 'wo-f5', reason: 'EQUIPMENT' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    // An operator key that names no worker is no one's worker.
    expect(await grpcRefusal(rpc.failTask({ taskId: id, reason: 'EQUIPMENT' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    expect(await grpcRefusal(rpc.failTask({ taskId: id, workerId: 'wo-f4', reason: 'TIRED', note: '' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: expect.arrayContaining(['/reason', '/note']) });
    expect(await grpcRefusal(rpc.failTask({ taskId: id, workerId: 'wo-f4' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/reason'] });
    expect(await grpcRefusal(rpc.failTask({ taskId: '', workerId: 'wo-f4', reason: 'EQUIPMENT' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/task_id'] });
    expect(await grpcRefusal(rpc.failTask({ taskId: id, workerId: 'wo-f4', reason: 'EQUIPMENT' }, credentialsMetadata({ apiKey: t.keys.viewer }))))
      .toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
    expect(await taskNow(id)).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wo-f4', failures: 0, failureReason: null });
    await t.settle();
    expect(await eventsOf(id, 'tasks.task.failed.v1')).toEqual([]);

    expect(await rpc.failTask({ taskId: id, reason: 'EQUIPMENT' }, credentialsMetadata({ apiKey: t.keys.manager })))
      .toMatchObject({ id, status: 'QUEUED', failures: 1, failureReason: 'EQUIPMENT' });
  });
});

describe('a signed-in person on the floor', () => {
  it('is the worker: an empty worker_id is their own, another worker is refused', async () => {
    const s = await site();
    const password = 'a long enough password for the floor';
    const user = await t.post('/api/v1/users', { username: 'wo-person', password, grants: [{ siteId: '*', role: 'operator' }] });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'wo-person', password } });
    expect(session.status).toBe(200);
    const me = (): grpc.Metadata => credentialsMetadata({ bearer: session.body.accessToken as string });
    const self = user.body.workerId as string;

    await queuedTask(s);
    const id = await claim('', s, me());
    expect(await taskNow(id)).toMatchObject({ status: 'ASSIGNED', workerId: self });
    // Naming another worker is refused before anything runs, whatever the task. One call at a time: a call started
    // before the one ahead of it is awaited would reject with no handler yet (an unhandled rejection in CI).
    for (const call of [
      () => rpc.rejectTask({ taskId: id, workerId: 'someone-else' }, me()),
      () => rpc.pauseTask({ taskId: id, workerId: 'someone-else' }, me()),
      () => rpc.resumeTask({ taskId: id, workerId: 'someone-else' }, me()),
      () => rpc.failTask({ taskId: id, workerId: 'someone-else', reason: 'OTHER' }, me()),
    ]) expect(await grpcRefusal(call())).toMatchObject({ status: 'PERMISSION_DENIED', code: 'ACTING_AS_ANOTHER_WORKER', fields: ['/workerId'] });

    await rpc.startTask({ taskId: id, workerId: '' }, me());
    expect(await rpc.pauseTask({ taskId: id, workerId: '' }, me())).toMatchObject({ status: 'PAUSED', workerId: self });
    expect(await rpc.resumeTask({ taskId: id, workerId: self }, me())).toMatchObject({ status: 'IN_PROGRESS', workerId: self });
    expect(await rpc.failTask({ taskId: id, reason: 'EQUIPMENT' }, me())).toMatchObject({ status: 'QUEUED', failures: 1 });

    // Another worker's task: the person acts as themselves, who does not hold it.
    await queuedTask(s);
    const theirs = await claim('wo-other', s);
    await rpc.startTask({ taskId: theirs, workerId: 'wo-other' }, operator());
    const before = await taskNow(theirs);
    for (const call of [
      () => rpc.pauseTask({ taskId: theirs, workerId: '' }, me()),
      () => rpc.failTask({ taskId: theirs, reason: 'OTHER' }, me()),
    ]) expect(await grpcRefusal(call())).toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    expect(await taskNow(theirs)).toEqual(before);
    expect(before).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wo-other' });
  });
});
