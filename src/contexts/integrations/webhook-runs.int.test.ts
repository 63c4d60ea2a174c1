import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * The integrations consumer takes a run of events in one call (one set-based subscription, ADR 0043): the run reads
 * the webhook subscriptions once and writes its deliveries in one statement, whatever its length and whether or not a
 * webhook exists; the deliveries are those one event at a time makes, in the same order.
 */
let t: TestApp;
const sites: Record<string, string> = {};
let seq = 0;

beforeAll(async () => {
  // The delivery job waits a minute: the deliveries stay as the consumer wrote them while the test reads them.
  t = await startTestApp({ env: { PAKLOG_CONTEXTS: 'location-master,integrations', PAKLOG_WEBHOOK_TICK_MS: '60000' } });
  for (const code of ['WRA', 'WRB']) {
    const site = await t.post<{ id: string }>('/api/v1/sites', { code, name: code });
    expect(site.status).toBe(201);
    sites[code] = site.body.id;
  }
});
afterAll(async () => t.close());

const envelope = (type: string, subject: string, data: unknown): EventEnvelope => ({
  specversion: '1.0', id: `evt_wr_${++seq}_${Math.random().toString(36).slice(2)}`, type, source: 'orders', subject,
  time: new Date().toISOString(), datacontenttype: 'application/json', data,
});
/** Per order: waved, released, shipped (shipped also goes to EDI); orders alternate between the two sites. */
const run = (prefix: string, n: number): EventEnvelope[] => Array.from({ length: n }, (_, i) => {
  const orderId = `ord_${prefix}_${i}`;
  const siteId = sites[i % 2 === 0 ? 'WRA' : 'WRB']!;
  return [
    envelope('orders.order.waved.v1', orderId, { orderId, siteId, from: 'ALLOCATED', to: 'WAVED' }),
    envelope('orders.order.released.v1', orderId, { orderId, siteId, from: 'WAVED', to: 'RELEASED' }),
    envelope('orders.order.shipped.v1', orderId, { orderId, siteId, partial: false, lines: [{ lineId: `lin_${orderId}`, sku: 'SKU-1', ordered: 1, shipped: 1 }] }),
  ];
}).flat();
const lookups = (statements: readonly string[]) => statements.filter((s) => /FROM integrations\.subscriptions/.test(s));
const inserts = (statements: readonly string[]) => statements.filter((s) => /INSERT INTO integrations\.deliveries/.test(s));
/** The deliveries of the orders named `ord_<prefix>_…`, in the order they will be sent: subscription, type, order number. */
const deliveriesOf = async (prefix: string, subs: Record<string, string>) => {
  const rows = await t.app.db.query<{ subscription_id: string; event_type: string; subject: string }>(
    `SELECT subscription_id, event_type, subject FROM integrations.deliveries WHERE subject LIKE $1 ORDER BY seq`, [`ord\\_${prefix}\\_%`]);
  const name = Object.fromEntries(Object.entries(subs).map(([k, v]) => [v, k]));
  return rows.map((r) => `${name[r.subscription_id] ?? '?'} ${r.event_type.split('.')[2]!} ${r.subject.split('_').at(-1)!}`);
};

describe('webhook deliveries of a run of events', () => {
  it('with no webhook: one subscription look-up per run and no insert, whatever its length', async () => {
    for (const n of [1, 10]) {
      const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('integrations', run(`none${n}`, n)));
      expect(lookups(statements)).toHaveLength(1);
      expect(inserts(statements)).toHaveLength(0);
    }
  });

  it('with webhooks: one look-up and one insert per run, and the deliveries one event at a time makes, in order', async () => {
    const subs: Record<string, string> = {};
    for (const [name, body] of [
      ['all-A', { url: 'http://127.0.0.1:9/a', eventTypes: ['orders.order.*'], siteId: sites['WRA'] }],
      ['shipped', { url: 'http://127.0.0.1:9/s', eventTypes: ['orders.order.shipped.v1'] }],
    ] as const) {
      const res = await t.post<{ id: string }>('/api/v1/integrations/webhook-subscriptions', body, 'integration');
      expect(res.status).toBe(201);
      subs[name] = res.body.id;
    }
    for (const n of [2, 8]) {
      const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('integrations', run(`many${n}`, n)));
      expect(lookups(statements)).toHaveLength(1);
      expect(inserts(statements)).toHaveLength(1);
      for (const e of run(`each${n}`, n)) expect(await t.app.bus.deliver('integrations', e)).toBe('handled');
      const [many, each] = [await deliveriesOf(`many${n}`, subs), await deliveriesOf(`each${n}`, subs)];
      expect(many).toEqual(each);
      // Site A's orders (even numbers) to all-A, every shipment to shipped; an order's deliveries in its events' order.
      expect(many.slice(0, 5)).toEqual(['all-A waved 0', 'all-A released 0', 'all-A shipped 0', 'shipped shipped 0', 'shipped shipped 1']);
      expect(many).toHaveLength(3 * (n / 2) + n);
    }
    // A redelivered run records nothing twice.
    const again = run('again', 2);
    await t.app.bus.deliverMany('integrations', again);
    await t.app.bus.deliverMany('integrations', again);
    expect(await deliveriesOf('again', subs)).toHaveLength(5);
  });
});
