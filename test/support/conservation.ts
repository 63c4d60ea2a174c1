/**
 * Stock conservation, two ways. `conservationDifferences` reads the inventory schema itself and lists every stock rule
 * that breaks at that instant: test-database.ts runs it before each test database is dropped (so after every e2e and
 * integration file), and the property test (test/e2e/inventory-properties.test.ts) during and after its runs. The
 * `expect…` helpers check a flow's end over the API, shared by every protocol's end-to-end flow (REST in
 * order-to-ship.test.ts, gRPC for the floor steps in grpc-floor.test.ts): every order SHIPPED (the shorted one
 * partially, unless another location covered the short), one shipped event each, and per SKU received − shipped ± adjustments = on-hand, with the raw ledger
 * adding up to the same numbers and nothing left reserved or allocated.
 */
import pg from 'pg';
import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

export interface FlowRun {
  readonly siteId: string;
  readonly orders: readonly { id: string; lines: readonly { sku: string; quantity: number }[] }[];
  /** Units ordered per SKU. */
  readonly ordered: ReadonlyMap<string, number>;
  /** The one line shorted by one unit. */
  readonly short: { sku: string; orderId: string };
  /** The short was re-reserved at another location and picked there (ADR 0024): every order ships complete. */
  readonly recovered?: boolean;
  readonly receivedPerSku: number;
  readonly skus: number;
}

interface LedgerRow { type: string; sku: string; deltaOnHand: number }

export async function expectStockConserved(t: TestApp, run: FlowRun): Promise<void> {
  const { siteId, orders, ordered, short } = run;
  const missing = run.recovered === true ? 0 : 1;
  for (const o of orders) {
    const res = await t.get(`/api/v1/orders/${o.id}`, 'viewer');
    expect(res.body.status, o.id).toBe('SHIPPED');
    const shippedUnits = (res.body.lines as { shipped: number }[]).reduce((s, l) => s + l.shipped, 0);
    const orderedUnits = o.lines.reduce((s, l) => s + l.quantity, 0);
    expect(shippedUnits).toBe(o.id === short.orderId ? orderedUnits - missing : orderedUnits);
  }
  const shippedEvents = await t.get(`/api/v1/events?type=orders.order.shipped.v1&limit=100`);
  expect(shippedEvents.body.items).toHaveLength(orders.length);
  expect(shippedEvents.body.items.filter((e: { data: { partial: boolean } }) => e.data.partial)).toHaveLength(missing);

  const summary = await t.getAll(`/api/v1/inventory/summary?siteId=${siteId}`);
  expect(summary).toHaveLength(run.skus);
  for (const s of summary as { sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number; reserved: number; allocated: number }[]) {
    const expectedShipped = (ordered.get(s.sku) ?? 0) - (s.sku === short.sku ? missing : 0);
    expect(s.received, s.sku).toBe(run.receivedPerSku);
    expect(s.shipped, s.sku).toBe(expectedShipped);
    expect(s.adjusted, s.sku).toBe(s.sku === short.sku ? -1 : 0);
    expect(s.received - s.shipped + s.adjusted, s.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
    expect(s.reserved, s.sku).toBe(0);
    expect(s.allocated, s.sku).toBe(0);
    // Independently of the summary: the raw ledger's movements add up to the same numbers.
    const rows = await t.getAll<LedgerRow>(`/api/v1/inventory/ledger?siteId=${siteId}&sku=${encodeURIComponent(s.sku)}`);
    const sum = (type: string) => rows.filter((r) => r.type === type).reduce((a, r) => a + r.deltaOnHand, 0);
    expect(sum('RECEIPT')).toBe(run.receivedPerSku);
    expect(-sum('SHIP')).toBe(expectedShipped);
    expect(rows.reduce((a, r) => a + r.deltaOnHand, 0)).toBe(s.onHand);
  }
  const balances = await t.get(`/api/v1/inventory/balances?siteId=${siteId}`);
  for (const b of balances.body.items as { onHand: number; reserved: number }[]) {
    expect(b.onHand).toBeGreaterThanOrEqual(0);
    expect(b.reserved).toBeLessThanOrEqual(b.onHand);
  }
}

interface SummaryRow {
  sku: string; received: number; shipped: number; adjusted: number; onHand: number; onHandAvailable: number; reserved: number; allocated: number;
  ledgerOnHand: number; ledgerReserved: number; ledgerAllocated: number;
}

/**
 * At any moment, not only at the end of a flow: per SKU the ledger's sums equal the balances (on hand, reserved,
 * allocated), received − shipped ± adjusted = on hand, and the raw ledger adds up to the same on-hand. Units on their
 * way (in a tote, waiting for a return to stock) count where they are. Returns the summary per SKU.
 */
export async function expectLedgerConserved(t: TestApp, siteId: string): Promise<Map<string, SummaryRow>> {
  await t.settle();
  const summary = await t.getAll<SummaryRow>(`/api/v1/inventory/summary?siteId=${siteId}`);
  for (const s of summary) {
    expect(s.received - s.shipped + s.adjusted, s.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
    expect(s.ledgerReserved, s.sku).toBe(s.reserved);
    expect(s.ledgerAllocated, s.sku).toBe(s.allocated);
    const rows = await t.getAll<LedgerRow>(`/api/v1/inventory/ledger?siteId=${siteId}&sku=${encodeURIComponent(s.sku)}`);
    expect(rows.reduce((a, r) => a + r.deltaOnHand, 0), s.sku).toBe(s.onHand);
  }
  return new Map(summary.map((s) => [s.sku, s]));
}

/** What a small flow expects per SKU at its end: units received, shipped and adjusted, and what is still allocated. */
export interface SkuExpectation {
  readonly sku: string;
  readonly received: number;
  readonly shipped: number;
  readonly adjusted: number;
  /** Units still reserved / allocated at the end (0 once every order shipped or was cancelled). */
  readonly reserved?: number;
  readonly allocated?: number;
}

/**
 * Stock conservation for any flow, per SKU: the summary's ledger sums are as expected, received − shipped ± adjusted =
 * on-hand, the ledger's on-hand equals the balances', the raw movements add up to the same, and no balance is negative
 * or over-reserved.
 */
export async function expectSkusConserved(t: TestApp, siteId: string, expected: readonly SkuExpectation[]): Promise<void> {
  const items = await t.getAll<{ sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number; reserved: number; allocated: number }>(
    `/api/v1/inventory/summary?siteId=${siteId}`);
  for (const e of expected) {
    const s = items.find((i) => i.sku === e.sku);
    expect(s, e.sku).toBeDefined();
    if (s === undefined) continue;
    expect({ received: s.received, shipped: s.shipped, adjusted: s.adjusted }, e.sku).toEqual({ received: e.received, shipped: e.shipped, adjusted: e.adjusted });
    expect(s.received - s.shipped + s.adjusted, e.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, e.sku).toBe(s.onHand);
    expect(s.reserved, e.sku).toBe(e.reserved ?? 0);
    expect(s.allocated, e.sku).toBe(e.allocated ?? 0);
    const rows = await t.getAll<LedgerRow>(`/api/v1/inventory/ledger?siteId=${siteId}&sku=${encodeURIComponent(e.sku)}`);
    expect(rows.reduce((a, r) => a + r.deltaOnHand, 0), e.sku).toBe(s.onHand);
  }
  const balances = await t.getAll<{ onHand: number; reserved: number }>(`/api/v1/inventory/balances?siteId=${siteId}`);
  for (const b of balances) {
    expect(b.onHand).toBeGreaterThanOrEqual(0);
    expect(b.reserved).toBeLessThanOrEqual(b.onHand);
  }
}

/**
 * Movement types that take units into or out of the site (or correct what it holds). Every other type moves units
 * between balances and nets to zero per SKU, which is what `received − shipped ± adjusted ± counted = on hand` says.
 * A new type that changes the site's total (a scrap, a return from a customer) belongs here.
 */
export const SITE_TOTAL_TYPES = ['RECEIPT', 'SHIP', 'ADJUST', 'COUNT'] as const;

/** One broken rule, with the rows that break it (at most `ROW_LIMIT` of them). */
export interface ConservationDifference {
  readonly rule: string;
  readonly rows: readonly Record<string, unknown>[];
}

const ROW_LIMIT = 20;

/**
 * The stock rules that hold at every committed instant, whatever ran before (not only at the end of a flow), read in
 * one REPEATABLE READ snapshot straight from the inventory schema: what the API says is not the witness here.
 * Each entry is a rule and the SQL listing the rows that break it (none when it holds).
 */
const RULES: readonly { rule: string; sql: string }[] = [
  {
    rule: 'the ledger adds up to every balance (Σ delta_on_hand = on_hand, Σ delta_reserved = reserved per site, owner, SKU, location, lot, status)',
    sql: `WITH l AS (
            SELECT site_id, owner_id, sku, location_id, lot, status, sum(delta_on_hand)::int8 AS on_hand, sum(delta_reserved)::int8 AS reserved
            FROM inventory.movements WHERE location_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6)
          SELECT site_id, owner_id, sku, location_id, lot, status, COALESCE(l.on_hand, 0) AS ledger_on_hand, COALESCE(b.on_hand, 0) AS on_hand,
                 COALESCE(l.reserved, 0) AS ledger_reserved, COALESCE(b.reserved, 0) AS reserved
          FROM l FULL JOIN inventory.balances b USING (site_id, owner_id, sku, location_id, lot, status)
          WHERE COALESCE(l.on_hand, 0) <> COALESCE(b.on_hand, 0) OR COALESCE(l.reserved, 0) <> COALESCE(b.reserved, 0)
          ORDER BY 1, 2, 3, 4, 5, 6`,
  },
  {
    rule: 'SKU-level movements (no location) change no on-hand and no reservation',
    sql: `SELECT id, type, site_id, owner_id, sku, delta_on_hand, delta_reserved FROM inventory.movements
          WHERE location_id IS NULL AND (delta_on_hand <> 0 OR delta_reserved <> 0) ORDER BY seq`,
  },
  {
    rule: 'no balance is negative or reserved beyond its on-hand',
    sql: `SELECT site_id, owner_id, sku, location_id, lot, status, on_hand, reserved FROM inventory.balances
          WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand ORDER BY 1, 2, 3, 4, 5, 6`,
  },
  {
    rule: 'stock that is not AVAILABLE (held, quarantined, damaged) is never reserved',
    sql: `SELECT site_id, owner_id, sku, location_id, lot, status, on_hand, reserved FROM inventory.balances
          WHERE status <> 'AVAILABLE' AND reserved <> 0 ORDER BY 1, 2, 3, 4, 5, 6`,
  },
  {
    rule: 'every balance\'s reserved units are its open reservations\' open units (quantity − picked − shorted)',
    sql: `WITH r AS (
            SELECT site_id, owner_id, sku, location_id, lot, sum(quantity - picked - shorted)::int8 AS open
            FROM inventory.reservations WHERE status = 'OPEN' GROUP BY 1, 2, 3, 4, 5),
          b AS (SELECT site_id, owner_id, sku, location_id, lot, reserved::int8 AS reserved FROM inventory.balances WHERE status = 'AVAILABLE')
          SELECT site_id, owner_id, sku, location_id, lot, COALESCE(r.open, 0) AS open_reservations, COALESCE(b.reserved, 0) AS reserved
          FROM r FULL JOIN b USING (site_id, owner_id, sku, location_id, lot)
          WHERE COALESCE(r.open, 0) <> COALESCE(b.reserved, 0) ORDER BY 1, 2, 3, 4, 5`,
  },
  {
    rule: 'sku_stock.on_hand_available = Σ AVAILABLE on-hand of the owner\'s SKU (in-process units included)',
    sql: `WITH b AS (SELECT site_id, owner_id, sku, sum(on_hand)::int8 AS on_hand FROM inventory.balances WHERE status = 'AVAILABLE' GROUP BY 1, 2, 3)
          SELECT site_id, owner_id, sku, COALESCE(s.on_hand_available, 0) AS on_hand_available, COALESCE(b.on_hand, 0) AS available_balances
          FROM b FULL JOIN inventory.sku_stock s USING (site_id, owner_id, sku)
          WHERE COALESCE(s.on_hand_available, 0) <> COALESCE(b.on_hand, 0) ORDER BY 1, 2, 3`,
  },
  {
    rule: 'sku_stock.allocated = Σ delta_allocated of the ledger = Σ allocated of the order lines, and never above on_hand_available',
    sql: `WITH l AS (SELECT site_id, owner_id, sku, sum(delta_allocated)::int8 AS allocated FROM inventory.movements GROUP BY 1, 2, 3),
          a AS (SELECT site_id, owner_id, sku, sum(allocated)::int8 AS allocated FROM inventory.allocations GROUP BY 1, 2, 3)
          SELECT site_id, owner_id, sku, COALESCE(s.allocated, 0) AS allocated, COALESCE(l.allocated, 0) AS ledger_allocated,
                 COALESCE(a.allocated, 0) AS lines_allocated, COALESCE(s.on_hand_available, 0) AS on_hand_available
          FROM l FULL JOIN a USING (site_id, owner_id, sku) FULL JOIN inventory.sku_stock s USING (site_id, owner_id, sku)
          WHERE COALESCE(s.allocated, 0) <> COALESCE(l.allocated, 0) OR COALESCE(s.allocated, 0) <> COALESCE(a.allocated, 0)
             OR COALESCE(s.allocated, 0) > COALESCE(s.on_hand_available, 0)
          ORDER BY 1, 2, 3`,
  },
  {
    rule: 'order lines that are SHIPPED or CANCELLED hold no allocation',
    sql: `SELECT order_id, line_id, site_id, sku, status, allocated FROM inventory.allocations
          WHERE status IN ('SHIPPED', 'CANCELLED') AND allocated <> 0 ORDER BY 1, 2`,
  },
  {
    rule: 'sku_stock.unpickable = Σ AVAILABLE on-hand at non-pickable locations + the units of open returns to stock',
    sql: `WITH b AS (
            SELECT b.site_id, b.owner_id, b.sku, sum(b.on_hand)::int8 AS units FROM inventory.balances b
            JOIN inventory.locations l ON l.location_id = b.location_id
            WHERE b.status = 'AVAILABLE' AND NOT l.pickable GROUP BY 1, 2, 3),
          r AS (SELECT site_id, owner_id, sku, sum(quantity - returned)::int8 AS units FROM inventory.returns WHERE status = 'OPEN' GROUP BY 1, 2, 3)
          SELECT site_id, owner_id, sku, s.unpickable, COALESCE(b.units, 0) AS at_unpickable_locations, COALESCE(r.units, 0) AS open_returns
          FROM inventory.sku_stock s LEFT JOIN b USING (site_id, owner_id, sku) LEFT JOIN r USING (site_id, owner_id, sku)
          WHERE s.unpickable <> COALESCE(b.units, 0) + COALESCE(r.units, 0) OR s.unpickable > s.on_hand_available
          ORDER BY 1, 2, 3`,
  },
  {
    rule: 'the units of open returns to stock are in their order\'s tote (in-process balance)',
    sql: `WITH r AS (
            SELECT site_id, owner_id, sku, lot, from_location_id AS location_id, sum(quantity - returned)::int8 AS open
            FROM inventory.returns WHERE status = 'OPEN' GROUP BY 1, 2, 3, 4, 5)
          SELECT site_id, owner_id, sku, lot, location_id, r.open, COALESCE(b.on_hand, 0) AS in_tote
          FROM r LEFT JOIN inventory.balances b USING (site_id, owner_id, sku, lot, location_id)
          WHERE b.status IS DISTINCT FROM 'AVAILABLE' OR r.open > b.on_hand ORDER BY 1, 2, 3, 4, 5`,
  },
  {
    rule: `received − shipped ± adjusted ± counted = on hand per owner and SKU (${SITE_TOTAL_TYPES.join(', ')}; every other movement nets to zero)`,
    sql: `WITH l AS (
            SELECT site_id, owner_id, sku, COALESCE(sum(delta_on_hand) FILTER (WHERE type IN (${SITE_TOTAL_TYPES.map((x) => `'${x}'`).join(', ')})), 0)::int8 AS site_total,
                   sum(delta_on_hand)::int8 AS ledger_on_hand
            FROM inventory.movements GROUP BY 1, 2, 3),
          b AS (SELECT site_id, owner_id, sku, sum(on_hand)::int8 AS on_hand FROM inventory.balances GROUP BY 1, 2, 3)
          SELECT site_id, owner_id, sku, COALESCE(l.site_total, 0) AS received_shipped_adjusted_counted, COALESCE(b.on_hand, 0) AS on_hand
          FROM l FULL JOIN b USING (site_id, owner_id, sku)
          WHERE COALESCE(l.site_total, 0) <> COALESCE(b.on_hand, 0) ORDER BY 1, 2, 3`,
  },
];

/**
 * The rule that only holds where no location is blocked after allocation (the property test's world: nothing blocks).
 * A location under count is paused, not blocked: its units leave ATP for the count's few minutes (nothing new is
 * promised from them) but stay where the orders already promised them, so they count as pickable here.
 */
export const STRICT_ATP_RULE = {
  rule: 'allocated ≤ pickable AVAILABLE on-hand per SKU (on_hand_available − unpickable, units paused by a count included): nothing is promised that no pick face holds',
  sql: `WITH paused AS (
          SELECT b.site_id, b.owner_id, b.sku, sum(b.on_hand)::int8 AS units FROM inventory.balances b
            JOIN inventory.locations l ON l.location_id = b.location_id
           WHERE b.status = 'AVAILABLE' AND l.count_locks > 0 AND NOT l.pickable AND l.status = 'ACTIVE' AND l.type IN ('STORAGE', 'PICK_FACE', 'RESERVE')
           GROUP BY 1, 2, 3)
        SELECT s.site_id, s.owner_id, s.sku, s.on_hand_available, s.unpickable, COALESCE(p.units, 0) AS paused_by_count, s.allocated
          FROM inventory.sku_stock s LEFT JOIN paused p USING (site_id, owner_id, sku)
         WHERE s.allocated > s.on_hand_available - s.unpickable + COALESCE(p.units, 0) ORDER BY 1, 2, 3`,
} as const;

const LIVE_LPN = `('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT')`;

/**
 * The LPN tree stays one tree (lpn9), read from physical tracking's schema when the database has it: a CONSUMED LPN
 * (emptied, off the floor) is in nothing and holds no live LPN; a live LPN inside a live one rests where it does; no
 * LPN is inside itself. Not a rule: an LPN that shipped off a live container keeps its parent_id for the record (ADR
 * 0029 addendum 2026-12-06), and a LOST LPN's tree rests nowhere.
 */
export const LPN_TREE_RULES: readonly { rule: string; sql: string }[] = [
  {
    rule: 'LPN tree: a CONSUMED LPN is in nothing and holds no live LPN',
    sql: `SELECT l.site_id, l.id, l.code, l.parent_id FROM physical_tracking.lpns l
           WHERE l.status = 'CONSUMED' AND (l.parent_id IS NOT NULL
              OR EXISTS (SELECT 1 FROM physical_tracking.lpns c WHERE c.parent_id = l.id AND c.status IN ${LIVE_LPN})) ORDER BY 1, 2`,
  },
  {
    rule: 'LPN tree: a live LPN inside a live one rests where it does',
    sql: `SELECT c.site_id, c.id, c.code, c.location_id, p.id AS parent_id, p.location_id AS parent_location_id
            FROM physical_tracking.lpns c JOIN physical_tracking.lpns p ON p.id = c.parent_id
           WHERE c.status IN ${LIVE_LPN} AND p.status IN ${LIVE_LPN} AND c.location_id IS DISTINCT FROM p.location_id ORDER BY 1, 2`,
  },
  {
    rule: 'LPN tree: no LPN is inside itself (A in B in A)',
    sql: `WITH RECURSIVE up(start, id, n) AS (
            SELECT l.id, l.parent_id, 1 FROM physical_tracking.lpns l WHERE l.parent_id IS NOT NULL
            UNION ALL
            SELECT up.start, p.parent_id, up.n + 1 FROM up JOIN physical_tracking.lpns p ON p.id = up.id
             WHERE p.parent_id IS NOT NULL AND up.id <> up.start AND up.n < 12)
          SELECT DISTINCT l.site_id, l.id, l.code FROM up JOIN physical_tracking.lpns l ON l.id = up.start WHERE up.id = up.start ORDER BY 1, 2`,
  },
];

export interface ConservationScope {
  /** Only this site's rows (default: every site). */
  readonly siteId?: string;
  /** Add STRICT_ATP_RULE. */
  readonly strictAtp?: boolean;
}

/**
 * Every stock rule that breaks in the database at `databaseUrl`, read in one snapshot (empty when all hold, and when the
 * database has no inventory schema: a process that ran other contexts only).
 */
export async function conservationDifferences(databaseUrl: string, o: ConservationScope = {}): Promise<ConservationDifference[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const schema = await client.query(`SELECT to_regclass('inventory.movements') IS NOT NULL AS present`);
    if (schema.rows[0]?.present !== true) return [];
    const differences: ConservationDifference[] = [];
    const lpns = await client.query(`SELECT to_regclass('physical_tracking.lpns') IS NOT NULL AS present`);
    const lpnRules = lpns.rows[0]?.present === true ? LPN_TREE_RULES : [];
    for (const r of [...(o.strictAtp === true ? [...RULES, STRICT_ATP_RULE] : RULES), ...lpnRules]) {
      // Every rule's rows name their site.
      const res = await client.query<Record<string, unknown>>(
        `SELECT * FROM (${r.sql}) broken WHERE $1::text IS NULL OR broken.site_id = $1 LIMIT ${ROW_LIMIT + 1}`, [o.siteId ?? null]);
      if (res.rows.length > 0) differences.push({ rule: r.rule, rows: res.rows });
    }
    await client.query('COMMIT');
    return differences;
  } finally {
    await client.end();
  }
}

/** The differences as a readable message: each broken rule, then its rows. */
export function describeDifferences(differences: readonly ConservationDifference[]): string {
  return differences.map((d) => `✗ ${d.rule}\n${d.rows.slice(0, ROW_LIMIT).map((r) => `    ${JSON.stringify(r)}`).join('\n')}`
    + (d.rows.length > ROW_LIMIT ? '\n    …' : '')).join('\n');
}

/** Throws, listing every broken rule and its rows, unless the stock in the database at `databaseUrl` is conserved. */
export async function assertStockConserved(databaseUrl: string, o: ConservationScope & { when?: string } = {}): Promise<void> {
  const differences = await conservationDifferences(databaseUrl, o);
  if (differences.length > 0) {
    throw new Error(`stock is not conserved${o.when === undefined ? '' : ` ${o.when}`}:\n${describeDifferences(differences)}`);
  }
}
