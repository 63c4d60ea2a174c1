/**
 * Webhook deliveries across a SIGKILL of `paklog start` while a receiver holds a POST unanswered (ADR 0034): the
 * delivery the dead process had leased is sent again after the restart, under the same delivery and event id (the
 * receiver deduplicates on `PakLog-Event-Id`), nothing is lost, no event gets a second delivery row, and the later
 * deliveries of the same order wait behind it (in order per subject). One of the held deliveries is replayed before the
 * kill (its replay queued behind the attempt under way, ADR 0034 addendum hooks5): the send after the restart is that
 * replay, and the receiver gets it once, not twice (crash6: the queued replay outlived the dead attempt and sent it again).
 */
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, receiveStock, setupWarehouse, until, type Call } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let receiver: Server;
let url = '';
/** Every POST the receiver saw, in arrival order. */
const seen: { eventId: string; deliveryId: string; subject: string; answered: boolean }[] = [];
/** While set, the receiver holds every POST unanswered (the process that sent it is killed meanwhile). */
let holding = true;

// The server is started in beforeAll.
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { subject } = JSON.parse(body) as { subject: string };
      const entry = { eventId: String(req.headers['paklog-event-id']), deliveryId: String(req.headers['paklog-delivery-id']), subject, answered: false };
      seen.push(entry);
      // Answered once the answer went out (not to a sender killed meanwhile).
      res.on('finish', () => { entry.answered = true; });
      if (!holding) res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const address = receiver.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`;
  s = await crashServer({ env: { PAKLOG_WEBHOOK_TICK_MS: '200', PAKLOG_WEBHOOK_RETRY_BASE_MS: '100', PAKLOG_WEBHOOK_TIMEOUT_MS: '60000' } });
}, 120_000);

afterAll(async () => {
  await s?.close();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

describe('paklog start killed while a webhook receiver holds a delivery unanswered', () => {
  it('sends it again after the restart under the same ids, loses none, adds no second delivery of an event, keeps each order in order', async () => {
    const probe = new pg.Client({ connectionString: s.db.url });
    await probe.connect();
    try {
      const w = await setupWarehouse(call, { siteCode: 'CRWHOOK', aisles: 1, bays: 2, levels: 1, skus: 1 });
      await receiveStock(call, w, 20, 1);
      const sub = await call<{ id: string }>('subscribe', 'POST', '/api/v1/integrations/webhook-subscriptions', { url, eventTypes: ['orders.order.*'], siteId: w.siteId });
      expect(sub.status).toBe(201);
      const orders = [];
      for (let i = 0; i < 3; i++) orders.push(await createOrder(call, w.siteId, { externalId: `crash-hook-${i}`, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] }));
      const pending = async (): Promise<number> => Number((await probe.query<{ n: string }>(
        `SELECT count(*) AS n FROM integrations.deliveries WHERE subscription_id = $1`, [sub.body.id])).rows[0]!.n);
      // Each order's created and allocated events are delivery rows; the receiver holds the heads of the three chains.
      await until('deliveries written', pending, (n) => n >= 6, 30_000);
      await until('the receiver holds POSTs', async () => seen.length, (n) => n >= 1, 30_000);
      const held = seen.map((e) => e.deliveryId);
      // A replay of a held delivery while its attempt is under way: queued behind that attempt (200 PENDING).
      const replayed = await call<{ status: string }>('replay', 'POST', `/api/v1/integrations/webhook-deliveries/${held[0]!}/replay`);
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
      expect(replayed.body.status).toBe('PENDING');
      expect((await probe.query(`SELECT 1 FROM integrations.deliveries WHERE id = $1 AND replay_queued`, [held[0]])).rowCount).toBe(1);
      // The receiver holds only what the killed process sent: from its exit on, it answers (the restarted process's
      // sends). Switched once the restart was ready, it held what the restarted process sent before (its jobs tick from
      // before the ready banner): under load, a chain head the killed process had not claimed yet was sent and held,
      // and every delivery waited for that attempt's 60 s timeout.
      const killed = s.server.process.child;
      const exited = new Promise((r) => killed.once('exit', r));
      const restarted = s.crash();
      await exited;
      holding = false;
      await restarted;
      // The dead process's lease (60 s + 10 s) is over, as far as the deliveries are concerned.
      await probe.query(`UPDATE integrations.deliveries SET lease_until = now() - interval '1 second' WHERE subscription_id = $1 AND lease_until IS NOT NULL`, [sub.body.id]);
      const rows = await until('every delivery DELIVERED', async () => (await probe.query<{ id: string; event_id: string; subject: string; status: string; seq: string }>(
        `SELECT id, event_id, subject, status, seq::text AS seq FROM integrations.deliveries WHERE subscription_id = $1 ORDER BY seq`, [sub.body.id])).rows,
      (r) => r.length >= 6 && r.every((d) => d.status === 'DELIVERED'), 60_000);

      // One delivery row per event, each event the receiver got one of them.
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
      const events = await probe.query<{ id: string }>(
        `SELECT envelope->>'id' AS id FROM platform.events WHERE subject = ANY($1) AND type LIKE 'orders.order.%'`, [orders.map((o) => o.id)]);
      expect(rows.map((r) => r.event_id).sort()).toEqual(events.rows.map((e) => e.id).sort());
      // The held ones came again with the same delivery id and event id; every delivery was answered once (the replayed
      // one too: the send after the restart was its replay, as the dead attempt never ended).
      for (const id of held) expect(seen.filter((e) => e.deliveryId === id && e.answered)).toHaveLength(1);
      const answered = seen.filter((e) => e.answered);
      expect(answered.map((e) => e.deliveryId).sort()).toEqual(rows.map((r) => r.id).sort());
      for (const e of seen) expect(rows.find((r) => r.id === e.deliveryId)?.event_id).toBe(e.eventId);
      // In order per order: the answered deliveries of each subject arrived in the order of their rows.
      for (const o of orders) {
        expect(answered.filter((e) => e.subject === o.id).map((e) => e.deliveryId)).toEqual(rows.filter((r) => r.subject === o.id).map((r) => r.id));
      }
    } finally {
      await probe.end();
    }
  }, 180_000);
});
