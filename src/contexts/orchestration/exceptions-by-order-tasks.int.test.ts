import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickingEvents, type PickListCreated } from '../../contracts/picking.ts';
import { until } from '../../../test/support/flow-driver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * `GET /exceptions?orderId=` linked the exceptions raised on the order itself, its shipments, its saga and its PACK
 * task, but not those raised on its pick tasks (whose reference is the pick list, not the order), nor the dead
 * letters of events about the order, its pick lists or their tasks: the order screen did not show them. Orchestration
 * now keeps each pick list's orders (`picking.list.created`), and a DEAD_LETTER keeps what its event is about.
 */
let t: TestApp;
const A = 'ord_0197dddddddddddddddddddddddddddd';
const B = 'ord_0197eeeeeeeeeeeeeeeeeeeeeeeeeeee';
const C = 'ord_0197ffffffffffffffffffffffffffff';
const LIST = 'pkl_byorder_tasks_1';
const OTHER_LIST = 'pkl_byorder_tasks_2';

async function deadLetter(id: string, subject: string, data: Record<string, unknown>): Promise<void> {
  const envelope = { specversion: '1.0', id: `evt_${id}`, type: 'tasks.task.failed.v1', source: 'tasks', subject, time: new Date().toISOString(), data };
  await t.app.db.query(
    `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error) VALUES ($1, 'waves', $2, $3, $4, 5, 'handler failed')`,
    [id, `evt_${id}`, envelope.type, JSON.stringify(envelope)],
  );
}

beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_EXCEPTION_SCAN_MS: '200' } });
  // Two pick lists as picking announces them: A and C on one, B on the other.
  for (const [pickListId, orderIds] of [[LIST, [A, C]], [OTHER_LIST, [B]]] as const) {
    const data: PickListCreated = {
      pickListId, waveId: 'wav_byorder', siteId: 'sit_byorder', orderIds: [...orderIds], lineCount: 1, routeLength: 1, priority: 5,
    };
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId: 'sit_byorder', data }]));
  }
  await t.settle();
  const rows: [string, string, string, Record<string, unknown>][] = [
    ['exc_byot_1', 'TASK_NOT_STARTED', 'tsk_byot_1', { taskId: 'tsk_byot_1', type: 'PICK', reference: LIST }],
    ['exc_byot_2', 'TASK_FAILED', 'tsk_byot_2', { taskId: 'tsk_byot_2', type: 'PICK', reference: LIST, reason: 'DAMAGED' }],
    ['exc_byot_3', 'TASK_NOT_FINISHED', 'tsk_byot_3', { taskId: 'tsk_byot_3', type: 'PICK', reference: OTHER_LIST }],
  ];
  for (const [id, kind, subject, details] of rows) {
    await t.app.db.query(`INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
                          VALUES ($1, NULL, $2, $1, $3, 'a case', $4, $5, 'OPEN', now())`, [id, kind, subject, ['acknowledge'], JSON.stringify(details)]);
  }
  // Dead letters of events about A's pick list's task, about A itself, about B's pick list, and about nothing of A's.
  await deadLetter('dlq_byot_1', 'tsk_byot_1', { taskId: 'tsk_byot_1', type: 'PICK', reference: LIST });
  await deadLetter('dlq_byot_2', A, { orderId: A, status: 'PICKED' });
  await deadLetter('dlq_byot_3', OTHER_LIST, { pickListId: OTHER_LIST, orderIds: [B] });
  await deadLetter('dlq_byot_4', 'tsk_byot_9', { taskId: 'tsk_byot_9', type: 'PACK', reference: C });
}, 60_000);
afterAll(async () => t?.close());

const linked = async (orderId: string): Promise<string[]> =>
  (await t.getAll<{ id: string; kind: string; subject: string }>(`/api/v1/exceptions?orderId=${orderId}`, 'viewer')).map((x) => (x.kind === 'DEAD_LETTER' ? x.subject : x.id)).sort();

describe('GET /exceptions?orderId= with the order\'s pick tasks and dead letters', () => {
  it('lists the exceptions of the order\'s pick tasks and the dead letters of events about the order, its pick lists and their tasks', async () => {
    await until('the dead letters are raised', async () => (await t.getAll<{ subject: string }>('/api/v1/exceptions?kind=DEAD_LETTER', 'viewer')).map((x) => x.subject),
      (s) => ['dlq_byot_1', 'dlq_byot_2', 'dlq_byot_3', 'dlq_byot_4'].every((id) => s.includes(id)));
    expect(await linked(A)).toEqual(['dlq_byot_1', 'dlq_byot_2', 'exc_byot_1', 'exc_byot_2']);
    expect(await linked(B)).toEqual(['dlq_byot_3', 'exc_byot_3']);
    expect(await linked(C)).toEqual(['dlq_byot_1', 'dlq_byot_4', 'exc_byot_1', 'exc_byot_2']);
    expect(await linked('ord_0197aaaaaaaaaaaaaaaaaaaaaaaaaaa9')).toEqual([]);
  });
});
