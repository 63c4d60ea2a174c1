/**
 * `paklog replay <context>` after a whole day's flow (receipts, an ASN, orders waved, picked with a short, packed,
 * shipped, one cancelled): every context's projections rebuilt from the event store are the rows the live handlers
 * wrote, a second replay changes nothing, and stock is still conserved (test-app's close).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishedEvents } from '../../src/contracts/events.ts';
import { localEventStore } from '../../src/platform/bus/event-store.ts';
import { ident } from '../../src/platform/db/database.ts';
import { replayContext, ReplayError } from '../../src/platform/projection-replay.ts';
import type { ContextModule } from '../../src/platform/module.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Awaited<ReturnType<typeof setupWarehouse>>;

/** Every row of every projection table, in a stable order. */
async function projections(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const m of t.app.modules) {
    for (const p of m.projections ?? []) {
      for (const table of p.tables) {
        const rows = await t.app.db.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM ${ident(m.schema)}.${ident(table)} x`);
        out[`${m.name}.${table}`] = rows.map((r) => r.r).sort();
      }
    }
  }
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'RPA', aisles: 2, bays: 3, levels: 1, skus: 3 });
  await receiveStock(call, w, 10, 2);
  const asn = await call('asn', 'POST', '/api/v1/inventory/asns', {
    siteId: w.siteId, supplier: 'ACME', lines: [{ sku: w.products[0]!.sku, quantity: 4, expectedLpn: 'LPN-RPA-1' }],
  });
  expect(asn.status, JSON.stringify(asn.body)).toBe(201);
  const orders = [];
  for (let i = 0; i < 4; i++) {
    orders.push(await createOrder(call, w.siteId, { externalId: `RPA-${i}`, lines: [{ sku: w.products[i % 3]!.sku, quantity: 2 }, { sku: w.products[(i + 1) % 3]!.sku, quantity: 1 }] }));
  }
  for (const o of orders) await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
  await t.settle();
  const wave = await planAndRelease(call, w.siteId, 3);
  await t.settle();
  await workTasks(call, w.siteId, ['rpa-1', 'rpa-2'], { shortOne: true, expectedTasks: 1 });
  await t.settle();
  const picked = [];
  for (const id of wave.orderIds) if ((await orderStatus(call, id)) === 'PICKED') picked.push(id);
  for (const id of picked.slice(1)) await packAndShip(call, id);
  const left = orders.find((o) => !wave.orderIds.includes(o.id))!;
  expect((await call('cancel', 'POST', `/api/v1/orders/${left.id}/cancel`, { reason: 'customer' })).status).toBeLessThan(300);
  await t.settle();
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('replay of every context with projections after a day of flow', () => {
  it('rebuilds the rows the live handlers wrote, and a second replay changes nothing', async () => {
    const live = await projections();
    expect(Object.values(live).some((rows) => rows.length > 0)).toBe(true);
    for (const m of t.app.modules.filter((x) => (x.projections ?? []).length > 0)) {
      await replayContext(t.app.db, t.app.modules, m.name, { source: localEventStore(), contract: PublishedEvents });
    }
    expect(await projections()).toEqual(live);
    for (const m of t.app.modules.filter((x) => (x.projections ?? []).length > 0)) {
      await replayContext(t.app.db, t.app.modules, m.name, { source: localEventStore(7), contract: PublishedEvents });
    }
    expect(await projections()).toEqual(live);
  });

  it('replays run while orders flow (twice at once): once the flow settles, the rows equal a replay from scratch', async () => {
    const replayAll = async (): Promise<void> => {
      for (const m of t.app.modules.filter((x) => (x.projections ?? []).length > 0)) {
        await replayContext(t.app.db, t.app.modules, m.name, { source: localEventStore(3), contract: PublishedEvents });
      }
    };
    const flow = (async () => {
      await receiveStock(call, w, 5, 1);
      const orders = [];
      for (let i = 0; i < 3; i++) orders.push(await createOrder(call, w.siteId, { externalId: `RPB-${i}`, lines: [{ sku: w.products[i % 3]!.sku, quantity: 1 }] }));
      for (const o of orders) await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
      await t.settle();
      await planAndRelease(call, w.siteId, 3);
      await t.settle();
      await workTasks(call, w.siteId, ['rpb-1'], { expectedTasks: 1 });
    })();
    await Promise.all([flow, replayAll(), replayAll(), (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await replayAll();
    })()]);
    await t.settle();
    const live = await projections();
    await replayAll();
    expect(await projections()).toEqual(live);
  });
});

describe('replay and the events the live bus dead-lettered', () => {
  /** Picking as the replay sees it, with a projection handler that fails on one event (as a buggy handler did live). */
  function failingOn(eventId: string): { module: ContextModule; projection: string } {
    const picking = t.app.modules.find((m) => m.name === 'picking')!;
    const p = picking.projections![0]!;
    const projections = [{
      ...p,
      subscriptions: p.subscriptions.map((s) => ({
        types: s.types,
        handle: async (e: Parameters<typeof s.handle>[0], tx: Parameters<typeof s.handle>[1]) => {
          if (e.id === eventId) throw new Error('handler bug');
          await s.handle(e, tx);
        },
      })),
    }];
    return { module: { ...picking, projections }, projection: p.name };
  }

  it('skips and counts an event with an open dead letter and finishes; without one it fails naming the event, changing nothing', async () => {
    const picking = t.app.modules.find((m) => m.name === 'picking')!;
    const types = [...new Set(picking.projections![0]!.subscriptions.flatMap((s) => s.types))];
    const [victim] = await t.app.db.query<{ id: string; type: string; envelope: unknown }>(
      `SELECT event_id AS id, type, envelope FROM platform.events WHERE type = ANY($1::text[]) ORDER BY seq LIMIT 1`, [types],
    );
    expect(victim).toBeDefined();
    const { module, projection } = failingOn(victim!.id);
    const before = await projections();

    // No dead letter: a handler failure is a clear ReplayError naming the event, and the projection is left as it was.
    const failed = await replayContext(t.app.db, [module], 'picking', { projection, source: localEventStore(), contract: PublishedEvents }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ReplayError);
    expect((failed as ReplayError).kind).toBe('failure');
    expect((failed as Error).message).toContain(victim!.id);
    expect((failed as Error).message).toContain(victim!.type);
    expect(await projections()).toEqual(before);

    // The live bus dead-lettered it for picking (open): the replay skips it, counts it, and commits.
    await t.app.db.query(
      `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error) VALUES ($1, $2, $3, $4, $5, 5, 'handler bug')`,
      [`dl-replay-${victim!.id}`, picking.schema, victim!.id, victim!.type, JSON.stringify(victim!.envelope)],
    );
    const [r] = await replayContext(t.app.db, [module], 'picking', { projection, source: localEventStore(), contract: PublishedEvents });
    expect(r!.deadLettered).toBe(1);
    expect(r!.events).toBeGreaterThan(0);

    // Once replayed (closed), the dead letter no longer hides the event: the real handlers rebuild the live rows.
    await t.app.db.query(`UPDATE platform.dead_letters SET replayed_at = now() WHERE id = $1`, [`dl-replay-${victim!.id}`]);
    const [again] = await replayContext(t.app.db, t.app.modules, 'picking', { projection, source: localEventStore(), contract: PublishedEvents });
    expect(again!.deadLettered).toBe(0);
    expect(await projections()).toEqual(before);
  });
});
