/**
 * A worker id ignores letter case (platform migration 009, ADR 0019), but a floor command sent with a shared key
 * (a handheld's operator key) took the worker id as typed: a task claimed as `anna` could not be started as `ANNA`
 * (409 TASK_NOT_ASSIGNED_TO_WORKER), and `CLEO` claimed work as a second worker beside the profile `Cleo`. A key's
 * typed worker id is now the known worker it names (a user's worker id, a worker profile, a live task's holder), as
 * that worker's id was given, on REST, GraphQL and gRPC alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TasksModule } from '../../src/contexts/tasks/index.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { credentialsMetadata, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';

let g: GrpcTestApp;
let siteId: string;
let n = 0;

beforeAll(async () => {
  g = await startGrpcTestApp({ env: { PAKLOG_TASK_ASSIGN_TIMEOUT_S: '86400' } });
  const s = await g.t.post('/api/v1/sites', { code: 'WCASE', name: 'Worker case' });
  expect(s.status).toBe(201);
  siteId = s.body.id;
  expect((await g.t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 1, bays: 4, levels: 1, packStations: 1 })).status).toBeLessThan(300);
}, 60_000);
afterAll(async () => {
  await g?.close();
});

async function queue(): Promise<{ id: string }> {
  const engine = (g.t.app.modules.find((m) => m.name === 'tasks') as TasksModule).engine;
  const task = await g.t.app.db.tx((tx) => engine.queue(tx, { siteId, type: 'PUTAWAY', reference: `ref_wcase_${++n}`, waveId: null, priority: 5 }, {}));
  expect(task).toBeDefined();
  return task!;
}

const workersOf = async (ids: readonly string[]): Promise<string[]> =>
  (await g.t.app.db.query<{ worker_id: string }>(`SELECT DISTINCT worker_id FROM tasks.tasks WHERE id = ANY($1::text[]) ORDER BY worker_id`, [ids])).map((r) => r.worker_id);

describe('a shared key\'s worker id ignores letter case on every floor command', () => {
  it('a task claimed as anna is started, paused, resumed and completed as ANNA, Anna, aNNA over REST, GraphQL and gRPC; it stays anna\'s', async () => {
    const { t } = g;
    const task = await queue();
    const claimed = await t.post('/api/v1/tasks/next', { workerId: 'anna', siteId }, 'operator');
    expect([claimed.status, claimed.body.id, claimed.body.workerId]).toEqual([200, task.id, 'anna']);
    const start = await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: 'ANNA' }, 'operator');
    expect([start.status, start.body.code, start.body.workerId]).toEqual([200, undefined, 'anna']);
    const gql = gqlClient(t.app, t.keys.operator);
    const pause = await gql(`mutation($id: ID!, $w: ID!) { pauseTask(id: $id, workerId: $w) { __typename ... on Task { status workerId } ... on BusinessError { code } } }`, { id: task.id, w: 'Anna' });
    expect(pause.data.pauseTask).toEqual({ __typename: 'Task', status: 'PAUSED', workerId: 'anna' });
    const resumed = await g.rpc.resumeTask({ taskId: task.id, workerId: 'aNNA' }, credentialsMetadata({ apiKey: t.keys.operator }));
    expect([resumed.status, resumed.workerId]).toEqual(['IN_PROGRESS', 'anna']);
    const done = await g.rpc.completeTask({ taskId: task.id, workerId: 'ANNA' }, credentialsMetadata({ apiKey: t.keys.operator }));
    expect([done.status, done.workerId]).toEqual(['COMPLETED', 'anna']);
    await t.settle();
    const events = await t.app.db.query<{ worker: string }>(
      `SELECT DISTINCT envelope->'data'->>'workerId' AS worker FROM platform.events WHERE subject = $1 AND envelope->'data'->>'workerId' IS NOT NULL`, [task.id]);
    expect(events.map((e) => e.worker)).toEqual(['anna']);
  });

  it('a worker with a profile (Cleo) claims as CLEO over gRPC and cleo over GraphQL: one worker, the profile\'s id', async () => {
    const { t } = g;
    expect((await t.request('PUT', '/api/v1/workers/Cleo/profile', { body: { siteId }, role: 'manager' })).status).toBe(200);
    const first = await queue();
    const md = credentialsMetadata({ apiKey: t.keys.operator });
    const claimed = await g.rpc.nextTask({ workerId: 'CLEO', siteId }, md);
    expect([claimed.task?.id, claimed.task?.workerId]).toEqual([first.id, 'Cleo']);
    const gql = gqlClient(t.app, t.keys.operator);
    const start = await gql(`mutation($id: ID!) { startTask(id: $id, workerId: "cleo") { __typename ... on Task { workerId } ... on BusinessError { code } } }`, { id: first.id });
    expect(start.data.startTask).toEqual({ __typename: 'Task', workerId: 'Cleo' });
    expect(await workersOf([first.id])).toEqual(['Cleo']);
  });

  it('a signed-in person who types their own worker id in another case acts as themselves, not ACTING_AS_ANOTHER_WORKER', async () => {
    const { t } = g;
    const user = await t.post('/api/v1/users', { username: 'dora.case', password: 'a long enough passphrase 1', workerId: 'Dora', grants: [{ siteId, role: 'operator' }] });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const login = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'dora.case', password: 'a long enough passphrase 1' } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const bearer = { authorization: `Bearer ${login.body.accessToken}` };
    const task = await queue();
    const claimed = await t.request('POST', '/api/v1/tasks/next', { role: null, headers: bearer, body: { workerId: 'DORA', siteId } });
    expect([claimed.status, claimed.body.code, claimed.body.workerId]).toEqual([200, undefined, 'Dora']);
    expect(claimed.body.id).toBe(task.id);
    // A shared key typing the person's worker id in any case acts as that person's worker id too.
    const start = await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: 'dora' }, 'operator');
    expect([start.status, start.body.workerId]).toEqual([200, 'Dora']);
  });

  it('a supervisor\'s or key\'s task list by worker takes the id in any case: GUS, gus and gUs list gus\'s tasks (REST, GraphQL)', async () => {
    const { t } = g;
    const held = await queue();
    const claimed = await t.post('/api/v1/tasks/next', { workerId: 'gus', siteId }, 'operator');
    expect([claimed.status, claimed.body.id, claimed.body.workerId]).toEqual([200, held.id, 'gus']);
    expect((await t.post(`/api/v1/tasks/${held.id}/start`, { workerId: 'Gus' }, 'operator')).status).toBe(200);
    const done = await g.rpc.completeTask({ taskId: held.id, workerId: 'GUS' }, credentialsMetadata({ apiKey: t.keys.operator }));
    expect(done.status).toBe('COMPLETED');
    const other = await queue();
    expect((await t.post('/api/v1/tasks/next', { workerId: 'GUS', siteId }, 'operator')).body.id).toBe(other.id);
    for (const [typed, role] of [['GUS', 'manager'], ['gUs', 'operator'], ['gus', 'manager']] as const) {
      const list = await t.get(`/api/v1/tasks?siteId=${siteId}&workerId=${typed}`, role);
      expect([list.status, list.body.items.map((i: { id: string }) => i.id).sort()], typed).toEqual([200, [held.id, other.id].sort()]);
      expect((await t.get(`/api/v1/tasks?siteId=${siteId}&workerId=${typed}&status=COMPLETED`, role)).body.items.map((i: { id: string }) => i.id)).toEqual([held.id]);
    }
    const gql = gqlClient(t.app, t.keys.manager);
    const listed = await gql(`{ tasks(siteId: "${siteId}", workerId: "GUS") { nodes { id workerId } } }`);
    expect(listed.data.tasks.nodes).toEqual([{ id: held.id, workerId: 'gus' }, { id: other.id, workerId: 'gus' }].sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('the OpenAPI document says GET /tasks?workerId= matches the id in any letter case (it said nothing of it, tasks migration 011)', () => {
    type Param = { in: string; name: string; description?: string };
    const doc = g.t.app.http.swagger() as unknown as { paths: Record<string, { get: { description?: string; parameters: Param[] } }> };
    const list = doc.paths['/api/v1/tasks']!.get;
    const workerId = list.parameters.find((p) => p.in === 'query' && p.name === 'workerId');
    expect(workerId?.description).toMatch(/any letter case/i);
    expect(workerId?.description).toMatch(/ANNA.*anna/);
    expect(list.description).toMatch(/workerId` matches .*any letter case/i);
  });

  it('batch assignment takes a worker id in any case as the worker it names: DORA and cleo are busy (no second task), Eve and EVE one worker', async () => {
    const { t } = g;
    const queued = [await queue(), await queue()];
    const batch = await t.post('/api/v1/tasks/assign-batch', { siteId, workerIds: ['DORA', 'cleo', 'Eve', 'EVE'] }, 'manager');
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    const items = batch.body.items as { workerId: string; task: { id: string } | null; reason?: string }[];
    expect(items.map((i) => [i.workerId, i.reason ?? null, i.task === null])).toEqual([['Dora', 'BUSY', true], ['Cleo', 'BUSY', true], ['Eve', null, false]]);
    // No worker holds two tasks at once, whatever the case of their id.
    const held = await t.app.db.query<{ worker: string; n: number }>(
      `SELECT lower(worker_id) AS worker, count(*)::int AS n FROM tasks.tasks WHERE site_id = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS') GROUP BY 1 ORDER BY 1`, [siteId]);
    expect(held.every((h) => h.n === 1), JSON.stringify(held)).toBe(true);
    expect(await workersOf(queued.map((q) => q.id))).toEqual(expect.arrayContaining(['Eve']));
  });
});
