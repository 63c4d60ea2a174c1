import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { until } from '../../../test/support/flow-driver.ts';
import { manualClock } from '../../platform/clock.ts';
import { PickingEvents, type PickListCreated } from '../../contracts/picking.ts';

/**
 * A task its worker cannot do (POST /tasks/{id}/fail): re-queued below PAKLOG_TASK_MAX_FAILURES (2 here), away from
 * the worker who failed it for the reject cool-down; FAILED at the limit with a TASK_FAILED exception, whose ways out
 * are a supervisor's re-queue and the withdrawal of its work.
 */
const clock = manualClock(new Date('2030-02-01T08:00:00Z'));
let t: TestApp;
let site: string;
let n = 0;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { PAKLOG_TASK_MAX_FAILURES: '2' } });
  const res = await t.post('/api/v1/sites', { code: 'sit_fail', name: 'fail' });
  expect(res.status).toBe(201);
  site = res.body.id;
});
afterAll(async () => {
  await t.close();
});

interface Exc { id: string; kind: string; subject: string; status: string; actions: string[]; resolution: string | null; reason: string }
const exceptionsOf = async (taskId: string): Promise<Exc[]> =>
  (await t.getAll<Exc>('/api/v1/exceptions?kind=TASK_FAILED', 'viewer')).filter((x) => x.subject === taskId);
const eventsOf = async (taskId: string, type: string): Promise<any[]> => (await t.get(`/api/v1/events?subject=${taskId}&type=${type}`)).body.items;
const task = async (id: string) => (await t.get(`/api/v1/tasks/${id}`)).body;
const next = (workerId: string) => t.post('/api/v1/tasks/next', { workerId, siteId: site }, 'operator');
const fail = (id: string, body: Record<string, unknown>, role: 'operator' | 'manager' | 'viewer' = 'operator', headers?: Record<string, string>) =>
  t.post(`/api/v1/tasks/${id}/fail`, body, role, headers);

/** A pick list's PICK task queued at the site (as picking announces it). */
async function listCreated(): Promise<string> {
  const pickListId = `pkl_fl${String(++n).padStart(4, '0')}`;
  const data: PickListCreated = { pickListId, waveId: 'wav_fl', siteId: site, orderIds: [`ord_fl${n}`], lineCount: 1, routeLength: null, priority: 5 };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId: site, data }]));
  await t.settle();
  return pickListId;
}

/** `workerId` claims the only queued task and starts it. */
async function claimAndStart(workerId: string, expectedId?: string): Promise<string> {
  const claimed = await next(workerId);
  expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
  if (expectedId !== undefined) expect(claimed.body.id).toBe(expectedId);
  expect((await t.post(`/api/v1/tasks/${claimed.body.id}/start`, { workerId }, 'operator')).status).toBe(200);
  return claimed.body.id as string;
}

/** A task that failed at the limit (2): FAILED, nobody's. */
async function failedAtLimit(): Promise<{ id: string; reference: string }> {
  const reference = await listCreated();
  const id = await claimAndStart('wrk_p');
  expect((await fail(id, { workerId: 'wrk_p', reason: 'EQUIPMENT' })).body.status).toBe('QUEUED');
  await claimAndStart('wrk_q', id);
  const last = await fail(id, { workerId: 'wrk_q', reason: 'DAMAGED_GOODS', note: 'case crushed' });
  expect(last.body).toMatchObject({ id, status: 'FAILED', workerId: null, failures: 2, failureReason: 'DAMAGED_GOODS' });
  return { id, reference };
}

describe('tasks: fail', () => {
  it('below the limit: FAILED then QUEUED in one transaction, kept away from the worker who failed it, another worker gets it', async () => {
    const pkl = await listCreated();
    const id = await claimAndStart('wrk_a');

    const failed = await fail(id, { workerId: 'wrk_a', reason: 'LOCATION_INACCESSIBLE', note: 'aisle 4 blocked by a pallet' });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body).toMatchObject({
      id, reference: pkl, status: 'QUEUED', workerId: null, assignedAt: null, startedAt: null,
      failures: 1, failureReason: 'LOCATION_INACCESSIBLE', failureNote: 'aisle 4 blocked by a pallet',
    });
    await t.settle();
    const [event] = await eventsOf(id, 'tasks.task.failed.v1');
    expect(event.data).toEqual({
      taskId: id, siteId: site, type: 'PICK', reference: pkl, waveId: 'wav_fl', workerId: null, status: 'FAILED',
      previousWorkerId: 'wrk_a', reportedBy: 'wrk_a', reason: 'LOCATION_INACCESSIBLE', note: 'aisle 4 blocked by a pallet',
      attempt: 1, maxFailures: 2, retried: true,
    });
    const [requeued] = await eventsOf(id, 'tasks.task.requeued.v1');
    expect(requeued.data).toMatchObject({ taskId: id, status: 'QUEUED', workerId: null, previousWorkerId: 'wrk_a', reason: expect.stringContaining('LOCATION_INACCESSIBLE') });
    expect(await exceptionsOf(id)).toEqual([]);

    // The worker who failed it is not handed it again during the cool-down; another worker is, and completes it.
    expect((await next('wrk_a')).status).toBe(204);
    await claimAndStart('wrk_b', id);
    const done = await t.post(`/api/v1/tasks/${id}/complete`, { workerId: 'wrk_b' }, 'operator');
    expect(done.body).toMatchObject({ status: 'COMPLETED', workerId: 'wrk_b', failures: 1 });
    clock.advance(5 * 60_000 + 1);
  });

  it('refuses another worker, a task not in progress, bad input and viewers: nothing changes', async () => {
    await listCreated();
    const claimed = await next('wrk_c');
    const id = claimed.body.id as string;
    // ASSIGNED, not started: reject it instead.
    const assigned = await fail(id, { workerId: 'wrk_c', reason: 'OTHER' });
    expect([assigned.status, assigned.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    await t.post(`/api/v1/tasks/${id}/start`, { workerId: 'wrk_c' }, 'operator');

    const wrong = await fail(id, { workerId: 'wrk_d', reason: 'EQUIPMENT' });
    expect([wrong.status, wrong.body.code]).toEqual([409, 'TASK_NOT_ASSIGNED_TO_WORKER']);
    // An operator key that names no worker is no one's worker.
    expect((await fail(id, { reason: 'EQUIPMENT' })).body.code).toBe('TASK_NOT_ASSIGNED_TO_WORKER');
    const bad = await fail(id, { workerId: 'wrk_c', reason: 'TIRED', note: '', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/reason', '/note', '/extra']));
    expect((await fail(id, { workerId: 'wrk_c', reason: 'EQUIPMENT' }, 'viewer')).status).toBe(403);
    expect((await fail('tsk_nope', { workerId: 'wrk_c', reason: 'EQUIPMENT' })).status).toBe(404);
    expect(await task(id)).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wrk_c', failures: 0, failureReason: null });
    await t.settle();
    expect(await eventsOf(id, 'tasks.task.failed.v1')).toEqual([]);

    // A supervisor may fail it for the worker (here a paused one); the event names both.
    expect((await t.post(`/api/v1/tasks/${id}/pause`, { workerId: 'wrk_c' }, 'operator')).body.status).toBe('PAUSED');
    const bySupervisor = await fail(id, { reason: 'EQUIPMENT' }, 'manager');
    expect(bySupervisor.body).toMatchObject({ status: 'QUEUED', failures: 1 });
    await t.settle();
    expect((await eventsOf(id, 'tasks.task.failed.v1'))[0].data).toMatchObject({ previousWorkerId: 'wrk_c', reportedBy: 'test manager', retried: true });
    // Out of the way for the next tests.
    clock.advance(5 * 60_000 + 1);
    await claimAndStart('wrk_c', id);
    expect((await t.post(`/api/v1/tasks/${id}/complete`, { workerId: 'wrk_c' }, 'operator')).status).toBe(200);
  });

  it('replays a report with the same Idempotency-Key: one failure, one answer', async () => {
    await listCreated();
    const id = await claimAndStart('wrk_e');
    const headers = { 'idempotency-key': `fail-${id}` };
    const first = await fail(id, { workerId: 'wrk_e', reason: 'OTHER' }, 'operator', headers);
    const again = await fail(id, { workerId: 'wrk_e', reason: 'OTHER' }, 'operator', headers);
    expect(again.body).toEqual(first.body);
    expect((await task(id)).failures).toBe(1);
    await t.settle();
    expect(await eventsOf(id, 'tasks.task.failed.v1')).toHaveLength(1);
    clock.advance(5 * 60_000 + 1);
    await claimAndStart('wrk_e', id);
    expect((await t.post(`/api/v1/tasks/${id}/complete`, { workerId: 'wrk_e' }, 'operator')).status).toBe(200);
  });

  it('at the limit: stays FAILED, claimed by nobody, a TASK_FAILED exception; a supervisor re-queues it with the count reset', async () => {
    const { id } = await failedAtLimit();
    await t.settle();
    const [failedEvent] = (await eventsOf(id, 'tasks.task.failed.v1')).filter((e) => e.data.attempt === 2);
    expect(failedEvent.data).toMatchObject({ status: 'FAILED', attempt: 2, maxFailures: 2, retried: false, note: 'case crushed' });
    expect((await next('wrk_z')).status).toBe(204);

    const x = await until('TASK_FAILED', () => exceptionsOf(id), (xs) => xs.some((e) => e.status === 'OPEN'));
    expect(x).toEqual([expect.objectContaining({ kind: 'TASK_FAILED', status: 'OPEN', actions: ['requeue', 'acknowledge'] })]);
    // The reason names the call with this task's id, ready to send (it said /tasks/{id}/requeue).
    expect(x[0]!.reason).toContain(`POST /tasks/${id}/requeue`);

    // Only supervisors re-queue; only a FAILED task.
    expect((await t.post(`/api/v1/tasks/${id}/requeue`, {}, 'operator')).status).toBe(403);
    const requeued = await t.post(`/api/v1/tasks/${id}/requeue`, { note: 'new pallet' }, 'manager');
    expect(requeued.status, JSON.stringify(requeued.body)).toBe(200);
    expect(requeued.body).toMatchObject({ id, status: 'QUEUED', workerId: null, failures: 0, failureReason: 'DAMAGED_GOODS' });
    // Repeated: answered unchanged.
    expect((await t.post(`/api/v1/tasks/${id}/requeue`, {}, 'manager')).body).toMatchObject({ status: 'QUEUED', version: requeued.body.version });
    await t.settle();
    expect((await exceptionsOf(id)).map((e) => [e.status, e.resolution])).toEqual([['RESOLVED', 'auto: the task was re-queued']]);
    // The supervisor lifted the cool-down: the worker who failed it last may take it at once.
    await claimAndStart('wrk_q', id);
    const notFailed = await t.post(`/api/v1/tasks/${id}/requeue`, {}, 'manager');
    expect([notFailed.status, notFailed.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect((await t.post(`/api/v1/tasks/${id}/complete`, { workerId: 'wrk_q' }, 'operator')).status).toBe(200);
  });

  it("the exception's requeue action re-queues it too", async () => {
    const { id } = await failedAtLimit();
    const [x] = await until('TASK_FAILED', () => exceptionsOf(id), (xs) => xs.some((e) => e.status === 'OPEN'));
    const acted = await t.post(`/api/v1/exceptions/${x!.id}/actions/requeue`, undefined, 'manager');
    expect(acted.status, JSON.stringify(acted.body)).toBe(200);
    expect(acted.body).toMatchObject({ status: 'RESOLVED' });
    expect(await task(id)).toMatchObject({ status: 'QUEUED', failures: 0 });
    await claimAndStart('wrk_p', id);
    expect((await t.post(`/api/v1/tasks/${id}/complete`, { workerId: 'wrk_p' }, 'operator')).status).toBe(200);
  });

  it("a FAILED task never blocks its work's withdrawal (the order cancelled): it is CANCELLED and its exception resolves", async () => {
    const { id, reference } = await failedAtLimit();
    await until('TASK_FAILED', () => exceptionsOf(id), (xs) => xs.some((e) => e.status === 'OPEN'));
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{
      type: PickingEvents.listCancelled, subject: reference, siteId: site, data: { pickListId: reference, waveId: 'wav_fl', siteId: site, orderIds: [`ord_fl${n}`] },
    }]));
    await t.settle();
    expect(await task(id)).toMatchObject({ status: 'CANCELLED', workerId: null });
    expect((await exceptionsOf(id)).map((e) => e.status)).toEqual(['RESOLVED']);
    expect((await t.post(`/api/v1/tasks/${id}/requeue`, {}, 'manager')).body.code).toBe('ILLEGAL_TRANSITION');
  });

  it('a FAILED task whose work was finished without it (a supervisor shorted the rest of its list) is CANCELLED', async () => {
    const { id, reference } = await failedAtLimit();
    await until('TASK_FAILED', () => exceptionsOf(id), (xs) => xs.some((e) => e.status === 'OPEN'));
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{
      type: PickingEvents.listCompleted, subject: reference, siteId: site,
      data: { pickListId: reference, waveId: 'wav_fl', siteId: site, orderIds: [`ord_fl${n}`], status: 'PARTIAL' },
    }]));
    await t.settle();
    expect(await task(id)).toMatchObject({ status: 'CANCELLED', workerId: null });
    expect((await exceptionsOf(id)).map((e) => e.status)).toEqual(['RESOLVED']);
  });
});
