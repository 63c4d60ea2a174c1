import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { manualClock } from '../../platform/clock.ts';
import { PickingEvents, type PickListCreated } from '../../contracts/picking.ts';
import type { TasksModule } from './index.ts';

// Time stands still here: the assignment timeout and the reject cool-down are driven by advancing the clock.
const clock = manualClock(new Date('2030-01-01T08:00:00Z'));
let t: TestApp;
/** The sites the tests use, by code; filled with their ids. */
const S: Record<string, string> = {};
let tasks: TasksModule;
let n = 0;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { PAKLOG_TASK_ASSIGN_TIMEOUT_S: '120' } });
  for (const code of ['sit_rj', 'sit_rj2', 'sit_to']) {
    const site = await t.post('/api/v1/sites', { code, name: code });
    expect(site.status).toBe(201);
    S[code] = site.body.id;
  }
  tasks = t.app.modules.find((m) => m.name === 'tasks') as TasksModule;
});
afterAll(async () => {
  await t.close();
});

async function listCreated(siteId: string, priority = 5): Promise<string> {
  const pickListId = `pkl_rq${String(++n).padStart(4, '0')}`;
  const data: PickListCreated = { pickListId, waveId: 'wav_rq', siteId, orderIds: [`ord_rq${n}`], lineCount: 1, routeLength: null, priority };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId, data }]));
  await t.settle();
  return pickListId;
}

const next = (workerId: string, siteId: string) => t.post('/api/v1/tasks/next', { workerId, siteId }, 'operator');
const eventsOf = async (taskId: string, type: string): Promise<any[]> => (await t.get(`/api/v1/events?subject=${taskId}&type=${type}`)).body.items;

describe('tasks: reject', () => {
  it('puts the task back in the queue for another worker, not for the one who rejected it until the cool-down is over', async () => {
    const pkl = await listCreated(S.sit_rj!);
    const claimed = await next('wrk_a', S.sit_rj!);
    expect(claimed.body).toMatchObject({ reference: pkl, status: 'ASSIGNED', workerId: 'wrk_a' });
    const id = claimed.body.id as string;

    const wrong = await t.post(`/api/v1/tasks/${id}/reject`, { workerId: 'wrk_b', reason: 'not mine' }, 'operator');
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('TASK_NOT_ASSIGNED_TO_WORKER');
    expect((await t.get(`/api/v1/tasks/${id}`)).body).toMatchObject({ status: 'ASSIGNED', workerId: 'wrk_a' });

    const rejected = await t.post(`/api/v1/tasks/${id}/reject`, { workerId: 'wrk_a', reason: 'aisle blocked' }, 'operator');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ id, status: 'QUEUED', workerId: null, assignedAt: null });
    await t.settle();
    const [event] = await eventsOf(id, 'tasks.task.rejected.v1');
    expect(event.data).toMatchObject({ taskId: id, siteId: S.sit_rj!, status: 'QUEUED', workerId: null, previousWorkerId: 'wrk_a', reason: 'aisle blocked' });

    // The rejecting worker is not handed it again at once; another worker is.
    expect((await next('wrk_a', S.sit_rj!)).status).toBe(204);
    const other = await next('wrk_b', S.sit_rj!);
    expect(other.body).toMatchObject({ id, status: 'ASSIGNED', workerId: 'wrk_b' });

    // Once the cool-down is over the first worker may get it again.
    const pkl2 = await listCreated(S.sit_rj!);
    const second = await next('wrk_a', S.sit_rj!);
    expect(second.body.reference).toBe(pkl2);
    expect((await t.post(`/api/v1/tasks/${second.body.id}/reject`, { workerId: 'wrk_a' }, 'operator')).status).toBe(200);
    expect((await next('wrk_a', S.sit_rj!)).status).toBe(204);
    clock.advance(5 * 60_000 + 1);
    expect((await next('wrk_a', S.sit_rj!)).body).toMatchObject({ id: second.body.id, workerId: 'wrk_a' });
  });

  it('refuses a task in progress (409 ILLEGAL_TRANSITION), unknown tasks (404), bad input (400) and viewers (403)', async () => {
    await listCreated(S.sit_rj2!);
    const claimed = await next('wrk_c', S.sit_rj2!);
    await t.post(`/api/v1/tasks/${claimed.body.id}/start`, { workerId: 'wrk_c' }, 'operator');
    const started = await t.post(`/api/v1/tasks/${claimed.body.id}/reject`, { workerId: 'wrk_c' }, 'operator');
    expect(started.status).toBe(409);
    expect(started.body.code).toBe('ILLEGAL_TRANSITION');
    expect((await t.get(`/api/v1/tasks/${claimed.body.id}`)).body).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wrk_c' });

    expect((await t.post('/api/v1/tasks/tsk_nope/reject', { workerId: 'wrk_c' }, 'operator')).status).toBe(404);
    const bad = await t.post(`/api/v1/tasks/${claimed.body.id}/reject`, { reason: '', extra: 1 }, 'operator');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/workerId', '/reason', '/extra']));
    expect((await t.post(`/api/v1/tasks/${claimed.body.id}/reject`, { workerId: 'wrk_c' }, 'viewer')).status).toBe(403);
    expect((await t.post(`/api/v1/tasks/${claimed.body.id}/reject`, { workerId: 'wrk_c' }, null)).status).toBe(401);
  });
});

describe('tasks: assignment timeout', () => {
  it('requeues ASSIGNED tasks not started within PAKLOG_TASK_ASSIGN_TIMEOUT_S, leaving started and fresh ones alone', async () => {
    // What the tests above left assigned times out first, so that only this test's tasks count below.
    clock.advance(120_000);
    await tasks.requeueStale();
    await listCreated(S.sit_to!);
    await listCreated(S.sit_to!);
    await listCreated(S.sit_to!);
    const stale = await next('wrk_s', S.sit_to!);
    const started = await next('wrk_t', S.sit_to!);
    await t.post(`/api/v1/tasks/${started.body.id}/start`, { workerId: 'wrk_t' }, 'operator');

    clock.advance(119_000);
    expect(await tasks.requeueStale()).toBe(0);
    expect((await t.get(`/api/v1/tasks/${stale.body.id}`)).body.status).toBe('ASSIGNED');

    const fresh = await next('wrk_u', S.sit_to!);
    clock.advance(2_000);
    expect(await tasks.requeueStale()).toBe(1);
    expect((await t.get(`/api/v1/tasks/${stale.body.id}`)).body).toMatchObject({ status: 'QUEUED', workerId: null });
    expect((await t.get(`/api/v1/tasks/${started.body.id}`)).body).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wrk_t' });
    expect((await t.get(`/api/v1/tasks/${fresh.body.id}`)).body).toMatchObject({ status: 'ASSIGNED', workerId: 'wrk_u' });
    await t.settle();
    const events = await eventsOf(stale.body.id, 'tasks.task.timed-out.v1');
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ taskId: stale.body.id, status: 'QUEUED', workerId: null, previousWorkerId: 'wrk_s' });

    // Nothing more to do: running it again changes nothing and emits nothing.
    expect(await tasks.requeueStale()).toBe(0);
    await t.settle();
    expect(await eventsOf(stale.body.id, 'tasks.task.timed-out.v1')).toHaveLength(1);

    // The task is claimable again, by anyone (a timeout is no rejection).
    expect((await next('wrk_s', S.sit_to!)).body).toMatchObject({ id: stale.body.id, status: 'ASSIGNED', workerId: 'wrk_s' });
  });
});
