/** SQL of the `quality` schema only. */
import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { InspectionStage, InspectionStatus, InspectionTarget, Disposition, NonConformanceStatus } from '../../contracts/quality.ts';
import type { QualityInspections, QualityNonConformances, QualityPlans } from './db-types.ts';
import type { HoldStatus } from './domain/lifecycles.ts';
import type { ChecklistItem, Plan, SamplingRule } from './domain/plan.ts';
import type { ItemResult } from './use-cases/record-results/decide.ts';

const PLAN_COLUMN_NAMES = ['id', 'site_id', 'name', 'stage', 'sku', 'supplier_id', 'owner_id', 'sampling', 'checklist', 'nc_owner', 'active', 'seen',
  'created_at', 'version'] as const;
const PLAN_COLUMNS = columnList(PLAN_COLUMN_NAMES);
type PlanRow = Narrowed<Pick<Selectable<QualityPlans>, (typeof PLAN_COLUMN_NAMES)[number]>,
  { stage: InspectionStage; sampling: SamplingRule; checklist: ChecklistItem[]; seen: string | number }>;

const toPlan = (r: PlanRow): Plan => ({
  id: r.id, siteId: r.site_id, name: r.name, stage: r.stage, sku: r.sku, supplierId: r.supplier_id, ownerId: r.owner_id, sampling: r.sampling,
  checklist: r.checklist, ncOwner: r.nc_owner, active: r.active, seen: Number(r.seen), createdAt: r.created_at.toISOString(), version: r.version,
});

export interface Inspection {
  readonly id: string;
  readonly planId: string;
  readonly siteId: string;
  readonly stage: InspectionStage;
  readonly sourceRef: string;
  readonly target: InspectionTarget;
  readonly sku: string | null;
  readonly sampleSize: number;
  readonly acceptance: number;
  readonly rejection: number;
  readonly checklist: readonly ChecklistItem[];
  readonly status: InspectionStatus;
  readonly results: readonly ItemResult[] | null;
  readonly defects: number | null;
  readonly opportunities: number | null;
  readonly inspector: string | null;
  readonly holdStatus: HoldStatus;
  readonly disposition: Disposition | null;
  readonly dispositionNote: string | null;
  readonly openedAt: string;
  readonly completedAt: string | null;
  readonly disposedAt: string | null;
  readonly version: number;
}

const INSPECTION_COLUMN_NAMES = ['id', 'plan_id', 'site_id', 'stage', 'source_ref', 'target', 'sku', 'sample_size', 'acceptance', 'rejection',
  'checklist', 'status', 'results', 'defects', 'opportunities', 'inspector', 'hold_status', 'disposition', 'disposition_note', 'opened_at',
  'completed_at', 'disposed_at', 'version'] as const;
const INSPECTION_COLUMNS = columnList(INSPECTION_COLUMN_NAMES);
type InspectionRow = Narrowed<Pick<Selectable<QualityInspections>, (typeof INSPECTION_COLUMN_NAMES)[number]>, {
  stage: InspectionStage; target: InspectionTarget; checklist: ChecklistItem[]; status: InspectionStatus; results: ItemResult[] | null;
  hold_status: HoldStatus; disposition: Disposition | null;
}>;
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const toInspection = (r: InspectionRow): Inspection => ({
  id: r.id, planId: r.plan_id, siteId: r.site_id, stage: r.stage, sourceRef: r.source_ref, target: r.target, sku: r.sku, sampleSize: r.sample_size,
  acceptance: r.acceptance, rejection: r.rejection, checklist: r.checklist, status: r.status, results: r.results, defects: r.defects,
  opportunities: r.opportunities, inspector: r.inspector, holdStatus: r.hold_status, disposition: r.disposition, dispositionNote: r.disposition_note,
  openedAt: r.opened_at.toISOString(), completedAt: iso(r.completed_at), disposedAt: iso(r.disposed_at), version: r.version,
});

export interface NonConformance {
  readonly id: string;
  readonly inspectionId: string;
  readonly siteId: string;
  readonly stage: InspectionStage;
  readonly sku: string | null;
  readonly cause: string;
  readonly owner: string;
  readonly status: NonConformanceStatus;
  readonly resolution: string | null;
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly version: number;
}
const NC_COLUMN_NAMES = ['id', 'inspection_id', 'site_id', 'stage', 'sku', 'cause', 'owner', 'status', 'resolution', 'opened_at', 'closed_at', 'version'] as const;
const NC_COLUMNS = columnList(NC_COLUMN_NAMES);
type NcRow = Narrowed<Pick<Selectable<QualityNonConformances>, (typeof NC_COLUMN_NAMES)[number]>, { stage: InspectionStage; status: NonConformanceStatus }>;
const toNc = (r: NcRow): NonConformance => ({
  id: r.id, inspectionId: r.inspection_id, siteId: r.site_id, stage: r.stage, sku: r.sku, cause: r.cause, owner: r.owner, status: r.status,
  resolution: r.resolution, openedAt: r.opened_at.toISOString(), closedAt: iso(r.closed_at), version: r.version,
});

export const qualityStore = {
  async insertPlan(db: Executor, p: Plan): Promise<void> {
    await db.query(
      `INSERT INTO quality.plans (id, site_id, name, stage, sku, supplier_id, owner_id, sampling, checklist, nc_owner, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [p.id, p.siteId, p.name, p.stage, p.sku, p.supplierId, p.ownerId, JSON.stringify(p.sampling), JSON.stringify(p.checklist), p.ncOwner, p.createdAt],
    );
  },

  async plan(db: Executor, id: string): Promise<Plan | undefined> {
    const [row] = await db.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM quality.plans WHERE id = $1`, [id]);
    return row === undefined ? undefined : toPlan(row);
  },

  async plans(db: Executor, f: { siteId?: string | undefined; stage?: InspectionStage | undefined; cursor: string | null; limit: number }): Promise<Plan[]> {
    const rows = await db.query<PlanRow>(
      `SELECT ${PLAN_COLUMNS} FROM quality.plans
        WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR stage = $2) AND ($3::text IS NULL OR id > $3)
        ORDER BY id LIMIT $4`, [f.siteId ?? null, f.stage ?? null, f.cursor, f.limit]);
    return rows.map(toPlan);
  },

  /** The site's active plans of a stage, locked in id order: the sampling counter of the one that decides moves on. */
  async lockActivePlans(db: Executor, siteId: string, stage: InspectionStage): Promise<Plan[]> {
    const rows = await db.query<PlanRow>(
      `SELECT ${PLAN_COLUMNS} FROM quality.plans WHERE site_id = $1 AND stage = $2 AND active ORDER BY id FOR UPDATE`, [siteId, stage]);
    return rows.map(toPlan);
  },

  async setSeen(db: Executor, planId: string, seen: number): Promise<void> {
    await db.query(`UPDATE quality.plans SET seen = $2 WHERE id = $1`, [planId, seen]);
  },

  async deactivatePlan(db: Executor, id: string): Promise<Plan | undefined> {
    // A plan retired already is answered unchanged (its version too): the route is idempotent.
    const [row] = await db.query<PlanRow>(
      `UPDATE quality.plans SET active = false, version = version + CASE WHEN active THEN 1 ELSE 0 END WHERE id = $1 RETURNING ${PLAN_COLUMNS}`, [id],
    );
    return row === undefined ? undefined : toPlan(row);
  },

  async hasInspectionFor(db: Executor, sourceRef: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM quality.inspections WHERE source_ref = $1`, [sourceRef])).length > 0;
  },

  async insertInspection(db: Executor, i: {
    id: string; planId: string; siteId: string; stage: InspectionStage; sourceRef: string; target: InspectionTarget; sku: string | null;
    sampleSize: number; acceptance: number; rejection: number; checklist: readonly ChecklistItem[]; now: Date;
  }): Promise<void> {
    await db.query(
      `INSERT INTO quality.inspections (id, plan_id, site_id, stage, source_ref, target, sku, sample_size, acceptance, rejection, checklist, status, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'OPEN', $12)`,
      [i.id, i.planId, i.siteId, i.stage, i.sourceRef, JSON.stringify(i.target), i.sku, i.sampleSize, i.acceptance, i.rejection, JSON.stringify(i.checklist), i.now],
    );
  },

  async inspection(db: Executor, id: string, lock = false): Promise<Inspection | undefined> {
    const [row] = await db.query<InspectionRow>(`SELECT ${INSPECTION_COLUMNS} FROM quality.inspections WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row === undefined ? undefined : toInspection(row);
  },

  async inspections(db: Executor, f: {
    siteId?: string | undefined; status?: InspectionStatus | undefined; stage?: InspectionStage | undefined; holdStatus?: HoldStatus | undefined;
    cursor: string | null; limit: number;
  }): Promise<Inspection[]> {
    const rows = await db.query<InspectionRow>(
      `SELECT ${INSPECTION_COLUMNS} FROM quality.inspections
        WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR stage = $3)
          AND ($4::text IS NULL OR hold_status = $4) AND ($5::text IS NULL OR id > $5)
        ORDER BY id LIMIT $6`, [f.siteId ?? null, f.status ?? null, f.stage ?? null, f.holdStatus ?? null, f.cursor, f.limit]);
    return rows.map(toInspection);
  },

  async recordResults(db: Executor, id: string, r: {
    status: InspectionStatus; results: readonly ItemResult[]; defects: number; opportunities: number; inspector: string; holdStatus: HoldStatus; now: Date;
  }): Promise<void> {
    await db.query(
      `UPDATE quality.inspections SET status = $2, results = $3, defects = $4, opportunities = $5, inspector = $6, hold_status = $7, completed_at = $8,
              version = version + 1 WHERE id = $1 AND status = 'OPEN'`,
      [id, r.status, JSON.stringify(r.results), r.defects, r.opportunities, r.inspector, r.holdStatus, r.now],
    );
  },

  async dispose(db: Executor, id: string, d: { holdStatus: HoldStatus; disposition: Disposition; note: string | null; now: Date }): Promise<void> {
    await db.query(
      `UPDATE quality.inspections SET hold_status = $2, disposition = $3, disposition_note = $4, disposed_at = $5, version = version + 1
        WHERE id = $1 AND hold_status = 'HELD'`, [id, d.holdStatus, d.disposition, d.note, d.now]);
  },

  async insertNonConformance(db: Executor, n: { id: string; inspectionId: string; siteId: string; stage: InspectionStage; sku: string | null; cause: string; owner: string; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO quality.non_conformances (id, inspection_id, site_id, stage, sku, cause, owner, status, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8)`, [n.id, n.inspectionId, n.siteId, n.stage, n.sku, n.cause, n.owner, n.now]);
  },

  async nonConformance(db: Executor, id: string, lock = false): Promise<NonConformance | undefined> {
    const [row] = await db.query<NcRow>(`SELECT ${NC_COLUMNS} FROM quality.non_conformances WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row === undefined ? undefined : toNc(row);
  },

  async nonConformances(db: Executor, f: { siteId?: string | undefined; status?: NonConformanceStatus | undefined; cursor: string | null; limit: number }): Promise<NonConformance[]> {
    const rows = await db.query<NcRow>(
      `SELECT ${NC_COLUMNS} FROM quality.non_conformances
        WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id > $3)
        ORDER BY id LIMIT $4`, [f.siteId ?? null, f.status ?? null, f.cursor, f.limit]);
    return rows.map(toNc);
  },

  async closeNonConformance(db: Executor, id: string, resolution: string, now: Date): Promise<void> {
    await db.query(`UPDATE quality.non_conformances SET status = 'CLOSED', resolution = $2, closed_at = $3, version = version + 1
                     WHERE id = $1 AND status = 'OPEN'`, [id, resolution, now]);
  },

  /**
   * Completed inspections of a site in [from, to), by stage (in flow order) and SKU (a package of several SKUs counts under null):
   * how many, how many passed at the first inspection, defects and opportunities.
   */
  /**
   * Withdraws the OPEN inspections of an order's packages (CANCELLED, completed now): the rows withdrawn. A cancelled
   * order's packages are voided; nothing of them is inspected any more (ADR 0031 addendum 2026-12-07).
   */
  /** Remembers an order heard cancelled (once: a cancel is final). */
  async rememberCancelledOrder(db: Executor, orderId: string, now: Date): Promise<void> {
    await db.query(`INSERT INTO quality.cancelled_orders (order_id, cancelled_at) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [orderId, now]);
  },

  /** Whether the order was heard cancelled. */
  async orderCancelled(db: Executor, orderId: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM quality.cancelled_orders WHERE order_id = $1`, [orderId])).length > 0;
  },

  async cancelOpenOfOrder(db: Executor, orderId: string, now: Date): Promise<Inspection[]> {
    const rows = await db.query<InspectionRow>(
      `UPDATE quality.inspections SET status = 'CANCELLED', completed_at = $2, version = version + 1
        WHERE status = 'OPEN' AND target->>'kind' = 'PACKAGE' AND target->>'orderId' = $1
        RETURNING ${INSPECTION_COLUMNS}`, [orderId, now]);
    return rows.map(toInspection);
  },

  async kpis(db: Executor, f: { siteId: string; from: Date; to: Date; stage?: InspectionStage | undefined; sku?: string | undefined }): Promise<KpiRow[]> {
    return db.query<KpiRow>(
      `SELECT stage, sku, count(*)::int AS inspected, count(*) FILTER (WHERE status = 'PASSED')::int AS passed,
              coalesce(sum(defects), 0)::int AS defects, coalesce(sum(opportunities), 0)::int AS opportunities
         FROM quality.inspections
        WHERE site_id = $1 AND completed_at >= $2 AND completed_at < $3 AND status <> 'CANCELLED' AND ($4::text IS NULL OR stage = $4) AND ($5::text IS NULL OR sku = $5)
        GROUP BY stage, sku ORDER BY array_position(ARRAY['RECEIVING', 'PICKING', 'PACKING'], stage), sku NULLS LAST`, [f.siteId, f.from, f.to, f.stage ?? null, f.sku ?? null]);
  },

  async rememberAsnSupplier(db: Executor, asnId: string, supplier: string): Promise<void> {
    await db.query(`INSERT INTO quality.asn_suppliers (asn_id, supplier) VALUES ($1, $2) ON CONFLICT (asn_id) DO NOTHING`, [asnId, supplier]);
  },

  async supplierOfAsn(db: Executor, asnId: string): Promise<string | null> {
    const [row] = await db.query<{ supplier: string }>(`SELECT supplier FROM quality.asn_suppliers WHERE asn_id = $1`, [asnId]);
    return row?.supplier ?? null;
  },
};

export interface KpiRow {
  readonly stage: InspectionStage;
  readonly sku: string | null;
  readonly inspected: number;
  readonly passed: number;
  readonly defects: number;
  readonly opportunities: number;
}
