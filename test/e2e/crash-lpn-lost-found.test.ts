/**
 * `paklog start` SIGKILLed in the middle of LPN commands no other crash file covers — built with contents, split,
 * reported lost (inventory holds its units), found elsewhere (inventory moves and releases them), consolidated — each
 * retried with the same Idempotency-Key until answered and replayed: each took effect once, inventory's hold, move and
 * release once, every event once, the reconciliation of LPNs against the books clean, the ledger conserved.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let w: Warehouse;
let kills = 0;
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);

/** A transaction of the server is open and its last statement touched the Idempotency-Key: the command is in flight. */
const inFlight = async (): Promise<boolean> => await n(
  `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction') AND query ILIKE '%platform.idempotency_keys%'`) > 0;
/** The request's key is stored: its work committed (the answer maybe unsent). */
const committed = async (key: string): Promise<boolean> => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1 AND status_code IS NOT NULL`, [key]) > 0;

async function killed(url: string, body: unknown, when: 'in flight' | 'committed'): Promise<Answer> {
  const res = await s.killedDuring(url, body, when === 'in flight' ? () => inFlight() : committed);
  kills++;
  return res;
}

interface Lpn { id: string; status: string; locationId: string | null; contents: { sku: string; quantity: number }[] }

beforeAll(async () => {
  s = await crashServer();
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  w = await setupWarehouse(call, { siteCode: 'CRLPNLOST', aisles: 1, bays: 4, levels: 1, skus: 1 });
  expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: w.products[0]!.sku, locationId: w.storage[0]!.id, quantity: 10 })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

const units = async (locationId: string): Promise<{ onHand: number; held: number }> => {
  const sku = w.products[0]!.sku;
  const r = await probe.query<{ status: string; q: string }>(
    `SELECT status, sum(on_hand)::text AS q FROM inventory.balances WHERE location_id = $1 AND sku = $2 GROUP BY status`, [locationId, sku]);
  const by = Object.fromEntries(r.rows.map((x) => [x.status, Number(x.q)]));
  return { onHand: Object.values(by).reduce((a, b) => a + b, 0), held: by.HOLD ?? 0 };
};

describe('paklog start killed during LPN commands, each retried with its Idempotency-Key', () => {
  it('builds, splits, loses, finds and consolidates once each; inventory holds, moves and releases once', async () => {
    const sku = w.products[0]!.sku;
    const [a, b] = [w.storage[0]!, w.storage[1]!];
    const built = await killed('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'CRLOST-P1', locationId: a.id, contents: [{ sku, quantity: 10 }], workerId: 'w1' }, 'in flight');
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const pallet = built.body as Lpn;
    const split = await killed(`/api/v1/lpns/${pallet.id}/split`, { lines: [{ sku, quantity: 3 }], newLpn: { type: 'CASE', code: 'CRLOST-C1' }, workerId: 'w1' }, 'committed');
    expect(split.status, JSON.stringify(split.body)).toBe(201);
    const caseLpn = (split.body as { target: Lpn }).target;
    expect((split.body as { source: Lpn }).source.contents).toEqual([expect.objectContaining({ sku, quantity: 7 })]);

    const lost = await killed(`/api/v1/lpns/${pallet.id}/lost`, { reason: 'not at its place' }, 'in flight');
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    expect(lost.body.status).toBe('LOST');
    await until('held by inventory', () => units(a.id), (u) => u.held === 7);

    const found = await killed(`/api/v1/lpns/${pallet.id}/found`, { location: b.code, workerId: 'w1' }, 'committed');
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({ status: 'OPEN', locationId: b.id });
    await until('moved and released by inventory', async () => [await units(a.id), await units(b.id)] as const, ([x, y]) => x.onHand === 3 && y.onHand === 7 && y.held === 0 && x.held === 0);

    const tote = await call<Lpn>('tote', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'TOTE', code: 'CRLOST-T1', locationId: a.id, workerId: 'w1' });
    expect(tote.status).toBe(201);
    const merged = await killed(`/api/v1/lpns/${caseLpn.id}/consolidate`, { into: tote.body.id, workerId: 'w1' }, 'in flight');
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const toteNow = (await call<Lpn>('tote now', 'GET', `/api/v1/lpns/${tote.body.id}`)).body;
    expect(toteNow.contents).toEqual([expect.objectContaining({ sku, quantity: 3 })]);
    expect((await call<Lpn>('case now', 'GET', `/api/v1/lpns/${caseLpn.id}`)).body.status).toBe('CONSUMED');

    // Once each.
    expect(kills).toBe(5);
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    const per = async (type: string): Promise<number> => n(`SELECT count(*) AS n FROM platform.events WHERE type = $1`, [type]);
    expect(await per('physical-tracking.lpn.lost.v1')).toBe(1);
    expect(await per('physical-tracking.lpn.found.v1')).toBe(1);
    expect(await per('inventory.lpn-hold.placed.v1')).toBe(1);
    const scans = await probe.query<{ meaning: string; n: string }>(
      `SELECT envelope->'data'->>'meaning' AS meaning, count(*)::text AS n FROM platform.events WHERE type = 'physical-tracking.scan.recorded.v1' GROUP BY 1 ORDER BY 1`);
    expect(Object.fromEntries(scans.rows.map((r) => [r.meaning, Number(r.n)]))).toEqual({ BUILD: 2, SPLIT: 1, LOST: 1, FOUND: 1, CONSOLIDATE: 1 });
    const movements = await probe.query<{ type: string; n: string }>(
      `SELECT type, count(*)::text AS n FROM inventory.movements WHERE sku = $1 GROUP BY type ORDER BY type`, [sku]);
    // The receipt; the hold (AVAILABLE out, HOLD in), the held units' move to where the pallet was found and their release: two rows each.
    expect(Object.fromEntries(movements.rows.map((r) => [r.type, Number(r.n)]))).toEqual({ RECEIPT: 1, HOLD: 2, MOVE: 2, RELEASE: 2 });
    const reconciled = (await call<{ differences: unknown[] }>('reconcile', 'GET', `/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body;
    expect(reconciled.differences).toEqual([]);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    const open = (await call<{ items: { kind: string }[] }>('exceptions', 'GET', `/api/v1/exceptions?siteId=${w.siteId}&status=OPEN`)).body.items;
    expect(open.map((x) => x.kind)).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    await assertStockConserved(s.db.url, { when: 'after the kills during LPN commands' });
  }, 120_000);
});
