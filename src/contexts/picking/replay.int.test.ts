import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, runPakLog } from '../../../test/support/paklog-process.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { PublishedEvents } from '../../contracts/events.ts';
import { buildGateway } from '../../gateway/gateway.ts';
import { localEventStore, remoteEventStore, type EventSource } from '../../platform/bus/event-store.ts';
import { loadConfig } from '../../platform/config/config.ts';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import { replayContext, replayProjection, ReplayError, type ReplayResult } from '../../platform/projection-replay.ts';

/** `paklog replay picking`: picking's products and locations rebuilt from the event store (issue 8 §4). */
let t: TestApp;
let siteId: string;
const SKUS = ['RP-1', 'RP-2', 'RP-3', 'RP-4', 'RP-5'];

const products = () => t.app.db.query(`SELECT sku, gtin FROM picking.products ORDER BY sku`);
const locations = () => t.app.db.query(
  `SELECT id, site_id, code, type, zone, aisle, x, y, z, pick_sequence FROM picking.locations ORDER BY id`,
);
const snapshot = async () => ({ products: await products(), locations: await locations() });

/** Wipes some rows, changes others and adds a stranger: what a replay must undo. */
async function corrupt(): Promise<void> {
  await t.app.db.query(`DELETE FROM picking.products WHERE sku IN ('RP-1', 'RP-4')`);
  await t.app.db.query(`UPDATE picking.products SET gtin = 'garbage' WHERE sku = 'RP-2'`);
  await t.app.db.query(`INSERT INTO picking.products (sku, gtin) VALUES ('NOT-IN-CATALOG', NULL)`);
  await t.app.db.query(`DELETE FROM picking.locations WHERE id IN (SELECT id FROM picking.locations ORDER BY id LIMIT 5)`);
  await t.app.db.query(`UPDATE picking.locations SET code = 'WRONG', x = 999 WHERE id = (SELECT max(id) FROM picking.locations)`);
}

const replay = (source: EventSource = localEventStore(3), projection?: string): Promise<ReplayResult[]> =>
  replayContext(t.app.db, t.app.modules, 'picking', { source, contract: PublishedEvents, projection });

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GTIN-13 with its GS1 check digit. */
function gtin13(base12: string): string {
  const sum = [...base12].reduce((n, d, i) => n + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return base12 + String((10 - (sum % 10)) % 10);
}

let before: Awaited<ReturnType<typeof snapshot>>;

beforeAll(async () => {
  t = await startTestApp();
  const site = await t.post('/api/v1/sites', { code: 'RPL', name: 'Replay site' });
  expect(site.status).toBe(201);
  siteId = site.body.id as string;
  // One layout event (many locations in one payload) and single location events: both feed the locations projection.
  expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 2, bays: 3, levels: 2, packStations: 1 })).status).toBe(201);
  for (const [i, code] of ['RPL-X-01', 'RPL-X-02'].entries()) {
    expect((await t.post(`/api/v1/sites/${siteId}/locations`, { code, type: 'PICK_FACE', x: 40 + i, y: 2.125, pickSequence: 900 + i })).status).toBe(201);
  }
  for (const sku of SKUS) {
    const gtin = sku === 'RP-3' ? {} : { gtin: gtin13(`40063813340${SKUS.indexOf(sku)}`) };
    const res = await t.post('/api/v1/products', { sku, description: sku, lengthMm: 100, widthMm: 50, heightMm: 20, weightG: 100, ...gtin });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  await t.settle();
  before = await snapshot();
  expect(before.products).toHaveLength(SKUS.length);
  expect(before.locations.length).toBeGreaterThan(10);
});
afterAll(async () => {
  await t.close();
});

describe('paklog replay picking (all-in-one: the local event store)', () => {
  it('rebuilds wiped and corrupted rows exactly as the live handlers wrote them, and a second replay changes nothing', async () => {
    await corrupt();
    expect(await snapshot()).not.toEqual(before);
    const first = await replay();
    expect(await snapshot()).toEqual(before);
    expect(first).toEqual([
      { context: 'picking', projection: 'products', events: SKUS.length, skipped: 0, deadLettered: 0, rows: { products: SKUS.length } },
      { context: 'picking', projection: 'locations', events: 3, skipped: 0, deadLettered: 0, rows: { locations: before.locations.length } },
      // No task was assigned in this test: nothing to rebuild, and nothing left behind.
      { context: 'picking', projection: 'list-workers', events: 0, skipped: 0, deadLettered: 0, rows: { list_workers: 0 } },
    ]);
    expect(await replay()).toEqual(first);
    expect(await snapshot()).toEqual(before);
  });

  it('replays one projection when asked, and leaves the other alone', async () => {
    await corrupt();
    const corrupted = await locations();
    const results = await replay(localEventStore(), 'products');
    expect(results.map((r) => r.projection)).toEqual(['products']);
    expect(await products()).toEqual(before.products);
    expect(await locations()).toEqual(corrupted);
    await replay(localEventStore(), 'locations');
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a live event that arrives during the replay: its handler waits on the lock and the row is there after', async () => {
    let reached!: () => void;
    const firstPageDone = new Promise<void>((r) => (reached = r));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const inner = localEventStore(2);
    const gated: EventSource = {
      description: inner.description,
      async *pages(types, db) {
        let first = true;
        for await (const page of inner.pages(types, db)) {
          yield page;
          if (first) {
            first = false;
            reached();
            await gate;
          }
        }
      },
    };
    const running = replay(gated, 'products');
    await firstPageDone;
    // The replay holds picking.products (truncated, two rows in): the catalog commits, picking's handler blocks.
    const created = await t.post('/api/v1/products', { sku: 'RP-LIVE', description: 'live', gtin: gtin13('400638133499'), lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await waitFor('picking\'s handler to wait on the replay\'s lock', async () => {
      const rows = await t.app.db.query<{ n: number }>(`SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = 'picking.products'::regclass`);
      return (rows[0]?.n ?? 0) > 0;
    });
    open();
    const [result] = await running;
    await t.settle();
    const after = await products();
    expect(after).toEqual([...before.products, { sku: 'RP-LIVE', gtin: gtin13('400638133499') }].sort((a, b) => String(a.sku).localeCompare(String(b.sku))));
    expect(result?.rows.products).toBe(SKUS.length + 1);
    before = await snapshot();
  });

  it('refuses a store that lacks events picking has handled, and changes nothing', async () => {
    const lagging: EventSource = { description: 'a lagging store', async *pages() { /* nothing yet */ } };
    await expect(replay(lagging)).rejects.toThrow(ReplayError);
    await expect(replay(lagging)).rejects.toThrow(/a lagging store lacks events picking has handled/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to commit a "projection" whose handler emits events', async () => {
    const emitting = {
      name: 'products', tables: ['products'],
      subscriptions: [{
        types: ['catalog.product.created.v1'],
        handle: async (event: EventEnvelope, tx: Tx) => {
          await t.app.bus.append(tx, 'picking', [{ type: 'picking.made-up.v1', subject: event.subject, data: {} }]);
        },
      }],
    };
    const pending = await t.app.bus.pendingCount(t.app.db);
    await expect(replayProjection(t.app.db, { name: 'picking', schema: 'picking' }, emitting, localEventStore()))
      .rejects.toThrow(/picking products: a handler emitted events/);
    expect(await snapshot()).toEqual(before);
    expect(await t.app.bus.pendingCount(t.app.db)).toBe(pending);
  });

  it('refuses a context that declares no projection, or a projection it does not have', async () => {
    const source = localEventStore();
    await expect(replayContext(t.app.db, t.app.modules, 'inventory', { source })).rejects.toThrow(/inventory declares no projection/);
    await expect(replayContext(t.app.db, t.app.modules, 'picking', { source, projection: 'orders' })).rejects.toThrow(/has no projection orders \(it has products, locations, list-workers\)/);
    await expect(replayContext(t.app.db, t.app.modules, 'billing', { source })).rejects.toThrow(/billing does not run in this process/);
  });

  it('GET /api/v1/events takes several types, in store order across them', async () => {
    const types = ['location-master.location.created.v1', 'catalog.product.created.v1'];
    const all = await t.getAll(`/api/v1/events?type=${types.join(',')}`);
    // Created in that order by beforeAll (two locations, then the products) and the live test (one more product).
    expect(all.map((e) => e.type)).toEqual([...Array(2).fill(types[0]), ...Array(SKUS.length + 1).fill(types[1])]);
  });

  it('the CLI command rebuilds them from the database it is given', async () => {
    await corrupt();
    const run = await runPakLog(['replay', 'picking'], cleanEnv({ DATABASE_URL: t.databaseUrl, PAKLOG_SEED_DEMO: 'false', LOG_LEVEL: 'warn' }));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`picking products: ${SKUS.length + 1} events replayed from the local event store (platform.events); products ${SKUS.length + 1} rows`);
    expect(run.stdout).toContain(`picking locations: 3 events replayed`);
    expect(await snapshot()).toEqual(before);
    // A split service's own platform.events holds only its own events: it must name the gateway.
    const split = await runPakLog(['replay', 'picking'], cleanEnv({ DATABASE_URL: t.databaseUrl, PAKLOG_CONTEXTS: 'tasks,picking,pack-ship' }));
    expect(split.code).toBe(2);
    expect(split.stderr).toContain('set PAKLOG_GATEWAY_URL');
    // A gateway that cannot be reached: one line naming it (it was a fetch stack trace), exit 1, the projection as it was.
    await corrupt();
    const corrupted = await snapshot();
    const gateway = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runPakLog(['replay', 'picking', '--gateway', gateway, '--api-key', 'pk_any'], cleanEnv({ DATABASE_URL: t.databaseUrl, PAKLOG_SEED_DEMO: 'false', LOG_LEVEL: 'warn' }));
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n').at(-1)).toBe(`paklog replay: cannot reach the event store at ${gateway}: ECONNREFUSED (the projection it was rebuilding is left as it was)`);
    expect(await snapshot()).toEqual(corrupted);
    await replay();
  }, 120_000);
});

describe('paklog replay picking (split: the gateway\'s event store over HTTP)', () => {
  it('pages through GET /api/v1/events of a real gateway and rebuilds the same rows', async () => {
    await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.http.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const gwDb = await createTestDatabase();
    const adminKey = 'pk_replay_gateway_admin_key_0123456789';
    const gateway = await buildGateway(loadConfig({
      LOG_LEVEL: 'silent', PAKLOG_GATEWAY_SECRET: 'a-gateway-secret-of-at-least-32-chars!', PAKLOG_ADMIN_API_KEY: adminKey,
      PAKLOG_SERVICES: `http://127.0.0.1:${address.port}`, PAKLOG_DB_POOL_SIZE: '4',
    }), gwDb.url, { discoverWaitMs: 10_000 });
    try {
      // The gateway's store is what its consumer appended off the broker; here the events are copied over, in order.
      const events = await t.app.db.query<{ envelope: Record<string, unknown> }>(`SELECT envelope FROM platform.events ORDER BY seq`);
      for (const { envelope: e } of events) {
        await gateway.db.query(
          `INSERT INTO platform.events (event_id, source, type, subject, time, envelope) VALUES ($1, $2, $3, $4, $5, $6)`,
          [e.id, e.source, e.type, e.subject, e.time, JSON.stringify(e)],
        );
      }
      const gwAddress = await gateway.http.listen({ port: 0, host: '127.0.0.1' });
      await corrupt();
      const source = remoteEventStore({ url: gwAddress, apiKey: adminKey, pageSize: 2 });
      const results = await replay(source);
      expect(await snapshot()).toEqual(before);
      expect(results.map((r) => [r.projection, r.events])).toEqual([['products', SKUS.length + 1], ['locations', 3], ['list-workers', 0]]);
      expect(source.description).toBe(`the event store at ${gwAddress}`);
      // A key the gateway does not know: the replay fails before anything is committed.
      await corrupt();
      const corrupted = await snapshot();
      await expect(replay(remoteEventStore({ url: gwAddress, apiKey: 'pk_not_a_key_of_this_gateway' }))).rejects.toThrow(/answered 401/);
      expect(await snapshot()).toEqual(corrupted);
      await replay();
      expect(await snapshot()).toEqual(before);
    } finally {
      await gateway.close();
      await gwDb.drop();
    }
  });
});
