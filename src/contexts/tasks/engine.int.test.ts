import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { manualClock } from '../../platform/clock.ts';
import { PickingEvents, type PickListCreated } from '../../contracts/picking.ts';
import type { TaskType } from '../../contracts/tasks.ts';
import type { TasksModule } from './index.ts';
import type { QueueTask } from './service.ts';
import type { Task } from './store.ts';
import { AGEING_STEP_MS } from './domain/ranking.ts';

/**
 * The task engine's rules through the whole app: eligibility by profile, N tasks per worker, pause/resume,
 * interleaving by travel, ageing and due-time escalation, batch assignment, and claimers racing. Tasks are queued
 * through the engine as the contexts' subscriptions queue them; workers claim over HTTP as handhelds do.
 */

let t: TestApp;
const clock = manualClock(new Date());
let engine: TasksModule['engine'];
let n = 0;

/** A site with a generated layout: 6 aisles of 10 bays; `at(aisle, bay)` is a pick face's location id. */
interface Site { id: string; at(aisle: number, bay: number): string; depot: string }

async function site(code: string): Promise<Site> {
  const s = await t.post('/api/v1/sites', { code, name: code });
  expect(s.status).toBe(201);
  expect((await t.post(`/api/v1/sites/${s.body.id}/layout`, { aisles: 6, bays: 10, levels: 1, packStations: 1 })).status).toBeLessThan(300);
  const locations = await t.getAll<{ id: string; type: string; aisle: number | null; bay: number | null }>(`/api/v1/sites/${s.body.id}/locations`);
  const byPlace = new Map(locations.filter((l) => l.type === 'PICK_FACE').map((l) => [`${l.aisle}/${l.bay}`, l.id]));
  const depot = locations.find((l) => l.type === 'DEPOT')!.id;
  return { id: s.body.id, depot, at: (aisle, bay) => byPlace.get(`${aisle}/${bay}`)! };
}

async function queue(siteId: string, spec: Partial<QueueTask> & { priority?: number; type?: TaskType } = {}): Promise<Task> {
  const task = await t.app.db.tx((tx) => engine.queue(tx, { siteId, type: 'PUTAWAY', reference: `ref_${++n}`, waveId: null, priority: 5, ...spec }, {}));
  expect(task).toBeDefined();
  return task!;
}

const next = (workerId: string, siteId: string) => t.post('/api/v1/tasks/next', { workerId, siteId }, 'operator');
const act = (id: string, what: string, workerId: string) => t.post(`/api/v1/tasks/${id}/${what}`, { workerId }, 'operator');
const profile = (workerId: string, body: Record<string, unknown>, role: 'manager' | 'operator' | 'admin' = 'manager') =>
  t.request('PUT', `/api/v1/workers/${workerId}/profile`, { body, role });
const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await t.app.db.query<{ n: string }>(sql, params))[0]!.n);

beforeAll(async () => {
  t = await startTestApp({ clock, env: { PAKLOG_TASK_ASSIGN_TIMEOUT_S: '86400' } });
  engine = (t.app.modules.find((m) => m.name === 'tasks') as TasksModule).engine;
});
afterAll(async () => {
  await t.close();
});

describe('task engine', () => {
  it('gives a worker only tasks they are eligible for by zone, skill and equipment; no profile = only tasks that require nothing', async () => {
    const s = await site('ELIG');
    const zoneB = await queue(s.id, { priority: 1, zone: 'B' });
    const hazmat = await queue(s.id, { priority: 2, requiredSkills: ['hazmat'] });
    const truck = await queue(s.id, { priority: 3, requiredEquipment: ['reach-truck'] });
    const plain = await queue(s.id, { priority: 4 });

    expect((await next('el_none', s.id)).body.id).toBe(plain.id);
    expect((await profile('el_a', { siteId: s.id, zones: ['A'], skills: ['hazmat'] })).status).toBe(200);
    expect((await next('el_a', s.id)).body.id).toBe(hazmat.id);
    expect((await profile('el_any', { siteId: 'ELIG', equipment: ['cart'] })).status).toBe(200);
    expect((await next('el_any', s.id)).body.id).toBe(zoneB.id);
    // Nobody left who may take the reach-truck task: it waits for a worker with one.
    expect((await next('el_none2', s.id)).status).toBe(204);
    await profile('el_truck', { siteId: s.id, zones: ['A', 'B'], equipment: ['reach-truck', 'cart'] });
    expect((await next('el_truck', s.id)).body.id).toBe(truck.id);
    expect((await t.get(`/api/v1/tasks/${truck.id}`)).body).toMatchObject({ requiredEquipment: ['reach-truck'], zone: null, requiredSkills: [] });
  });

  it('lets a worker hold at most maxTasks (default 1); `next` gives back an ASSIGNED task first, and the held one at the limit', async () => {
    const s = await site('NMAX');
    const [a, b, c] = [await queue(s.id), await queue(s.id), await queue(s.id)];
    await profile('n_two', { siteId: s.id, maxTasks: 2 });
    expect((await next('n_two', s.id)).body.id).toBe(a.id);
    expect((await next('n_two', s.id)).body.id).toBe(a.id); // a double tap does not claim a second one
    await act(a.id, 'start', 'n_two');
    expect((await next('n_two', s.id)).body.id).toBe(b.id);
    await act(b.id, 'start', 'n_two');
    expect((await next('n_two', s.id)).body.id).toBe(a.id); // at the limit: the task they hold
    expect(await count(`SELECT count(*) AS n FROM tasks.tasks WHERE worker_id = 'n_two' AND status IN ('ASSIGNED', 'IN_PROGRESS')`)).toBe(2);
    // No profile: one task.
    expect((await next('n_one', s.id)).body.id).toBe(c.id);
    await act(c.id, 'start', 'n_one');
    expect((await next('n_one', s.id)).body.id).toBe(c.id);
    await queue(s.id);
    expect((await next('n_one', s.id)).body.id).toBe(c.id);
    expect(await count(`SELECT count(*) AS n FROM tasks.tasks WHERE worker_id = 'n_one'`)).toBe(1);
  });

  it('pauses and resumes a task of its worker; a paused task does not count toward the limit, a resumed one does', async () => {
    const s = await site('PAUS');
    const a = await queue(s.id, { priority: 1 });
    const b = await queue(s.id, { priority: 2 });
    expect((await next('p_w', s.id)).body.id).toBe(a.id);
    const early = await act(a.id, 'pause', 'p_w');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('ILLEGAL_TRANSITION');
    await act(a.id, 'start', 'p_w');
    expect((await act(a.id, 'pause', 'p_other')).body.code).toBe('TASK_NOT_ASSIGNED_TO_WORKER');
    const paused = await act(a.id, 'pause', 'p_w');
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'PAUSED', workerId: 'p_w' });
    expect((await act(a.id, 'pause', 'p_w')).body.version).toBe(paused.body.version); // repeated: unchanged
    // Paused: the worker may take other work.
    expect((await next('p_w', s.id)).body.id).toBe(b.id);
    await act(b.id, 'start', 'p_w');
    const full = await act(a.id, 'resume', 'p_w');
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('TASK_LIMIT_REACHED');
    expect((await t.get(`/api/v1/tasks/${a.id}`)).body.status).toBe('PAUSED');
    await act(b.id, 'complete', 'p_w');
    const resumed = await act(a.id, 'resume', 'p_w');
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('IN_PROGRESS');
    expect((await act(a.id, 'complete', 'p_w')).body.status).toBe('COMPLETED');
    await t.settle();
    const types = (await t.get(`/api/v1/events?subject=${a.id}`)).body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['tasks.task.created.v1', 'tasks.task.assigned.v1', 'tasks.task.started.v1', 'tasks.task.paused.v1',
      'tasks.task.resumed.v1', 'tasks.task.completed.v1']);
  });

  it('interleaves: among equally urgent tasks the nearest to where the worker stands, never a less urgent one over a more urgent one', async () => {
    const s = await site('INTL');
    await profile('i_w', { siteId: s.id, locationId: s.at(6, 9) });
    const oldFar = await queue(s.id, { locationId: s.at(1, 2), endLocationId: s.at(1, 2) });
    clock.advance(1000);
    const near = await queue(s.id, { locationId: s.at(6, 8), endLocationId: s.at(1, 1) });
    clock.advance(1000);
    await queue(s.id, { locationId: s.at(3, 5) });
    const claimed = await next('i_w', s.id);
    expect(claimed.body.id).toBe(near.id);
    await act(near.id, 'start', 'i_w');
    clock.advance(1000);
    await act(near.id, 'complete', 'i_w');
    // Now standing at aisle 1 bay 1 (the end of that task): the old one at aisle 1 bay 2 is nearest.
    expect((await t.get('/api/v1/workers/i_w/profile')).body.position).toBe(s.at(1, 1));
    expect((await next('i_w', s.id)).body.id).toBe(oldFar.id);
    await act(oldFar.id, 'start', 'i_w');
    await act(oldFar.id, 'complete', 'i_w');
    // Priority wins over distance: a priority-1 task far away before a priority-5 one where they stand.
    const urgentFar = await queue(s.id, { priority: 1, locationId: s.at(6, 10) });
    await queue(s.id, { priority: 5, locationId: s.at(1, 2) });
    expect((await next('i_w', s.id)).body.id).toBe(urgentFar.id);
  });

  it('ages waiting tasks one priority step per 15 minutes, and escalates a task due within 30 minutes above all', async () => {
    const s = await site('AGE');
    const old5 = await queue(s.id, { priority: 5 });
    clock.advance(4 * AGEING_STEP_MS + 1000); // old5 now counts as priority 1, and it is older
    const fresh1 = await queue(s.id, { priority: 1 });
    const fresh2 = await queue(s.id, { priority: 2 });
    const due = await queue(s.id, { priority: 9, dueAt: new Date(clock.now().getTime() + 20 * 60_000) });
    const dueLater = await queue(s.id, { priority: 9, dueAt: new Date(clock.now().getTime() + 45 * 60_000) });
    expect((await next('age_1', s.id)).body.id).toBe(due.id);
    expect((await next('age_2', s.id)).body.id).toBe(old5.id);
    expect((await next('age_3', s.id)).body.id).toBe(fresh1.id);
    clock.advance(20 * 60_000); // dueLater is now 25 minutes away: escalated
    expect((await next('age_4', s.id)).body.id).toBe(dueLater.id);
    expect((await next('age_5', s.id)).body.id).toBe(fresh2.id);
    expect((await t.get(`/api/v1/tasks/${due.id}`)).body.dueAt).toBe(due.dueAt);
  });

  it('assigns a batch of idle workers in one go with the least total walk, each to a task they may take, none to a busy worker', async () => {
    const s = await site('BATCH');
    await profile('b_1', { siteId: s.id, locationId: s.at(1, 5) });
    await profile('b_3', { siteId: s.id, locationId: s.at(3, 5) });
    await profile('b_5', { siteId: s.id, locationId: s.at(5, 5) });
    await profile('b_busy', { siteId: s.id });
    await profile('b_zone', { siteId: s.id, zones: ['Z'] });
    const busy = await queue(s.id, { priority: 1 });
    expect((await next('b_busy', s.id)).body.id).toBe(busy.id);
    // Queue order is the worst pairing (aisle 5 task first for the worker in aisle 1 …).
    const t5 = await queue(s.id, { locationId: s.at(5, 6), zone: 'A' });
    const t1 = await queue(s.id, { locationId: s.at(1, 6), zone: 'A' });
    const t3 = await queue(s.id, { locationId: s.at(3, 6), zone: 'A' });
    // Less urgent: left over, although b_5 could take it (three workers who may, four tasks).
    const zoned = await queue(s.id, { priority: 9, zone: 'Q' });
    const res = await t.post('/api/v1/tasks/assign-batch', { siteId: 'BATCH', workerIds: ['b_1', 'b_3', 'b_5', 'b_busy', 'b_zone'] }, 'manager');
    expect(res.status).toBe(200);
    const by = new Map(res.body.items.map((i: { workerId: string }) => [i.workerId, i]));
    // Each worker walks one bay (1.2 m) to the task beside them.
    expect(by.get('b_1')).toMatchObject({ task: { id: t1.id, status: 'ASSIGNED', workerId: 'b_1' }, travel: 1.2 });
    expect(by.get('b_3')).toMatchObject({ task: { id: t3.id }, travel: 1.2 });
    expect(by.get('b_5')).toMatchObject({ task: { id: t5.id }, travel: 1.2 });
    expect(by.get('b_busy')).toMatchObject({ task: null, reason: 'BUSY' });
    expect(by.get('b_zone')).toMatchObject({ task: null, reason: 'NO_ELIGIBLE_TASK' });
    expect((await t.get(`/api/v1/tasks/${zoned.id}`)).body.status).toBe('QUEUED');
    await t.settle();
    expect(await count(`SELECT count(*) AS n FROM platform.events WHERE type = 'tasks.task.assigned.v1' AND site_id = $1`, [s.id])).toBe(4);
    // Supervisors only.
    expect((await t.post('/api/v1/tasks/assign-batch', { siteId: s.id, workerIds: ['b_1'] }, 'operator')).status).toBe(403);
  });

  it('never offers a task to the worker it excludes (a recount, the first counter) in any letter case, by next or by batch; anyone else may take it', async () => {
    const s = await site('EXCL');
    const recount = await queue(s.id, { type: 'COUNT', reference: 'cnt_excl:recount', locationId: s.at(2, 2), excludedWorkerId: 'x_carl' });
    const res = await next('x_carl', s.id);
    expect([res.status, res.body]).toEqual([204, '']);
    const batch = await t.post('/api/v1/tasks/assign-batch', { siteId: s.id, workerIds: ['x_carl'] }, 'manager');
    expect(batch.body.items).toEqual([{ workerId: 'x_carl', task: null, reason: 'NO_ELIGIBLE_TASK' }]);
    // A worker id ignores letter case (ADR 0019): X_CARL, whom nothing knows yet (taken as typed), is x_carl all the same.
    const typed = await next('X_CARL', s.id);
    expect([typed.status, typed.body]).toEqual([204, '']);
    const typedBatch = await t.post('/api/v1/tasks/assign-batch', { siteId: s.id, workerIds: ['X_Carl'] }, 'manager');
    expect(typedBatch.body.items).toEqual([{ workerId: 'X_Carl', task: null, reason: 'NO_ELIGIBLE_TASK' }]);
    expect((await next('x_dora', s.id)).body).toMatchObject({ id: recount.id, status: 'ASSIGNED', workerId: 'x_dora' });
  });

  it('a worker id ignores letter case between tasks: one who completed their task and holds nothing is still known as typed first (ADR 0019)', async () => {
    const s = await site('DONECASE');
    const task = await queue(s.id, { type: 'COUNT', locationId: s.at(1, 4) });
    expect((await next('Lia_Done', s.id)).body).toMatchObject({ id: task.id, workerId: 'Lia_Done' });
    expect((await act(task.id, 'start', 'Lia_Done')).status).toBe(200);
    expect((await act(task.id, 'complete', 'Lia_Done')).status).toBe(200);
    expect(await count(`SELECT count(*) AS n FROM tasks.tasks WHERE worker_id = 'Lia_Done' AND status = 'COMPLETED'`)).toBe(1);
    // Nothing live, no profile, no user: the handheld's next claim typed LIA_DONE is Lia_Done (before: unknown, taken
    // as typed, a second worker as soon as the process's one-minute memory of the id lapsed).
    const tasks = t.app.modules.find((m) => m.name === 'tasks') as TasksModule;
    expect(await tasks.workerNamed!('LIA_DONE')).toBe('Lia_Done');
    expect(await tasks.workerNamed!('lia_nobody')).toBeUndefined();
  });

  it('keeps worker profiles: managers write them, operators may not; unknown sites and locations are 422 and change nothing', async () => {
    const s = await site('PROF');
    const other = await site('PROF2');
    expect((await profile('pr_w', { siteId: s.id }, 'operator')).status).toBe(403);
    const bad = await profile('pr_w', { siteId: s.id, locationId: other.at(1, 1) });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('UNKNOWN_LOCATION');
    expect((await profile('pr_w', { siteId: 'NOPE' })).body.code).toBe('UNKNOWN_SITE');
    expect((await profile('pr_w', { siteId: s.id, maxTasks: 0 })).status).toBe(400);
    expect((await t.get('/api/v1/workers/pr_w/profile', 'operator')).status).toBe(404);
    const saved = await profile('pr_w', { siteId: s.id, zones: ['A'], skills: ['count'], equipment: ['cart'], maxTasks: 3, locationId: s.depot });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ workerId: 'pr_w', siteId: s.id, zones: ['A'], skills: ['count'], equipment: ['cart'], maxTasks: 3, locationId: s.depot, position: s.depot, version: 1 });
    expect((await t.get('/api/v1/workers/pr_w/profile', 'operator')).body).toMatchObject({ maxTasks: 3 });
    expect((await t.get('/api/v1/workers/pr_w/profile', 'viewer')).status).toBe(403);
    // A person signed in as an operator reads their own profile only.
    const password = 'a long enough password for the profile test';
    expect((await t.post('/api/v1/users', { username: 'pr_person', password, grants: [{ siteId: '*', role: 'operator' }] })).status).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'pr_person', password } });
    const asPerson = { authorization: `Bearer ${session.body.accessToken}` };
    await profile('pr_person', { siteId: s.id });
    const notOwn = await t.request('GET', '/api/v1/workers/pr_w/profile', { role: null, headers: asPerson });
    expect(notOwn.status).toBe(403);
    expect(notOwn.body.code).toBe('ACTING_AS_ANOTHER_WORKER');
    expect((await t.request('GET', '/api/v1/workers/pr_person/profile', { role: null, headers: asPerson })).status).toBe(200);
    await t.settle();
    expect(await count(`SELECT count(*) AS n FROM platform.events WHERE type = 'tasks.worker.profile-changed.v1' AND subject = 'pr_w'`)).toBe(1);
  });

  it('a worker id ignores letter case on GET /workers/{id}/profile: ANNA reads anna\'s profile, and the signed-in anna reads her own as ANNA (was 403/404; ux6)', async () => {
    const s = await site('PRGET');
    expect((await profile('prg_w', { siteId: s.id, zones: ['A'], locationId: s.depot })).status).toBe(200);
    const byManager = await t.get('/api/v1/workers/PRG_W/profile');
    expect(byManager.status).toBe(200);
    expect(byManager.body).toMatchObject({ workerId: 'prg_w', zones: ['A'], position: s.depot });
    const password = 'a long enough password for the profile case test';
    expect((await t.post('/api/v1/users', { username: 'prg_anna', password, grants: [{ siteId: '*', role: 'operator' }] })).status).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'prg_anna', password } });
    const asAnna = { authorization: `Bearer ${session.body.accessToken}` };
    await profile('prg_anna', { siteId: s.id, maxTasks: 2 });
    for (const id of ['PRG_ANNA', 'Prg_Anna', 'prg_anna']) {
      const own = await t.request('GET', `/api/v1/workers/${id}/profile`, { role: null, headers: asAnna });
      expect(own.status, id).toBe(200);
      expect(own.body).toMatchObject({ workerId: 'prg_anna', maxTasks: 2 });
    }
    // A colleague stays a colleague in any letter case.
    const notOwn = await t.request('GET', '/api/v1/workers/PRG_W/profile', { role: null, headers: asAnna });
    expect(notOwn.status).toBe(403);
    expect(notOwn.body.code).toBe('ACTING_AS_ANOTHER_WORKER');
  });

  it('a worker id ignores letter case: a profile for PR_W while pr_w has one is 409 DUPLICATE naming pr_w, not a second worker; nothing written (found by the black-box suite)', async () => {
    const s = await site('PRCASE');
    expect((await profile('pr_case', { siteId: s.id, zones: ['A'] })).status).toBe(200);
    await t.settle();
    for (const id of ['PR_CASE', 'Pr_Case']) {
      const res = await profile(id, { siteId: s.id, zones: ['B'] });
      expect([res.status, res.body.code, res.body.errors], id).toEqual([409, 'DUPLICATE', [{ field: '/params/id', message: 'is worker pr_case (worker ids ignore letter case)' }]]);
    }
    // Concurrent creates of one worker in two cases: one profile.
    const raced = await Promise.all(['pr_race', 'PR_RACE'].map((id) => profile(id, { siteId: s.id })));
    expect(raced.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await count(`SELECT count(*) AS n FROM tasks.workers WHERE lower(worker_id) IN ('pr_case', 'pr_race')`)).toBe(2);
    expect((await profile('pr_case', { siteId: s.id, zones: ['C'] })).body).toMatchObject({ workerId: 'pr_case', zones: ['C'], version: 2 });
  });

  it('starts and ends a PICK task where its pick list\'s first and last stops are, when the list says', async () => {
    const s = await site('PKL');
    const pickListId = `pkl_engine${++n}`;
    const data: PickListCreated = {
      pickListId, waveId: 'wav_e', siteId: s.id, orderIds: ['ord_e'], lineCount: 2, routeLength: 12, priority: 3,
      firstLocationId: s.at(2, 1), lastLocationId: s.at(2, 9),
    };
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId: s.id, data }]));
    await t.settle();
    const task = (await t.get(`/api/v1/tasks?siteId=${s.id}`)).body.items.find((x: { reference: string }) => x.reference === pickListId);
    expect(task).toMatchObject({ type: 'PICK', locationId: s.at(2, 1), endLocationId: s.at(2, 9), priority: 3 });
  });

  it('100 claimers racing for 60 tasks: no task is ever held by two workers (database and events), no worker holds two', async () => {
    const s = await site('RACE');
    for (let i = 0; i < 60; i++) await queue(s.id, { locationId: s.at(1 + (i % 6), 1 + (i % 10)), priority: 1 + (i % 3) });
    // Half the racers stand somewhere (interleaving on), half do not.
    for (let i = 0; i < 50; i++) await profile(`race_${i}`, { siteId: s.id, locationId: s.at(1 + (i % 6), 10) });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => next(`race_${i}`, s.id)));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(60);
    expect(results.filter((r) => r.status === 204)).toHaveLength(40);
    expect(new Set(won.map((r) => String(r.body.id))).size).toBe(60);
    expect(new Set(won.map((r) => String(r.body.workerId))).size).toBe(60);
    const rows = await t.app.db.query<{ id: string; worker_id: string; status: string }>(`SELECT id, worker_id, status FROM tasks.tasks WHERE site_id = $1`, [s.id]);
    expect(rows.every((r) => r.status === 'ASSIGNED')).toBe(true);
    expect(new Set(rows.map((r) => r.worker_id)).size).toBe(60);
    await t.settle();
    const events = await t.app.db.query<{ subject: string; worker: string }>(
      `SELECT subject, envelope->'data'->>'workerId' AS worker FROM platform.events WHERE type = 'tasks.task.assigned.v1' AND site_id = $1`, [s.id]);
    expect(events).toHaveLength(60);
    expect(new Set(events.map((e) => e.subject)).size).toBe(60);
    const dbWorker = new Map(rows.map((r) => [r.id, r.worker_id]));
    for (const e of events) expect(e.worker).toBe(dbWorker.get(e.subject));
  });
});
