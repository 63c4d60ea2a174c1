import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { TaskType } from '../../contracts/tasks.ts';
import { PickingEvents, type PickListCompleted, type PickListCreated } from '../../contracts/picking.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import { candidateParams, ESCALATED_SQL, LIST_SQL, PEEK_SQL, RANKED_SQL, taskStore } from './store.ts';
import { AGEING_STEP_MIN } from './domain/ranking.ts';

let t: TestApp;
/** The sites the tests use, by code; filled with their ids. */
const S: Record<string, string> = {};
let n = 0;

beforeAll(async () => {
  t = await startTestApp();
  for (const code of ['sit_a', 'sit_b', 'sit_c', 'sit_d', 'sit_e', 'sit_f', 'sit_plan', 'sit_race', 'sit_types', 'sit_moves']) {
    const site = await t.post('/api/v1/sites', { code, name: code });
    expect(site.status).toBe(201);
    S[code] = site.body.id;
  }
});
afterAll(async () => {
  await t.close();
});

/** Publishes a "pick list created" as picking would, and waits until tasks has queued it. */
async function listCreated(siteId: string, priority = 0): Promise<string> {
  const pickListId = `pkl_test${String(++n).padStart(4, '0')}`;
  const data: PickListCreated = { pickListId, waveId: 'wav_test', siteId, orderIds: [`ord_${n}`], lineCount: 1, routeLength: null, priority };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId, data }]));
  await t.settle();
  return pickListId;
}

async function taskOf(pickListId: string, siteId: string): Promise<any> {
  const res = await t.get(`/api/v1/tasks?siteId=${siteId}`);
  return res.body.items.find((x: any) => x.reference === pickListId);
}

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  (await t.app.db.query<{ n: number }>(sql, params))[0]!.n;

describe('tasks', () => {
  it('queues a PICK task per created pick list, once even when the event is delivered twice', async () => {
    const pkl = await listCreated(S.sit_a!, 5);
    const task = await taskOf(pkl, S.sit_a!);
    expect(task).toMatchObject({ type: 'PICK', status: 'QUEUED', reference: pkl, siteId: S.sit_a!, waveId: 'wav_test', priority: 5, workerId: null });
    expect(task.id).toMatch(/^tsk_/);
    const [event] = await t.app.db.query<{ envelope: any }>(`SELECT envelope FROM platform.events WHERE subject = $1`, [pkl]);
    expect(await t.app.bus.deliver('tasks', event!.envelope)).toBe('duplicate');
    expect(await count(`SELECT count(*) AS n FROM tasks.tasks WHERE reference = $1`, [pkl])).toBe(1);
    const created = await t.get(`/api/v1/events?subject=${task.id}&type=tasks.task.created.v1`);
    expect(created.body.items).toHaveLength(1);
  });

  it('runs the happy path: next → start → complete, with events, and gives a reconnecting worker its task back', async () => {
    // Priority 1 is the most urgent, as on orders.
    const low = await listCreated(S.sit_b!, 9);
    const high = await listCreated(S.sit_b!, 1);
    const next = await t.post('/api/v1/tasks/next', { workerId: 'wrk_1', siteId: S.sit_b! }, 'operator');
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ reference: high, status: 'ASSIGNED', workerId: 'wrk_1' });
    const again = await t.post('/api/v1/tasks/next', { workerId: 'wrk_1', siteId: S.sit_b! }, 'operator');
    expect(again.body.id).toBe(next.body.id);

    const started = await t.post(`/api/v1/tasks/${next.body.id}/start`, { workerId: 'wrk_1' }, 'operator');
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('IN_PROGRESS');
    const restarted = await t.post(`/api/v1/tasks/${next.body.id}/start`, { workerId: 'wrk_1' }, 'operator');
    expect(restarted.status).toBe(200);
    expect(restarted.body.version).toBe(started.body.version);
    const done = await t.post(`/api/v1/tasks/${next.body.id}/complete`, { workerId: 'wrk_1' }, 'operator');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED', workerId: 'wrk_1' });
    expect(done.body.completedAt).not.toBeNull();

    const types = (await t.get(`/api/v1/events?subject=${next.body.id}`)).body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['tasks.task.created.v1', 'tasks.task.assigned.v1', 'tasks.task.started.v1', 'tasks.task.completed.v1']);

    // The worker is free again and gets the remaining, less urgent task.
    const second = await t.post('/api/v1/tasks/next', { workerId: 'wrk_1', siteId: S.sit_b! }, 'operator');
    expect(second.body.reference).toBe(low);
    // Nothing queued and nothing held: answered by one plain read, no transaction, no lock of the worker. (A handheld
    // polls: its first call of the minute also looks its worker id up ignoring letter case, ADR 0019's last addendum;
    // the polls after it are the one read.)
    expect((await t.post('/api/v1/tasks/next', { workerId: 'wrk_2', siteId: S.sit_b! }, 'operator')).status).toBe(204);
    const { value: none, statements } = await t.app.db.countStatements(() => t.post('/api/v1/tasks/next', { workerId: 'wrk_2', siteId: S.sit_b! }, 'operator'));
    expect(none.status).toBe(204);
    expect(none.body).toBe('');
    expect(statements.filter((q) => !q.includes('platform.api_keys'))).toEqual([expect.stringMatching(/^SELECT EXISTS/)]);
    // With the queue empty, a worker who holds a task still gets it back.
    expect((await t.post('/api/v1/tasks/next', { workerId: 'wrk_1', siteId: S.sit_b! }, 'operator')).body.id).toBe(second.body.id);
  });

  it('claims only the requested task types', async () => {
    await listCreated(S.sit_types!);
    const res = await t.post('/api/v1/tasks/next', { workerId: 'wrk_types', siteId: S.sit_types!, types: ['COUNT'] }, 'operator');
    expect(res.status).toBe(204);
  });

  it('completes the task of a completed pick list from ASSIGNED, and cancels one nobody claimed', async () => {
    const claimedList = await listCreated(S.sit_c!, 1);
    const idleList = await listCreated(S.sit_c!, 2);
    const claimed = await t.post('/api/v1/tasks/next', { workerId: 'wrk_c', siteId: S.sit_c! }, 'operator');
    expect(claimed.body.reference).toBe(claimedList);
    for (const pickListId of [claimedList, idleList]) {
      const data: PickListCompleted = { pickListId, waveId: 'wav_test', siteId: S.sit_c!, orderIds: [], status: 'COMPLETED' };
      await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCompleted, subject: pickListId, siteId: S.sit_c!, data }]));
    }
    await t.settle();
    expect((await t.get(`/api/v1/tasks/${claimed.body.id}`)).body.status).toBe('COMPLETED');
    expect((await taskOf(idleList, S.sit_c!)).status).toBe('CANCELLED');
    // The handheld completing it afterwards gets the completed task back, once, with no second event.
    const completedEvents = async () => (await t.get(`/api/v1/events?type=tasks.task.completed.v1&subject=${claimed.body.id}`)).body.items.length;
    expect(await completedEvents()).toBe(1);
    const again = await t.post(`/api/v1/tasks/${claimed.body.id}/complete`, { workerId: 'wrk_c' }, 'operator');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('COMPLETED');
    await t.settle();
    expect(await completedEvents()).toBe(1);
    // Another worker still may not touch it; a cancelled task cannot be started.
    expect((await t.post(`/api/v1/tasks/${claimed.body.id}/complete`, { workerId: 'wrk_x' }, 'operator')).body.code).toBe('TASK_NOT_ASSIGNED_TO_WORKER');
  });

  it('finishes a queued task by its work\'s event in one statement, with its event; a finished one again in one statement, no event (issue 18 a)', async () => {
    const list = await listCreated(S.sit_c!, 3);
    const task = await taskOf(list, S.sit_c!);
    const completed = async (): Promise<Map<string, number>> => {
      const tally = new Map<string, number>();
      t.app.db.statementTally = tally;
      try {
        const data: PickListCompleted = { pickListId: list, waveId: 'wav_test', siteId: S.sit_c!, orderIds: [], status: 'COMPLETED' };
        // Twice, as two events (a list's completion heard again after a replay): the second finds it finished.
        await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCompleted, subject: list, siteId: S.sit_c!, data }]));
        await t.settle();
      } finally {
        t.app.db.statementTally = undefined;
      }
      return tally;
    };
    const taskStatements = (tally: Map<string, number>) => [...tally.entries()]
      .filter(([q]) => /FROM tasks\.tasks WHERE type = \$1 AND reference = \$2|^UPDATE tasks\.tasks\s+SET status = \$2/.test(q.trim()))
      .map(([q, k]) => [q.trim().slice(0, 20), k]);
    // One statement locks and moves it (was a locked read, then the write).
    expect(taskStatements(await completed())).toEqual([['WITH cur AS (\n      ', 1]]);
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'CANCELLED', version: task.version + 1 });
    const cancelled = async () => (await t.get(`/api/v1/events?type=tasks.task.cancelled.v1&subject=${task.id}`)).body.items.length;
    expect(await cancelled()).toBe(1);
    // Finished already: the same one statement, which moves nothing; no second event.
    expect(taskStatements(await completed())).toEqual([['WITH cur AS (\n      ', 1]]);
    expect(await cancelled()).toBe(1);
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.version).toBe(task.version + 1);
  });

  it('refuses another worker (409 TASK_NOT_ASSIGNED_TO_WORKER) and illegal moves (409 ILLEGAL_TRANSITION), changing nothing', async () => {
    await listCreated(S.sit_d!);
    const claimed = await t.post('/api/v1/tasks/next', { workerId: 'wrk_d', siteId: S.sit_d! }, 'operator');
    const other = await t.post(`/api/v1/tasks/${claimed.body.id}/start`, { workerId: 'wrk_other' }, 'operator');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('TASK_NOT_ASSIGNED_TO_WORKER');
    const early = await t.post(`/api/v1/tasks/${claimed.body.id}/complete`, { workerId: 'wrk_d' }, 'operator');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('ILLEGAL_TRANSITION');
    const task = (await t.get(`/api/v1/tasks/${claimed.body.id}`)).body;
    expect(task).toMatchObject({ status: 'ASSIGNED', workerId: 'wrk_d', version: claimed.body.version });
  });

  it('rejects bad input with 400 naming the fields, and writes nothing', async () => {
    const pkl = await listCreated(S.sit_e!);
    const before = await count(`SELECT count(*) AS n FROM platform.events`);
    const res = await t.post('/api/v1/tasks/next', { workerId: '', types: ['DANCE'], extra: 1 }, 'operator');
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/workerId', '/siteId', '/types/0', '/extra']));
    const start = await t.post(`/api/v1/tasks/tsk_x/start`, {}, 'operator');
    expect(start.status).toBe(400);
    expect(start.body.errors.map((e: { field: string }) => e.field)).toContain('/workerId');
    expect((await taskOf(pkl, S.sit_e!)).status).toBe('QUEUED');
    expect(await count(`SELECT count(*) AS n FROM platform.events`)).toBe(before);
  });

  it('answers 404 for unknown tasks', async () => {
    expect((await t.get('/api/v1/tasks/tsk_nope')).status).toBe(404);
    const res = await t.post('/api/v1/tasks/tsk_nope/start', { workerId: 'wrk_1' }, 'operator');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('requires a key (401) and a floor role (403 for viewer) to claim; viewer may read', async () => {
    expect((await t.post('/api/v1/tasks/next', { workerId: 'w', siteId: 's' }, null)).status).toBe(401);
    expect((await t.post('/api/v1/tasks/next', { workerId: 'w', siteId: 's' }, 'viewer')).status).toBe(403);
    expect((await t.post('/api/v1/tasks/next', { workerId: 'w', siteId: 's' }, 'integration')).status).toBe(403);
    expect((await t.get('/api/v1/tasks', 'viewer')).status).toBe(200);
  });

  it('lists with filters and a cursor', async () => {
    await listCreated(S.sit_f!);
    await listCreated(S.sit_f!);
    await listCreated(S.sit_f!);
    const page1 = await t.get('/api/v1/tasks?siteId=sit_f&status=QUEUED&limit=2');
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toBe(page1.body.items[1].id);
    const page2 = await t.get(`/api/v1/tasks?siteId=sit_f&status=QUEUED&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    expect((await t.get('/api/v1/tasks?siteId=sit_f&type=PICK')).body.items).toHaveLength(3);
    expect((await t.get('/api/v1/tasks?siteId=sit_f&type=COUNT')).body.items).toEqual([]);
    const bad = await t.get('/api/v1/tasks?siteId=sit_f&type=NAP');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/querystring/type');
  });

  it('claims through the queue indexes: escalated tasks by due time, the rest by effective priority, without sorting the queue', async () => {
    // The claim's SELECTs (store.ts ESCALATED_SQL, RANKED_SQL, PEEK_SQL) with the parameters a claim passes, planned for
    // these values (custom) and as the generic plan a prepared statement keeps: they are prepared (ADR 0042 addendum).
    const explain = (sql: string, generic: boolean, types: TaskType[] | null = null) => t.app.db.tx(async (tx) => {
      await tx.query(`SET LOCAL enable_seqscan = off`);
      const params = candidateParams({
        siteId: S.sit_plan!, workerId: 'wrk_plan', types, eligibility: { zones: [], skills: [], equipment: [] }, now: new Date(),
        rejectCooldownMs: 300_000, dueWindowMs: 1_800_000, escalated: false, limit: 8,
      });
      if (!generic) return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).map((r) => r['QUERY PLAN']).join('\n');
      await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await tx.query(`PREPARE claim_plan AS ${sql}`);
      const literal = (v: unknown): string => {
        if (v === null) return 'NULL';
        const text = v instanceof Date ? v.toISOString() : Array.isArray(v) ? `{${v.join(',')}}` : typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
        return `'${text.replaceAll("'", "''")}'`;
      };
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE claim_plan(${params.map(literal).join(', ')})`);
      await tx.query('DEALLOCATE claim_plan');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    for (const generic of [false, true]) {
      for (const types of [null, ['PICK'] satisfies TaskType[]]) {
        const ranked = await explain(RANKED_SQL, generic, types);
        expect(ranked).toContain('tasks_rank_idx');
        expect(ranked).not.toMatch(/Sort/);
        const peek = await explain(PEEK_SQL, generic, types);
        expect(peek).toContain('tasks_rank_idx');
        expect(peek).toContain('tasks_due_idx');
        expect(peek).not.toMatch(/Sort/);
        const escalated = await explain(ESCALATED_SQL, generic, types);
        expect(escalated).toContain('tasks_due_idx');
        expect(escalated).not.toMatch(/Sort/);
      }
    }
  });

  it('a task list by worker (any letter case, ADR 0019) reads the case-folded worker index, not every task', async () => {
    const plan = await t.app.db.tx(async (tx) => {
      await tx.query(`SET LOCAL enable_seqscan = off`);
      return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${LIST_SQL}`, [null, null, 'WRK_PLAN', null, 100, null])).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('tasks_worker_lower_idx');
  });

  it('the claim\'s read of the queue and its "may have work" probe are prepared statements, not planned on every call', async () => {
    const prepared = await t.app.db.tx(async (tx) => {
      const q = {
        siteId: S.sit_plan!, workerId: 'wrk_prep', types: null, eligibility: { zones: [], skills: [], equipment: [] }, now: new Date(),
        rejectCooldownMs: 300_000, dueWindowMs: 1_800_000, limit: 8,
      };
      await taskStore.peek(tx, q);
      await taskStore.mayHaveWork(tx, S.sit_plan!, 'wrk_prep', null);
      return tx.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%tasks.tasks%'`);
    });
    expect(prepared.map((p) => p.statement)).toEqual(expect.arrayContaining([PEEK_SQL, expect.stringMatching(/^SELECT EXISTS \(SELECT 1 FROM tasks\.tasks WHERE site_id = \$1 AND status = 'QUEUED'/)]));
  });

  it('a work event\'s locked read and move of its task (by reference, optional round) are prepared statements, not planned on every call', async () => {
    const prepared = await t.app.db.tx(async (tx) => {
      await taskStore.byReference(tx, 'PICK', 'pkl_prepared_none');
      await taskStore.moveByReference(tx, 'PICK', 'pkl_prepared_none', 2, { QUEUED: 'CANCELLED' }, new Date());
      return tx.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%tasks.tasks%'`);
    });
    const statements = prepared.map((p) => p.statement.replace(/\s+/g, ' ').trim());
    expect(statements).toEqual(expect.arrayContaining([
      expect.stringMatching(/^SELECT .* FROM tasks\.tasks WHERE type = \$1 AND reference = \$2 AND \(round <= \$3::int OR \$3::int IS NULL\) ORDER BY round DESC LIMIT 1 FOR UPDATE$/),
      expect.stringMatching(/^WITH cur AS \( SELECT .* FROM tasks\.tasks WHERE type = \$1 AND reference = \$2/),
    ]));
  });

  it('starts and completes in one statement with its event (no BEGIN); inside an Idempotency-Key it joins the key\'s transaction', async () => {
    await listCreated(S.sit_moves!);
    const claimed = await t.post('/api/v1/tasks/next', { workerId: 'wrk_m', siteId: S.sit_moves! }, 'operator');
    const { value: started, statements } = await t.app.db.countStatements(() => t.post(`/api/v1/tasks/${claimed.body.id}/start`, { workerId: 'wrk_m' }, 'operator'));
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'IN_PROGRESS', workerId: 'wrk_m', version: claimed.body.version + 1 });
    // The start's one statement first, no BEGIN before it; the outbox relay's own transaction, publishing its event, may
    // follow it inside the window (it did at once in CI: a second statement `BEGIN; SET LOCAL …` of the relay's).
    const own = statements.filter((q) => !q.includes('platform.api_keys'));
    expect(own.filter((q) => q.includes('tasks.tasks'))).toHaveLength(1);
    expect(own.slice(1).every((q) => !q.includes('UPDATE tasks.tasks') && !q.includes('INSERT INTO platform.outbox'))).toBe(true);
    expect(own[0]).toMatch(/UPDATE tasks\.tasks[\s\S]*INSERT INTO platform\.outbox[\s\S]*INSERT INTO platform\.events/);
    await t.settle();
    const [event] = (await t.get(`/api/v1/events?subject=${claimed.body.id}&type=tasks.task.started.v1`)).body.items;
    expect(event).toMatchObject({
      siteid: S.sit_moves!, source: 'tasks', subject: claimed.body.id,
      data: { taskId: claimed.body.id, siteId: S.sit_moves!, type: 'PICK', reference: claimed.body.reference, waveId: 'wav_test', workerId: 'wrk_m', status: 'IN_PROGRESS' },
    });
    const headers = { 'idempotency-key': `complete-${claimed.body.id}` };
    const keyed = await t.app.db.countStatements(() => t.post(`/api/v1/tasks/${claimed.body.id}/complete`, { workerId: 'wrk_m' }, 'operator', headers));
    expect(keyed.value.status).toBe(200);
    const sent = keyed.statements.filter((q) => !q.includes('platform.api_keys'));
    // The key, the move with its event and the stored answer: one transaction (the relay's own may follow it).
    expect(sent[0]).toBe('BEGIN');
    const unit = sent.slice(0, sent.indexOf('COMMIT'));
    expect(unit.filter((q) => q.includes('UPDATE tasks.tasks'))).toHaveLength(1);
    expect(unit.filter((q) => q.includes('platform.idempotency_keys'))).toHaveLength(2);
    const replayed = await t.post(`/api/v1/tasks/${claimed.body.id}/complete`, { workerId: 'wrk_m' }, 'operator', headers);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    await t.settle();
    expect((await t.get(`/api/v1/events?subject=${claimed.body.id}&type=tasks.task.completed.v1`)).body.items).toHaveLength(1);
  });

  it('races of starts, completes, pauses and the list\'s completion: every task walks a legal path once, one event per move', async () => {
    const lists: string[] = [];
    for (let i = 0; i < 8; i++) lists.push(await listCreated(S.sit_moves!));
    const tasks: { id: string; workerId: string; reference: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const claimed = await t.post('/api/v1/tasks/next', { workerId: `wrk_mv${i}`, siteId: S.sit_moves! }, 'operator');
      expect(claimed.status).toBe(200);
      tasks.push({ id: claimed.body.id, workerId: `wrk_mv${i}`, reference: claimed.body.reference });
    }
    await Promise.all(tasks.flatMap((task, i) => {
      const move = (what: string) => t.post(`/api/v1/tasks/${task.id}/${what}`, { workerId: task.workerId }, 'operator');
      const calls: Promise<unknown>[] = [move('start'), move('start'), move('complete'), move('pause'), move('start'), move('complete')];
      if (i % 2 === 0) {
        const data: PickListCompleted = { pickListId: task.reference, waveId: 'wav_test', siteId: S.sit_moves!, orderIds: [], status: 'COMPLETED' };
        calls.push(t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCompleted, subject: task.reference, siteId: S.sit_moves!, data }])));
      }
      return calls;
    }));
    // Whatever won, every task can still be finished by its worker.
    for (const task of tasks) {
      await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: task.workerId }, 'operator');
      const done = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: task.workerId }, 'operator');
      expect(done.body.status).toBe('COMPLETED');
    }
    await t.settle();
    const next: Record<string, string[]> = {
      'tasks.task.created.v1': ['ASSIGNED'], 'tasks.task.assigned.v1': ['IN_PROGRESS'], 'tasks.task.started.v1': ['PAUSED', 'COMPLETED'],
      'tasks.task.paused.v1': ['IN_PROGRESS'], 'tasks.task.resumed.v1': ['PAUSED', 'COMPLETED'],
    };
    for (const task of tasks) {
      const events = (await t.get(`/api/v1/events?subject=${task.id}`)).body.items as { type: string; data: { status: string } }[];
      const row = (await t.app.db.query<{ version: number; status: string }>(`SELECT version, status FROM tasks.tasks WHERE id = $1`, [task.id]))[0]!;
      // One event per write: created at version 1, then one move per version.
      expect(events).toHaveLength(row.version);
      expect(row.status).toBe('COMPLETED');
      expect(events.filter((e) => e.type === 'tasks.task.completed.v1')).toHaveLength(1);
      for (const [k, e] of events.entries()) {
        if (k > 0) expect(next[events[k - 1]!.type]).toContain(e.data.status);
      }
    }
  });

  it('20 workers racing for 5 tasks: each task is claimed exactly once, 5 workers get one, 15 get none', async () => {
    for (let i = 0; i < 5; i++) await listCreated(S.sit_race!);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.post('/api/v1/tasks/next', { workerId: `racer_${i}`, siteId: S.sit_race! }, 'operator')),
    );
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(5);
    expect(results.filter((r) => r.status === 204)).toHaveLength(15);
    expect(new Set(won.map((r) => String(r.body.id))).size).toBe(5);
    expect(new Set(won.map((r) => String(r.body.workerId))).size).toBe(5);
    const rows = await t.app.db.query<{ status: string; worker_id: string }>(`SELECT status, worker_id FROM tasks.tasks WHERE site_id = '${S.sit_race!}'`);
    expect(rows.every((r) => r.status === 'ASSIGNED')).toBe(true);
    expect(new Set(rows.map((r) => r.worker_id)).size).toBe(5);
    await t.settle();
    const assigned = await count(`SELECT count(*) AS n FROM platform.events WHERE type = 'tasks.task.assigned.v1' AND site_id = '${S.sit_race!}'`);
    expect(assigned).toBe(5);
  });
});

describe("a PACK task's priority whichever of the order's events arrives first (split mode)", () => {
  let k = 0;
  /** An event as a transport hands it to tasks' consumer (delivered to it alone, in the order given). */
  const envelope = (type: string, subject: string, data: unknown, time: Date): EventEnvelope => ({
    specversion: '1.0', id: `evt_prio_${++k}_${Math.random().toString(36).slice(2)}`, type, source: type.split('.')[0]!, subject,
    time: time.toISOString(), datacontenttype: 'application/json', data,
  });
  const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 10, 0, s));
  const ready = (orderId: string, priority: number, s: number) =>
    envelope(PackShipEvents.readyToPack, orderId, { orderId, siteId: S.sit_types!, status: 'COMPLETED', unitsPicked: 1, round: 1, priority }, at(s));
  const reprioritised = (orderId: string, from: number, to: number, s: number) =>
    envelope(OrderEvents.reprioritised, orderId, { orderId, siteId: S.sit_types!, from, to }, at(s));
  const packPriority = async (orderId: string): Promise<number[]> =>
    (await t.app.db.query<{ priority: number }>(`SELECT priority FROM tasks.tasks WHERE type = 'PACK' AND reference = $1`, [orderId])).map((r) => r.priority);
  const deliver = async (events: EventEnvelope[]) => {
    for (const e of events) await t.app.bus.deliverMany('tasks', [e]);
    await t.settle();
  };

  it('ready-to-pack (old priority 5) then the reprioritisation to 1, or the other way round: the PACK task is at 1 both ways, once', async () => {
    const [a, b] = [`ord_prio_a${Date.now()}`, `ord_prio_b${Date.now()}`];
    await deliver([ready(a, 5, 2), reprioritised(a, 5, 1, 1)]);
    await deliver([reprioritised(b, 5, 1, 1), ready(b, 5, 2)]);
    expect([await packPriority(a), await packPriority(b)]).toEqual([[1], [1]]);
    // Handed over again (a redelivery), in any order: nothing changes, still one task each.
    await deliver([reprioritised(b, 5, 1, 1), ready(b, 5, 2), ready(a, 5, 2), reprioritised(a, 5, 1, 1)]);
    expect([await packPriority(a), await packPriority(b)]).toEqual([[1], [1]]);
  });

  // Issue 18 a (2026-12-06): the remembered priority was read in a statement of its own before the insert.
  it('queues a PACK task at its order\'s remembered priority, read by the insert itself, its queue key moved with it', async () => {
    const [a, b] = [`ord_prio_e${Date.now()}`, `ord_prio_f${Date.now()}`];
    await deliver([reprioritised(a, 5, 2, 1)]);
    const queued = await t.app.db.countStatements(() => deliver([ready(a, 5, 2)]));
    expect(queued.statements.filter((q) => /order_priorities/.test(q))).toEqual([expect.stringMatching(/^\s*INSERT INTO tasks\.tasks/)]);
    await deliver([ready(b, 4, 2)]);
    const rows = await t.app.db.query<{ reference: string; priority: number; minutes: number }>(
      `SELECT reference, priority, (extract(epoch FROM rank_at - created_at) / 60)::int AS minutes FROM tasks.tasks WHERE type = 'PACK' AND reference = ANY($1::text[]) ORDER BY reference`,
      [[a, b]],
    );
    expect(rows).toEqual([{ reference: a, priority: 2, minutes: 2 * AGEING_STEP_MIN }, { reference: b, priority: 4, minutes: 4 * AGEING_STEP_MIN }]);
  });

  it('two reprioritisations arriving out of order: the later one wins, before and after the PACK task is queued', async () => {
    const [a, b] = [`ord_prio_c${Date.now()}`, `ord_prio_d${Date.now()}`];
    await deliver([reprioritised(a, 1, 3, 5), reprioritised(a, 5, 1, 4), ready(a, 5, 6)]);
    await deliver([ready(b, 5, 3), reprioritised(b, 1, 3, 5), reprioritised(b, 5, 1, 4)]);
    expect([await packPriority(a), await packPriority(b)]).toEqual([[3], [3]]);
  });
});
