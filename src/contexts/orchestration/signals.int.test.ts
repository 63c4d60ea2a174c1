import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { until } from '../../../test/support/flow-driver.ts';
import { shipByOf } from './fulfilment-saga.ts';

/**
 * The orchestration consumer takes a run of orders and tasks events in one call (one set-based subscription, ADR 0043):
 * the run's saga signals are two statements whatever its length, and the sagas end up where one event at a time
 * leaves them.
 */
let t: TestApp;
let siteId = '';
let seq = 0;

beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_CONTEXTS: 'location-master,orchestration', PAKLOG_SAGA_TICK_MS: '20' } });
  const site = await t.post<{ id: string }>('/api/v1/sites', { code: 'SIG', name: 'Signals' });
  expect(site.status).toBe(201);
  siteId = site.body.id;
});
afterAll(async () => t.close());

const envelope = (type: string, subject: string, data: unknown): EventEnvelope => ({
  specversion: '1.0', id: `evt_sig_${++seq}_${Math.random().toString(36).slice(2)}`, type, source: type.split('.')[0]!, subject,
  time: new Date().toISOString(), datacontenttype: 'application/json', data,
});
const line = (orderId: string) => ({ lineId: `lin_${orderId}`, lineNo: 1, sku: 'SKU-1', quantity: 1 });
const received = (orderId: string) => envelope('orders.order.received.v1', orderId, {
  orderId, externalId: orderId, siteId, carrier: 'OWN_FLEET', priority: 5, lines: [line(orderId)],
});
const allocated = (orderId: string) => envelope('orders.order.allocated.v1', orderId, { orderId, siteId, carrier: 'OWN_FLEET', priority: 5, lines: [line(orderId)] });
const moved = (orderId: string, type: 'waved' | 'released', from: string, to: string) => envelope(`orders.order.${type}.v1`, orderId, { orderId, siteId, from, to });
const taskCreated = (taskId: string) => envelope('tasks.task.created.v1', taskId, {
  taskId, siteId, type: 'PICK', reference: 'pkl_sig', waveId: null, workerId: null, status: 'QUEUED',
});

/** Each order's allocated, waved and released events, orders interleaved, with a task event among them (a mixed run). */
const milestones = (orders: readonly string[]): EventEnvelope[] => [
  ...orders.map(allocated),
  taskCreated(`tsk_${orders[0]!}`),
  ...orders.flatMap((o) => [moved(o, 'waved', 'ALLOCATED', 'WAVED'), moved(o, 'released', 'WAVED', 'RELEASED')]),
];

interface SagaBody { id: string; key: string; status: string; currentStep: string | null; data: { status: string }; steps: { step: string; kind: string; status: string }[] }
const sagaOf = async (orderId: string): Promise<SagaBody> => {
  const all = await t.getAll<{ id: string; key: string }>('/api/v1/sagas?type=order-fulfilment', 'viewer');
  const s = all.find((x) => x.key === orderId);
  if (s === undefined) throw new Error(`no saga for ${orderId}`);
  return (await t.get<SagaBody>(`/api/v1/sagas/${s.id}`, 'viewer')).body;
};
/** What a saga is at and went through, without ids and times. */
const shape = (s: SagaBody) => ({ status: s.status, currentStep: s.currentStep, order: s.data.status, steps: s.steps.map((h) => `${h.kind} ${h.step} ${h.status}`) });
const sagaStatements = (statements: readonly string[]) => statements.filter((s) => /saga_signals|\bsagas\b/.test(s));

describe('orchestration signals a run of orders events at once', () => {
  it('writes a run\'s saga signals in two statements whatever its length, and leaves the sagas as one event at a time does', async () => {
    const counts: number[] = [];
    for (const n of [2, 10]) {
      const batched = Array.from({ length: n }, (_, i) => `ord_sigb${n}_${i}`);
      const single = Array.from({ length: n }, (_, i) => `ord_sigs${n}_${i}`);
      await t.app.bus.deliverMany('orchestration', [...batched, ...single].map(received));
      await until('sagas waiting for allocation', () => Promise.all([...batched, ...single].map(sagaOf)),
        (ss) => ss.every((s) => s.currentStep === 'allocate' && s.steps.length === 0 && s.status === 'RUNNING'));

      const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('orchestration', milestones(batched)));
      // One insert of the run's signals, one wake-up of their sagas; nothing else touches the saga tables.
      expect(sagaStatements(statements).map((s) => s.replace(/\s+/g, ' ').slice(0, 40))).toEqual([
        expect.stringMatching(/^INSERT INTO .*saga_signals/), expect.stringMatching(/^WITH woken AS/),
      ]);
      counts.push(statements.length);
      // The same events, one at a time.
      for (const e of milestones(single)) expect(await t.app.bus.deliver('orchestration', e)).toBe('handled');

      const settled = await until('sagas waiting for picks', () => Promise.all([...batched, ...single].map(sagaOf)),
        (ss) => ss.every((s) => s.currentStep === 'pick' && s.data.status === 'RELEASED'));
      const [b, s] = [settled.slice(0, n).map(shape), settled.slice(n).map(shape)];
      expect(b).toEqual(s);
      expect(b[0]).toEqual({ status: 'RUNNING', currentStep: 'pick', order: 'RELEASED', steps: ['RUN allocate SUCCEEDED', 'RUN release SUCCEEDED'] });
      // Every signal was consumed, once.
      const open = await t.app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orchestration.saga_signals WHERE saga_key = ANY($1::text[]) AND consumed_at IS NULL`, [[...batched, ...single]]);
      expect(open[0]!.n).toBe(0);
      const signals = await t.app.db.query<{ key: string; names: string[] }>(
        `SELECT saga_key AS key, array_agg(name ORDER BY seq) AS names FROM orchestration.saga_signals WHERE saga_key = ANY($1::text[]) GROUP BY saga_key`, [[...batched, ...single]]);
      expect(signals.map((r) => r.names)).toEqual(Array.from({ length: 2 * n }, () => ['allocated', 'waved', 'released']));
      // The task event in the run was handled too (the queue of waiting tasks).
      expect(await t.app.db.query(`SELECT 1 FROM orchestration.queued_tasks WHERE task_id = $1`, [`tsk_${batched[0]!}`])).toHaveLength(1);
    }
    // Nothing in the run is written per event: the cases its allocated orders clear are one look-up too.
    expect(counts[1]).toBe(counts[0]);
  });

  it('clears the cases of a run in one look-up, a raise after the clears before it, and keeps the task queue as one event at a time', async () => {
    const backordered = (orderId: string) => envelope('orders.order.backordered.v1', orderId, { orderId, siteId, from: 'WAVED', to: 'BACKORDERED', reason: 'RESERVATION_SHORTAGE' });
    const task = (type: string, taskId: string, status: string) => envelope(`tasks.task.${type}.v1`, taskId, {
      taskId, siteId, type: 'PICK', reference: 'pkl_sig', waveId: null, workerId: type === 'created' ? null : 'wkr_1', status,
    });
    const [a, b] = ['ord_sigx_a', 'ord_sigx_b'];
    await t.app.bus.deliverMany('orchestration', [received(a), received(b), backordered(a), backordered(b)]);
    const open = async () => (await t.app.db.query<{ subject: string; status: string; resolution: string | null }>(
      `SELECT subject, status, resolution FROM orchestration.exceptions WHERE subject = ANY($1::text[]) ORDER BY id`, [[a, b]]));
    expect((await open()).map((x) => `${x.subject} ${x.status}`)).toEqual([`${a} OPEN`, `${b} OPEN`]);

    // a is allocated, then sent back again (a new case, raised after the clear: it stays open); b is allocated.
    const run = [allocated(a), task('created', 'tsk_x1', 'QUEUED'), backordered(a), task('assigned', 'tsk_x1', 'ASSIGNED'),
      task('created', 'tsk_x2', 'QUEUED'), allocated(b), task('created', 'tsk_x3', 'QUEUED')];
    const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('orchestration', run));
    expect((await open()).map((x) => `${x.subject} ${x.status} ${x.resolution ?? ''}`)).toEqual([
      `${a} RESOLVED auto: the order was allocated again`, `${b} RESOLVED auto: the order was allocated again`, `${a} OPEN `,
    ]);
    // Two look-ups: the clear before the raise, and the rest at the end (the raise's own insert is not one).
    expect(statements.filter((q) => /^SELECT .* FROM orchestration\.exceptions/s.test(q))).toHaveLength(2);
    // The queue: x1 added then taken, x2 and x3 waiting; one statement per stretch (added, taken, added).
    const queued = await t.app.db.query<{ task_id: string }>(`SELECT task_id FROM orchestration.queued_tasks WHERE task_id LIKE 'tsk\\_x%' ORDER BY task_id`);
    expect(queued.map((q) => q.task_id)).toEqual(['tsk_x2', 'tsk_x3']);
    expect(statements.filter((q) => /orchestration\.queued_tasks/.test(q))).toHaveLength(3);
  });

  it('starts a run of received orders\' sagas in one statement, their carriers\' cut-offs read once; a saga started before keeps its data', async () => {
    const receivedBy = (orderId: string, carrier: string) => envelope('orders.order.received.v1', orderId, {
      orderId, externalId: orderId, siteId, carrier, priority: 5, lines: [line(orderId)],
    });
    const [first, cut, none] = ['ord_sigst_0', 'ord_sigst_1', 'ord_sigst_2'];
    // Started before the site had a cut-off for its carrier: no ship-by.
    await t.app.bus.deliverMany('orchestration', [receivedBy(first, 'OWN_FLEET'), taskCreated('tsk_sigst')]);
    const set = await t.request('PUT', `/api/v1/sites/${siteId}/carrier-cutoffs`, { body: { cutoffs: [{ carrier: 'OWN_FLEET', cutoff: '16:00' }] }, role: 'manager' });
    expect(set.status).toBe(200);
    const run = [receivedBy(first, 'OWN_FLEET'), receivedBy(cut, 'OWN_FLEET'), allocated(first), receivedBy(none, 'DHL'), receivedBy(cut, 'DHL')];
    const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('orchestration', run));
    const oneLine = (q: string) => q.replace(/\s+/g, ' ').trim();
    expect(statements.filter((q) => q.includes('carrier_cutoffs')).map(oneLine)).toEqual([expect.stringMatching(/^SELECT c.site_id, c.carrier, c.cutoff_min FROM orchestration.carrier_cutoffs/)]);
    expect(statements.filter((q) => /INTO \S*sagas\b/.test(q))).toHaveLength(1);
    const sagas = await t.app.db.query<{ key: string; n: number; ship_by: string | null; created: Date }>(
      `SELECT key, count(*) OVER (PARTITION BY key)::int AS n, data->>'shipBy' AS ship_by, created_at AS created
         FROM orchestration.sagas WHERE type = 'order-fulfilment' AND key LIKE 'ord_sigst_%' ORDER BY key`);
    const cutEvent = run[1]!;
    expect(sagas.map((r) => [r.key, r.n, r.ship_by])).toEqual([
      [first, 1, null],
      // The first received of the order in the run starts its saga (OWN_FLEET, 16:00); the second is for a started saga.
      [cut, 1, shipByOf(new Date(cutEvent.time), 16 * 60)!.toISOString()],
      [none, 1, null],
    ]);
    // The run's signal for the order started before reached its saga.
    expect((await until('the allocated signal consumed', () => sagaOf(first), (x) => x.data.status === 'ALLOCATED')).currentStep).toBe('release');
    await t.request('PUT', `/api/v1/sites/${siteId}/carrier-cutoffs`, { body: { cutoffs: [] }, role: 'manager' });
  });

  it('a redelivered run signals nothing twice', async () => {
    const orders = ['ord_sigr_0', 'ord_sigr_1'];
    await t.app.bus.deliverMany('orchestration', orders.map(received));
    const run = milestones(orders);
    await t.app.bus.deliverMany('orchestration', run);
    const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('orchestration', run));
    expect(sagaStatements(statements)).toEqual([]);
    const n = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orchestration.saga_signals WHERE saga_key = ANY($1::text[])`, [orders]);
    expect(n[0]!.n).toBe(6);
  });
});
