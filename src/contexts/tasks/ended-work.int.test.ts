/**
 * The ends of work heard before their tasks (tasks.ended_work, crash8) are remembered so that a late request queues
 * nothing; they were remembered for ever, one row per list, return, putaway or order cancelled before its task (most
 * orders cancelled before they were ready to pack): a table that only grew. The `tasks.ended-work-prune` job forgets
 * them after ENDED_WORK_RETENTION_DAYS (crash9); within it a late request still queues nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { manualClock } from '../../platform/clock.ts';
import { PickingEvents, type PickListCancelled, type PickListCreated } from '../../contracts/picking.ts';
import type { TasksModule } from './index.ts';
import { ENDED_WORK_PRUNE_BATCH, ENDED_WORK_RETENTION_DAYS } from './service.ts';

const DAY_MS = 86_400_000;
const clock = manualClock(new Date('2030-03-01T08:00:00Z'));
let t: TestApp;
let siteId: string;
let tasks: TasksModule;

beforeAll(async () => {
  t = await startTestApp({ clock });
  const site = await t.post('/api/v1/sites', { code: 'sit_ew', name: 'Ended work' });
  expect(site.status).toBe(201);
  siteId = site.body.id;
  tasks = t.app.modules.find((m) => m.name === 'tasks') as TasksModule;
});
afterAll(async () => {
  await t.close();
});

const cancelled = async (pickListId: string): Promise<void> => {
  const data: PickListCancelled = { pickListId, waveId: 'wav_ew', siteId, orderIds: [`ord_${pickListId}`] };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCancelled, subject: pickListId, siteId, data }]));
  await t.settle();
};
const created = async (pickListId: string): Promise<void> => {
  const data: PickListCreated = { pickListId, waveId: 'wav_ew', siteId, orderIds: [`ord_${pickListId}`], lineCount: 1, routeLength: null, priority: 5 };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId, data }]));
  await t.settle();
};
const remembered = async (): Promise<string[]> =>
  (await t.app.db.query<{ reference: string }>(`SELECT reference FROM tasks.ended_work WHERE reference LIKE 'pkl_ew%' ORDER BY reference`)).map((r) => r.reference);
const tasksOf = async (reference: string): Promise<number> =>
  Number((await t.app.db.query<{ n: string }>('SELECT count(*) AS n FROM tasks.tasks WHERE reference = $1', [reference]))[0]!.n);

describe('tasks: ended work is remembered for its retention, then forgotten', () => {
  it('the prune job forgets ends older than the retention, keeps the others, and a late request within it still queues nothing', async () => {
    const prune = tasks.jobs?.find((j) => j.name === 'tasks.ended-work-prune');
    expect(prune?.everyMs).toBeGreaterThan(0);
    await cancelled('pkl_ew_old');
    clock.advance(10 * DAY_MS);
    await cancelled('pkl_ew_new');
    expect(await remembered()).toEqual(['pkl_ew_new', 'pkl_ew_old']);
    // Within the retention a request delivered after its work's end queues nothing (crash8).
    await created('pkl_ew_new');
    expect(await tasksOf('pkl_ew_new')).toBe(0);

    clock.advance((ENDED_WORK_RETENTION_DAYS - 10) * DAY_MS - 1_000);
    expect(await prune!.run()).toBe(0);
    expect(await remembered()).toEqual(['pkl_ew_new', 'pkl_ew_old']);
    clock.advance(2_000);
    expect(await prune!.run()).toBe(1);
    expect(await remembered()).toEqual(['pkl_ew_new']);
    await created('pkl_ew_new');
    expect(await tasksOf('pkl_ew_new')).toBe(0);
  });

  it('a backlog larger than one batch is pruned in batches by one run', async () => {
    const prune = tasks.jobs!.find((j) => j.name === 'tasks.ended-work-prune')!;
    const n = ENDED_WORK_PRUNE_BATCH + 7;
    await t.app.db.query(
      `INSERT INTO tasks.ended_work (type, reference, round, ended, ended_at)
       SELECT 'PACK', 'ord_ew_' || i, 1, 'DONE', $1::timestamptz - make_interval(secs => i) FROM generate_series(1, $2::int) AS i`,
      [new Date(clock.now().getTime() - (ENDED_WORK_RETENTION_DAYS + 1) * DAY_MS), n]);
    expect(await prune.run()).toBe(n);
    expect(Number((await t.app.db.query<{ n: string }>(`SELECT count(*) AS n FROM tasks.ended_work WHERE reference LIKE 'ord_ew_%'`))[0]!.n)).toBe(0);
  });
});
