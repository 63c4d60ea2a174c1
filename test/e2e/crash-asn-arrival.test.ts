/**
 * `paklog start` killed (SIGKILL) between a RECEIVE_LPN scan's admission at inventory and its commit (ADR 0029 addendum
 * 2026-12-06, "a refused scan", and its sequel of 2026-12-07): the scan waits for its label's lock, held here by another
 * session, after inventory committed the pallet's arrival against the ASN; the process is killed there and started
 * again. The arrival was left under an LPN id no LPN carries: the ASN could not be cancelled (409, "its LPN was scanned
 * in") and closed only with `acceptUnbooked`, for good. Now the scan's lease on its admission lapses and the
 * arrival-admissions job withdraws it: the ASN is cancelled; the dock scans the pallet again; and an admission whose scan
 * committed is never withdrawn.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

let server: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);
const arrivals = (asnId: string): Promise<number> => n('SELECT count(*) AS n FROM inventory.asn_lpn_arrivals WHERE asn_id = $1', [asnId]);

beforeAll(async () => {
  server = await crashServer({ name: 'paklog start (ASN arrival)' });
  ({ call } = server);
  probe = new pg.Client({ connectionString: server.db.url });
  await probe.connect();
  w = await setupWarehouse(call, { siteCode: 'CRARRIVE', aisles: 1, bays: 1, levels: 1, skus: 1 });
  dock = (await call<{ items: { id: string; code: string }[] }>('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0]!;
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await server?.close();
});

async function asnFor(label: string): Promise<string> {
  const asn = await call<{ id: string }>('asn', 'POST', '/api/v1/inventory/asns', {
    siteId: w.siteId, supplier: 'Crash Ltd', lines: [{ sku: w.products[0]!.sku, quantity: 5, expectedLpn: label }],
  });
  expect(asn.status, JSON.stringify(asn.body)).toBe(201);
  // Physical tracking heard of the ASN (its asn-lpns projection): the scan is admitted.
  await until('physical tracking knows the ASN', () => n('SELECT count(*) AS n FROM physical_tracking.asn_lpns WHERE asn_id = $1', [asn.body.id]), (x) => x > 0);
  return asn.body.id;
}
const scanIn = (label: string) => server.attempt('/api/v1/scans', { siteId: w.siteId, barcode: label, meaning: 'RECEIVE_LPN', locationId: dock.id, workerId: 'receiver' }, undefined);
const cancel = (asnId: string) => call<{ status: string; code?: string }>('cancel', 'POST', `/api/v1/inventory/asns/${asnId}/cancel`, { reason: 'supplier cancelled' });

describe('paklog start killed between a RECEIVE_LPN scan\'s admission and its commit', () => {
  it('the arrival left behind is withdrawn once its lease lapses: the ASN is cancelled; the pallet is scanned in again; a committed scan\'s arrival stays', async () => {
    const [orphaned, rescanned] = ['CRASH-ARRIVAL-1', 'CRASH-ARRIVAL-2'];
    const asns = { [orphaned]: await asnFor(orphaned), [rescanned]: await asnFor(rescanned) };
    for (const label of [orphaned, rescanned]) {
      // Another session holds the label's lock (the one the scan's transaction takes first): the scan, admitted, waits there.
      const holder = new pg.Client({ connectionString: server.db.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('physical_tracking.lpn_code'), hashtext($1))`, [`${w.siteId} ${label}`]);
      const answer = scanIn(label);
      await until('the scan admitted, waiting for its label', async () => await arrivals(asns[label]!) > 0 && await n(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`) > 0, (x) => x);
      await server.crash();
      expect(await answer).toBeUndefined();
      await holder.query('COMMIT');
      await holder.end();
      expect(await n('SELECT count(*) AS n FROM physical_tracking.lpns WHERE code = $1', [label])).toBe(0);
    }
    // The dock scans the second pallet again at once (a new LPN id): received.
    const again = await scanIn(rescanned);
    expect(again?.status, JSON.stringify(again?.body)).toBe(201);
    // The killed scans' admissions lapse (no process renews them) and the job withdraws them; the committed scan's stays.
    // Before: the orphaned arrival stayed, and the cancel answered 409 ILLEGAL_TRANSITION ("its LPN was scanned in") for good.
    await until('the orphaned arrivals withdrawn', async () => [await arrivals(asns[orphaned]!), await arrivals(asns[rescanned]!)],
      ([a, b]) => a === 0 && b === 1, 30_000);
    const cancelled = await cancel(asns[orphaned]!);
    expect([cancelled.status, cancelled.body.status], JSON.stringify(cancelled.body)).toEqual([200, 'CANCELLED']);
    // The pallet received holds its ASN as ever (its arrival is its LPN's, not withdrawn).
    const held = await cancel(asns[rescanned]!);
    expect([held.status, held.body.code], JSON.stringify(held.body)).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(await n('SELECT count(*) AS n FROM physical_tracking.lpns WHERE code = $1', [rescanned])).toBe(1);
  }, 180_000);
});
