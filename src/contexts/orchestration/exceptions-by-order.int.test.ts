import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../platform/db/database.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * The console's order screen read every open exception of a site and kept those about the order in the browser.
 * `GET /exceptions?orderId=` answers them from the server: the order's own, and those its details link to it (a
 * shipment's `orderId`, its fulfilment saga's `key`, its PACK task's `reference`); a value that is no order id is 400.
 */
let t: TestApp;
const A = 'ord_0197aaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'ord_0197bbbbbbbbbbbbbbbbbbbbbbbbbbbb';

beforeAll(async () => {
  t = await startTestApp();
  const db = new Database(t.databaseUrl, { max: 1 });
  try {
    const rows: [string, string, string, Record<string, unknown>, string][] = [
      ['exc_by_order_1', 'ORDER_NOT_MOVING', A, { orderId: A, status: 'BACKORDERED' }, 'OPEN'],
      ['exc_by_order_2', 'SHIPMENT_EXCEPTION', 'shp_1', { shipmentId: 'shp_1', orderId: A }, 'OPEN'],
      ['exc_by_order_3', 'SAGA_FAILED', 'sga_1', { sagaId: 'sga_1', type: 'order-fulfilment', key: A, step: 'allocate' }, 'OPEN'],
      ['exc_by_order_4', 'TASK_NOT_STARTED', 'tsk_1', { taskId: 'tsk_1', type: 'PACK', reference: A }, 'OPEN'],
      ['exc_by_order_5', 'CUTOFF_AT_RISK', A, { orderId: A }, 'RESOLVED'],
      // Another order's, and cases that only look alike: a pick task's reference is its pick list; a dead letter has no saga.
      ['exc_by_order_6', 'ORDER_NOT_MOVING', B, { orderId: B }, 'OPEN'],
      ['exc_by_order_7', 'SAGA_FAILED', 'sga_2', { sagaId: 'sga_2', type: 'order-fulfilment', key: B }, 'OPEN'],
      ['exc_by_order_8', 'TASK_NOT_STARTED', 'tsk_2', { taskId: 'tsk_2', type: 'PICK', reference: 'pkl_1' }, 'OPEN'],
      ['exc_by_order_9', 'DEAD_LETTER', 'dlq_1', { deadLetterId: 'dlq_1', key: A }, 'OPEN'],
    ];
    for (const [id, kind, subject, details, status] of rows) {
      await db.query(`INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
                      VALUES ($1, NULL, $2, $1, $3, 'a case', $4, $5, $6, now())`, [id, kind, subject, ['acknowledge'], JSON.stringify(details), status]);
    }
  } finally {
    await db.close();
  }
});
afterAll(async () => t.close());

describe('GET /exceptions?orderId=', () => {
  it('answers the exceptions about the order: its own, its shipment\'s, its saga\'s and its PACK task\'s; with status and kind too', async () => {
    const ids = async (q: string): Promise<string[]> => (await t.getAll<{ id: string }>(`/api/v1/exceptions?${q}`, 'viewer')).map((x) => x.id);
    expect(await ids(`orderId=${A}&status=OPEN`)).toEqual(['exc_by_order_1', 'exc_by_order_2', 'exc_by_order_3', 'exc_by_order_4']);
    expect(await ids(`orderId=${A}`)).toEqual(['exc_by_order_1', 'exc_by_order_2', 'exc_by_order_3', 'exc_by_order_4', 'exc_by_order_5']);
    expect(await ids(`orderId=${A}&kind=SAGA_FAILED`)).toEqual(['exc_by_order_3']);
    expect(await ids(`orderId=${B}&status=OPEN`)).toEqual(['exc_by_order_6', 'exc_by_order_7']);
    expect(await ids('orderId=ord_0197cccccccccccccccccccccccccccc')).toEqual([]);
    // Paged like the rest of the list.
    const page = await t.get(`/api/v1/exceptions?orderId=${A}&limit=2`, 'viewer');
    expect(page.body.items.map((x: { id: string }) => x.id)).toEqual(['exc_by_order_1', 'exc_by_order_2']);
    expect((await t.get(`/api/v1/exceptions?orderId=${A}&limit=2&cursor=${page.body.nextCursor}`, 'viewer')).body.items.map((x: { id: string }) => x.id))
      .toEqual(['exc_by_order_3', 'exc_by_order_4']);
  });

  it('a value that is not an order id is 400 problem+json naming the parameter', async () => {
    for (const bad of ['nope', 'shp_1', 'ord_', `ord_${'a'.repeat(200)}`, "ord_1'--"]) {
      const res = await t.get(`/api/v1/exceptions?orderId=${encodeURIComponent(bad)}`, 'viewer');
      expect([res.status, res.body.code], bad).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.body), bad).toContain('/querystring/orderId');
    }
  });
});
