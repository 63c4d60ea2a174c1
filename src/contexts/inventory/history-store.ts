/**
 * SQL of stock history (issue 11): point-in-time stock rebuilt from the ledger, the snapshots that keep it fast, and the
 * reconciliation of the stock tables against the ledger. Read-only on the stock tables; writes only snapshots.
 *
 * "As of T" means: the sums of the movements whose `created_at`, to the millisecond, is at or before T. `created_at` is the start of the
 * movement's transaction, so a command that committed before T counts and one that started after T does not. A
 * snapshot at instant C holds those sums per balance key for T = C; an as-of query for T ≥ C adds the movements created
 * in (C, T]. A snapshot is only ever taken for an instant `SNAPSHOT_LAG` in the past: a transaction that started before
 * C and commits after the snapshot would be missed by it (`reconcile` checks the latest snapshot for exactly that).
 */
import type { Executor, Tx } from '../../platform/db/database.ts';
import type { StockStatus } from '../../contracts/inventory.ts';
import type { Narrowed, Selectable } from '../../platform/db/row-types.ts';
import type { InventorySnapshotBalances } from './db-types.ts';

/** One balance key's sums as of an instant. */
export type KeyTotals = Narrowed<
  Pick<Selectable<InventorySnapshotBalances>, 'owner_id' | 'sku' | 'location_id' | 'lot' | 'status' | 'on_hand' | 'reserved'>, { status: StockStatus }
>;

export interface AsOfQuery {
  readonly siteId: string;
  readonly at: Date;
  readonly sku?: string | undefined;
  readonly locationId?: string | undefined;
  /** The lot key ('' for stock without a lot). */
  readonly lot?: string | undefined;
  /** One owner's units (ADR 0028); every owner's when undefined. */
  readonly ownerId?: string | undefined;
  /** Keys after this one (sku, location, lot, status, owner order): the page cursor. */
  readonly after?: readonly [string, string, string, string, string] | undefined;
  readonly limit: number;
}

export interface AsOfAnswer {
  readonly rows: KeyTotals[];
  /** The snapshot the answer started from (null: the whole ledger was summed). */
  readonly snapshotAsOf: Date | null;
}

/** The latest snapshot at or before an instant. */
async function snapshotBefore(db: Executor, at: Date): Promise<{ id: number; as_of: Date } | undefined> {
  return (await db.query<{ id: number; as_of: Date }>(
    `SELECT id, as_of FROM inventory.snapshots WHERE as_of <= $1 ORDER BY as_of DESC LIMIT 1`, [at],
  ))[0];
}

/**
 * On-hand and reserved per SKU, location, lot, status and owner of a site as of `at`: the snapshot before it plus the tail.
 * `at` is to the millisecond, as the API shows a movement's `createdAt` (truncated from the column's microseconds): the
 * tail takes every movement created before the next millisecond, so as of a movement's own `createdAt` counts it.
 * A snapshot at C ≤ `at` holds `created_at <= C` exactly, and the tail starts after C: nothing is counted twice.
 */
export async function stockAsOf(db: Executor, q: AsOfQuery): Promise<AsOfAnswer> {
  const snap = await snapshotBefore(db, q.at);
  const after = q.after ?? null;
  const params: unknown[] = [q.siteId, q.at, snap?.id ?? null, snap?.as_of ?? null, after?.[0] ?? null, after?.[1] ?? null,
    after?.[2] ?? null, after?.[3] ?? null, q.limit, after?.[4] ?? null];
  // Filters are written only when given, in both branches, so the planner sees plain equalities and can use the
  // indexes that fit: one SKU's movements by (site_id, sku, seq), a whole site's tail by (site_id, created_at).
  let filters = '';
  for (const [column, value] of [['sku', q.sku], ['location_id', q.locationId], ['lot', q.lot], ['owner_id', q.ownerId]] as const) {
    if (value === undefined) continue;
    params.push(value);
    filters += ` AND ${column} = $${params.length}`;
  }
  const rows = await db.query<KeyTotals>(
    `WITH parts AS (
       SELECT sku, location_id, lot, status, owner_id, on_hand, reserved FROM inventory.snapshot_balances
        WHERE snapshot_id = $3 AND site_id = $1${filters}
       UNION ALL
       SELECT sku, location_id, lot, status, owner_id, delta_on_hand, delta_reserved FROM inventory.movements
        WHERE site_id = $1 AND created_at < $2::timestamptz + interval '1 millisecond' AND ($4::timestamptz IS NULL OR created_at > $4)
          AND location_id IS NOT NULL${filters})
     SELECT sku, location_id, lot, status, owner_id, sum(on_hand)::int8 AS on_hand, sum(reserved)::int8 AS reserved
       FROM parts
      WHERE $5::text IS NULL OR (sku, location_id, lot, status, owner_id) > ($5, $6, $7, $8, $10)
      GROUP BY sku, location_id, lot, status, owner_id
     HAVING sum(on_hand) <> 0 OR sum(reserved) <> 0
      ORDER BY sku, location_id, lot, status, owner_id
      LIMIT $9`,
    params,
  );
  return { rows, snapshotAsOf: snap?.as_of ?? null };
}

/** How far behind the present a snapshot's instant stays: longer than any inventory transaction runs. */
export const SNAPSHOT_LAG_MS = 10 * 60_000;

export interface SnapshotTaken {
  readonly asOf: Date;
  readonly keys: number;
  /** Movements of the tail folded into it (after the previous snapshot). */
  readonly movements: number;
}

/**
 * Writes the snapshot as of `asOf`: the previous snapshot's sums plus the movements created after it up to `asOf`
 * (the whole ledger for the first). Nothing when a snapshot at or after `asOf` exists already; two processes running
 * the job at once serialise on an advisory lock, and the second writes nothing.
 */
export async function takeSnapshot(tx: Tx, asOf: Date): Promise<SnapshotTaken | undefined> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('inventory.snapshot'))`);
  const latest = (await tx.query<{ id: number; as_of: Date }>(`SELECT id, as_of FROM inventory.snapshots ORDER BY as_of DESC LIMIT 1`))[0];
  if (latest !== undefined && latest.as_of >= asOf) return undefined;
  const ledgerSeq = (await tx.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM inventory.movements`))[0]?.seq ?? 0;
  const id = (await tx.query<{ id: number }>(
    `INSERT INTO inventory.snapshots (as_of, ledger_seq) VALUES ($1, $2) RETURNING id`, [asOf, ledgerSeq],
  ))[0]!.id;
  // Sites: those of the previous snapshot and every site with a balance (a movement at a location always has one).
  const tail = await tx.query<{ keys: number; movements: number }>(
    `WITH sites AS (
       SELECT site_id FROM inventory.balances UNION SELECT site_id FROM inventory.snapshot_balances WHERE snapshot_id = $2),
     tail AS (
       SELECT site_id, owner_id, sku, location_id, lot, status, delta_on_hand AS on_hand, delta_reserved AS reserved FROM inventory.movements
        WHERE site_id = ANY (ARRAY(SELECT site_id FROM sites)) AND location_id IS NOT NULL
          AND created_at <= $3 AND ($4::timestamptz IS NULL OR created_at > $4)),
     parts AS (
       SELECT site_id, owner_id, sku, location_id, lot, status, on_hand, reserved FROM inventory.snapshot_balances WHERE snapshot_id = $2
       UNION ALL SELECT site_id, owner_id, sku, location_id, lot, status, on_hand, reserved FROM tail),
     written AS (
       INSERT INTO inventory.snapshot_balances (snapshot_id, site_id, owner_id, sku, location_id, lot, status, on_hand, reserved)
       SELECT $1, site_id, owner_id, sku, location_id, lot, status, sum(on_hand), sum(reserved) FROM parts
        GROUP BY site_id, owner_id, sku, location_id, lot, status HAVING sum(on_hand) <> 0 OR sum(reserved) <> 0
       RETURNING 1)
     SELECT (SELECT count(*) FROM written)::int8 AS keys, (SELECT count(*) FROM tail)::int8 AS movements`,
    [id, latest?.id ?? null, asOf, latest?.as_of ?? null],
  );
  return { asOf, keys: tail[0]?.keys ?? 0, movements: tail[0]?.movements ?? 0 };
}

// ---------------------------------------------------------------- per-SKU totals (the stock summary's start, ADR 0041)

export interface TotalsFolded {
  /** The new watermark: the totals now hold every movement created before it. */
  readonly foldedBefore: Date;
  readonly movements: number;
  readonly skus: number;
}

/**
 * Folds the movements created between the watermark and a new one into `inventory.sku_totals`, and moves the watermark.
 * The new watermark is an instant before which no transaction is still running: the start of the oldest transaction
 * open on this database right now (read from pg_stat_activity before this transaction's next statement takes its
 * snapshot), or now minus `marginMs` when none is older. Every movement created before it has committed and is visible
 * to the fold, so nothing is folded twice or missed; a transaction left open only holds the watermark back. Nothing when
 * no movement came (or the watermark cannot move); two processes serialise on the watermark row. `upTo` caps the new
 * watermark (the benchmark leaves a tail of a chosen length).
 */
export async function foldSkuTotals(tx: Tx, marginMs = 1000, upTo?: Date): Promise<TotalsFolded | undefined> {
  const w = (await tx.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark FOR UPDATE`))[0]!;
  // Client backends only: an autovacuum worker writes no movement. Sessions of another role show no xact_start unless
  // this role may read all statistics (pg_read_all_stats): only this role writes the ledger.
  const until = (await tx.query<{ until: Date }>(
    `SELECT LEAST(clock_timestamp() - make_interval(secs => $1::float8 / 1000), min(xact_start), $2::timestamptz) AS until FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`, [marginMs, upTo ?? null],
  ))[0]!.until;
  if (until <= w.folded_before) return undefined;
  // Sites: every site with a balance or a SKU row (a movement always has one of them), so the tail is read by
  // movements (site_id, created_at).
  const rows = await tx.query<{ skus: number; movements: number }>(
    `WITH sites AS (SELECT site_id FROM inventory.balances UNION SELECT site_id FROM inventory.sku_stock),
     tail AS (
       SELECT site_id, sku, owner_id,
              COALESCE(sum(delta_on_hand) FILTER (WHERE type = 'RECEIPT'), 0) AS received, COALESCE(-sum(delta_on_hand) FILTER (WHERE type = 'SHIP'), 0) AS shipped,
              COALESCE(sum(delta_on_hand) FILTER (WHERE type IN ('ADJUST', 'COUNT')), 0) AS adjusted,
              sum(delta_on_hand) AS on_hand, sum(delta_reserved) AS reserved, sum(delta_allocated) AS allocated, count(*) AS n
         FROM inventory.movements
        WHERE site_id = ANY (ARRAY(SELECT site_id FROM sites)) AND created_at >= $1 AND created_at < $2
        GROUP BY site_id, sku, owner_id),
     folded AS (
       INSERT INTO inventory.sku_totals AS t (site_id, sku, owner_id, received, shipped, adjusted, on_hand, reserved, allocated)
       SELECT site_id, sku, owner_id, received, shipped, adjusted, on_hand, reserved, allocated FROM tail
       ON CONFLICT (site_id, sku, owner_id) DO UPDATE SET received = t.received + EXCLUDED.received, shipped = t.shipped + EXCLUDED.shipped,
         adjusted = t.adjusted + EXCLUDED.adjusted, on_hand = t.on_hand + EXCLUDED.on_hand, reserved = t.reserved + EXCLUDED.reserved,
         allocated = t.allocated + EXCLUDED.allocated
       RETURNING 1)
     SELECT (SELECT count(*) FROM folded)::int8 AS skus, (SELECT COALESCE(sum(n), 0) FROM tail)::int8 AS movements`,
    [w.folded_before, until],
  );
  const { skus = 0, movements = 0 } = rows[0] ?? {};
  if (movements === 0) return undefined;
  await tx.query(`UPDATE inventory.sku_totals_watermark SET folded_before = $1, folded_at = now()`, [until]);
  return { foldedBefore: until, movements, skus };
}

/** Ledger rows written since the latest snapshot was taken (by seq; all of them when there is none). */
export async function movementsSinceSnapshot(db: Executor): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT (COALESCE((SELECT max(seq) FROM inventory.movements), 0)
             - COALESCE((SELECT ledger_seq FROM inventory.snapshots ORDER BY as_of DESC LIMIT 1), 0))::int8 AS n`,
  );
  return rows[0]?.n ?? 0;
}

// ---------------------------------------------------------------- reconciliation

/** One disagreement between two things that must be equal. */
export interface Difference {
  /** Which rule: balance = Σ ledger, sku_stock = Σ balances / allocations / ledger, snapshot = Σ ledger. */
  check: 'BALANCE_LEDGER' | 'SKU_ON_HAND' | 'SKU_UNPICKABLE' | 'SKU_ALLOCATED' | 'SKU_ALLOCATED_LEDGER' | 'SNAPSHOT_LEDGER';
  site_id: string;
  /** The owner of the units (ADR 0028). */
  owner_id: string;
  sku: string;
  /** The balance key's location, lot and status (null for the SKU-level checks). */
  location_id: string | null;
  lot: string | null;
  status: string | null;
  field: string;
  /** What the stored table says, and what the source it must equal says. */
  stored: number;
  expected: number;
}

/**
 * Every difference between the stock tables and what they must equal, optionally for one site:
 * - each balance's on_hand and reserved = the sums of its key's movements (a key with no balance row must sum to 0);
 * - sku_stock.on_hand_available = Σ on_hand of the SKU's AVAILABLE balances (in-process ones included);
 * - sku_stock.unpickable = Σ AVAILABLE on_hand at real locations inventory knows as not pickable + units of open returns;
 * - sku_stock.allocated = Σ allocations.allocated = Σ the ledger's delta_allocated;
 * - the latest snapshot = the ledger's sums as of its instant (a transaction that outlived the snapshot lag breaks it).
 * Read in one REPEATABLE READ transaction, so a command committing meanwhile cannot show up as a difference.
 */
export async function reconcile(tx: Tx, siteId: string | null): Promise<Difference[]> {
  const key = (check: Difference['check']) => `'${check}'::text AS "check"`;
  const balances = await tx.query<Difference>(
    `WITH l AS (
       SELECT site_id, owner_id, sku, location_id, lot, status, sum(delta_on_hand)::int8 AS on_hand, sum(delta_reserved)::int8 AS reserved
         FROM inventory.movements WHERE location_id IS NOT NULL AND ($1::text IS NULL OR site_id = $1)
        GROUP BY site_id, owner_id, sku, location_id, lot, status),
     b AS (SELECT site_id, owner_id, sku, location_id, lot, status, on_hand, reserved FROM inventory.balances WHERE $1::text IS NULL OR site_id = $1),
     j AS (
       SELECT site_id, owner_id, sku, COALESCE(b.location_id, l.location_id) AS location_id,
              COALESCE(b.lot, l.lot) AS lot, COALESCE(b.status, l.status) AS status,
              COALESCE(b.on_hand, 0) AS b_on_hand, COALESCE(l.on_hand, 0) AS l_on_hand,
              COALESCE(b.reserved, 0) AS b_reserved, COALESCE(l.reserved, 0) AS l_reserved
         FROM b FULL JOIN l USING (site_id, owner_id, sku, location_id, lot, status))
     SELECT ${key('BALANCE_LEDGER')}, site_id, owner_id, sku, location_id, lot, status, 'on_hand' AS field, b_on_hand::int8 AS stored, l_on_hand::int8 AS expected
       FROM j WHERE b_on_hand <> l_on_hand
     UNION ALL
     SELECT ${key('BALANCE_LEDGER')}, site_id, owner_id, sku, location_id, lot, status, 'reserved', b_reserved::int8, l_reserved::int8
       FROM j WHERE b_reserved <> l_reserved
     ORDER BY site_id, owner_id, sku, location_id, lot, status, field`,
    [siteId],
  );
  const skus = await tx.query<Difference>(
    `WITH s AS (SELECT site_id, owner_id, sku, on_hand_available, unpickable, allocated FROM inventory.sku_stock WHERE $1::text IS NULL OR site_id = $1),
     avail AS (
       SELECT b.site_id, b.owner_id, b.sku, sum(b.on_hand)::int8 AS on_hand,
              (sum(b.on_hand) FILTER (WHERE b.location_id NOT LIKE 'IN\\_PROCESS:%'
                 AND EXISTS (SELECT 1 FROM inventory.locations x WHERE x.location_id = b.location_id AND NOT x.pickable)))::int8 AS unpickable
         FROM inventory.balances b WHERE b.status = 'AVAILABLE' AND ($1::text IS NULL OR b.site_id = $1) GROUP BY b.site_id, b.owner_id, b.sku),
     rtn AS (
       SELECT site_id, owner_id, sku, sum(quantity - returned)::int8 AS open FROM inventory.returns
        WHERE status = 'OPEN' AND ($1::text IS NULL OR site_id = $1) GROUP BY site_id, owner_id, sku),
     alloc AS (
       SELECT site_id, owner_id, sku, sum(allocated)::int8 AS allocated FROM inventory.allocations WHERE $1::text IS NULL OR site_id = $1 GROUP BY site_id, owner_id, sku),
     lalloc AS (
       SELECT site_id, owner_id, sku, sum(delta_allocated)::int8 AS allocated FROM inventory.movements
        WHERE delta_allocated <> 0 AND ($1::text IS NULL OR site_id = $1) GROUP BY site_id, owner_id, sku),
     k AS (SELECT site_id, owner_id, sku FROM s UNION SELECT site_id, owner_id, sku FROM avail UNION SELECT site_id, owner_id, sku FROM rtn
           UNION SELECT site_id, owner_id, sku FROM alloc UNION SELECT site_id, owner_id, sku FROM lalloc),
     j AS (
       SELECT site_id, owner_id, sku, COALESCE(s.on_hand_available, 0)::int8 AS on_hand_available, COALESCE(s.unpickable, 0)::int8 AS unpickable,
              COALESCE(s.allocated, 0)::int8 AS allocated, COALESCE(avail.on_hand, 0)::int8 AS sum_on_hand,
              (COALESCE(avail.unpickable, 0) + COALESCE(rtn.open, 0))::int8 AS sum_unpickable,
              COALESCE(alloc.allocated, 0)::int8 AS sum_allocated, COALESCE(lalloc.allocated, 0)::int8 AS ledger_allocated
         FROM k LEFT JOIN s USING (site_id, owner_id, sku) LEFT JOIN avail USING (site_id, owner_id, sku) LEFT JOIN rtn USING (site_id, owner_id, sku)
         LEFT JOIN alloc USING (site_id, owner_id, sku) LEFT JOIN lalloc USING (site_id, owner_id, sku))
     SELECT ${key('SKU_ON_HAND')}, site_id, owner_id, sku, NULL AS location_id, NULL AS lot, NULL AS status, 'on_hand_available' AS field,
            on_hand_available AS stored, sum_on_hand AS expected FROM j WHERE on_hand_available <> sum_on_hand
     UNION ALL
     SELECT ${key('SKU_UNPICKABLE')}, site_id, owner_id, sku, NULL, NULL, NULL, 'unpickable', unpickable, sum_unpickable FROM j WHERE unpickable <> sum_unpickable
     UNION ALL
     SELECT ${key('SKU_ALLOCATED')}, site_id, owner_id, sku, NULL, NULL, NULL, 'allocated', allocated, sum_allocated FROM j WHERE allocated <> sum_allocated
     UNION ALL
     SELECT ${key('SKU_ALLOCATED_LEDGER')}, site_id, owner_id, sku, NULL, NULL, NULL, 'allocated', allocated, ledger_allocated FROM j WHERE allocated <> ledger_allocated
     ORDER BY site_id, owner_id, sku, "check"`,
    [siteId],
  );
  const snapshot = await tx.query<Difference>(
    `WITH snap AS (SELECT id, as_of FROM inventory.snapshots ORDER BY as_of DESC LIMIT 1),
     sb AS (SELECT site_id, owner_id, sku, location_id, lot, status, on_hand, reserved FROM inventory.snapshot_balances
             WHERE snapshot_id = (SELECT id FROM snap) AND ($1::text IS NULL OR site_id = $1)),
     l AS (
       SELECT site_id, owner_id, sku, location_id, lot, status, sum(delta_on_hand)::int8 AS on_hand, sum(delta_reserved)::int8 AS reserved
         FROM inventory.movements
        WHERE location_id IS NOT NULL AND created_at <= (SELECT as_of FROM snap) AND ($1::text IS NULL OR site_id = $1)
        GROUP BY site_id, owner_id, sku, location_id, lot, status),
     j AS (
       SELECT site_id, owner_id, sku, COALESCE(sb.location_id, l.location_id) AS location_id,
              COALESCE(sb.lot, l.lot) AS lot, COALESCE(sb.status, l.status) AS status,
              COALESCE(sb.on_hand, 0)::int8 AS s_on_hand, COALESCE(l.on_hand, 0)::int8 AS l_on_hand,
              COALESCE(sb.reserved, 0)::int8 AS s_reserved, COALESCE(l.reserved, 0)::int8 AS l_reserved
         FROM sb FULL JOIN l USING (site_id, owner_id, sku, location_id, lot, status))
     SELECT ${key('SNAPSHOT_LEDGER')}, site_id, owner_id, sku, location_id, lot, status, 'on_hand' AS field, s_on_hand AS stored, l_on_hand AS expected
       FROM j WHERE s_on_hand <> l_on_hand
     UNION ALL
     SELECT ${key('SNAPSHOT_LEDGER')}, site_id, owner_id, sku, location_id, lot, status, 'reserved', s_reserved, l_reserved FROM j WHERE s_reserved <> l_reserved
     ORDER BY site_id, owner_id, sku, location_id, lot, status, field`,
    [siteId],
  );
  return [...balances, ...skus, ...snapshot];
}
