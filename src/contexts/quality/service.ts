import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import { decideInTx } from '../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import {
  QualityEvents, type Disposition, type HoldDisposed, type HoldPlaced, type InspectionCancelled, type InspectionCompleted, type InspectionRequired, type InspectionStage,
  type NonConformanceClosed, type NonConformanceOpened,
} from '../../contracts/quality.ts';
import type { Plan } from './domain/plan.ts';
import { qualityStore as store, type Inspection, type KpiRow, type NonConformance } from './store.ts';
import { decideCloseNonConformance } from './use-cases/close-nc/decide.ts';
import { decideCreatePlan, type PlanInput } from './use-cases/create-plan/decide.ts';
import { decideDisposition } from './use-cases/dispose/decide.ts';
import { decideFound } from './use-cases/find/decide.ts';
import { decideRecordResults, type ItemInput } from './use-cases/record-results/decide.ts';
import { decideSampling, type Trigger } from './use-cases/sample/decide.ts';

export interface ResultsInput {
  readonly inspector: string;
  readonly items: readonly ItemInput[];
  readonly cause?: string | undefined;
  readonly owner?: string | undefined;
}

/** A KPI row: first-pass yield (passed / inspected) and defects per million opportunities. */
export interface Kpi extends KpiRow {
  readonly firstPassYield: number | null;
  readonly dpmo: number | null;
}

/**
 * The receipt a RECEIVING inspection of stock inspects (its RECEIPT movement): the general plans' inspection is sourced
 * by it, the supplier audit's by it with `:supplier` (`subscriptions.ts`). Inventory holds the units of one receipt once
 * for all its failed inspections (ADR 0031 addendum of 2026-12-06).
 */
export function receiptOf(i: Pick<Inspection, 'stage' | 'sourceRef' | 'target'>): string | null {
  if (i.stage !== 'RECEIVING' || i.target.kind !== 'STOCK') return null;
  return i.sourceRef.endsWith(SUPPLIER_AUDIT_SUFFIX) ? i.sourceRef.slice(0, -SUPPLIER_AUDIT_SUFFIX.length) : i.sourceRef;
}

/** The suffix of a supplier audit's `sourceRef`: the receipt's movement id and this. */
export const SUPPLIER_AUDIT_SUFFIX = ':supplier';

/** quality's commands and queries: plans, the sampling of triggers, results, dispositions, non-conformances, KPIs. */
export function qualityService(deps: PlatformDeps, apis: { catalog: CatalogApi; inventory: Pick<InventoryApi, 'getOwner'> }) {
  const emit = (tx: Tx, events: PublishedEvent[], meta: EventMeta) => deps.bus.append(tx, 'quality', events, meta);
  const opened = deps.metrics.counter('paklog_quality_inspections_opened_total', 'Inspections opened by a plan\'s sampling', ['stage']);
  const failed = deps.metrics.counter('paklog_quality_inspections_failed_total', 'Inspections recorded FAILED', ['stage']);

  return {
    /** A plan is configuration: it announces nothing; its inspections do. */
    async createPlan(input: PlanInput): Promise<Outcome<Plan>> {
      const skuKnown = input.sku === null || (await apis.catalog.getBySkus([input.sku])).has(input.sku);
      const ownerKnown = input.ownerId === null || (await apis.inventory.getOwner(input.ownerId)) !== undefined;
      const id = deps.ids.next('qpl');
      return decideInTx(deps.db, async (tx) => {
        const plan = decideCreatePlan({ skuKnown, ownerKnown }, { ...input, id }, deps.clock.now());
        if (!plan.ok) return plan;
        await store.insertPlan(tx, plan.value);
        return ok(plan.value);
      });
    },

    getPlan: (id: string) => store.plan(deps.db, id),
    listPlans: (f: Parameters<typeof store.plans>[1]) => store.plans(deps.db, f),

    /** Retires a plan: it samples nothing more; its inspections stay. Repeating it answers the plan unchanged. */
    async deactivatePlan(id: string): Promise<Outcome<Plan>> {
      return decideFound(await store.deactivatePlan(deps.db, id), { what: 'inspection plan', id });
    },

    /**
     * Something a plan may inspect happened (in the event's transaction): the site's plans of the stage are locked, the
     * sampling decides, the plan's counter moves on and, when chosen, an OPEN inspection is announced. One per trigger.
     */
    async sample(tx: Tx, trigger: Trigger, meta: EventMeta): Promise<void> {
      // The plans first: a site with none for the stage (most packages, most receipts) costs one statement.
      const plans = await store.lockActivePlans(tx, trigger.siteId, trigger.stage);
      if (plans.length === 0) return;
      if (await store.hasInspectionFor(tx, trigger.sourceRef)) return;
      // A package of an order heard cancelled first (quality hears orders and pack & ship apart): the cancel voided it,
      // and withdrew only the inspections open then; one opened now would stay OPEN for good. Nothing is sampled.
      if (trigger.target.kind === 'PACKAGE' && trigger.target.orderId !== null && await store.orderCancelled(tx, trigger.target.orderId)) return;
      const decision = decideSampling({ plans }, { trigger, inspectionId: deps.ids.next('qin') }, deps.clock.now());
      if (!decision.ok || decision.value.plan === null) return;
      const { plan: counter, inspection } = decision.value;
      await store.setSeen(tx, counter.id, counter.seen);
      if (inspection === null) return;
      const plan = plans.find((p) => p.id === counter.id)!;
      const t = trigger.target;
      await store.insertInspection(tx, {
        ...inspection, siteId: trigger.siteId, stage: trigger.stage, sourceRef: trigger.sourceRef, target: t,
        sku: t.sku ?? (t.skus.length === 1 ? t.skus[0]! : null), checklist: plan.checklist, now: deps.clock.now(),
      });
      const data: InspectionRequired = {
        inspectionId: inspection.id, planId: plan.id, siteId: trigger.siteId, stage: trigger.stage, target: t,
        sampleSize: inspection.sampleSize, acceptance: inspection.acceptance, rejection: inspection.rejection,
      };
      await emit(tx, [{ type: QualityEvents.inspectionRequired, subject: inspection.id, siteId: trigger.siteId, data }], meta);
      tx.afterCommit(() => opened.inc({ stage: trigger.stage }));
    },

    /**
     * An order was cancelled (in the event's transaction): pack & ship voided its packages, so their OPEN inspections
     * are withdrawn, uninspected (CANCELLED, `quality.inspection.cancelled`), not left in the inspector's queue for good
     * (ADR 0031 addendum 2026-12-07). Recorded or held ones stay as they are: their holds and dispositions go on. The
     * order is remembered cancelled: a package of it heard afterwards opens none (addendum 2026-12-07, pack3).
     */
    async cancelForOrder(tx: Tx, orderId: string, reason: string, meta: EventMeta): Promise<void> {
      // Remembered: a package of the order heard after this (packed before the cancel) opens no inspection (sample).
      await store.rememberCancelledOrder(tx, orderId, deps.clock.now());
      const withdrawn = await store.cancelOpenOfOrder(tx, orderId, deps.clock.now());
      if (withdrawn.length === 0) return;
      await emit(tx, withdrawn.map((i) => {
        const data: InspectionCancelled = { inspectionId: i.id, planId: i.planId, siteId: i.siteId, stage: i.stage, target: i.target, reason };
        return { type: QualityEvents.inspectionCancelled, subject: i.id, siteId: i.siteId, data };
      }), meta);
    },

    getInspection: (id: string) => store.inspection(deps.db, id),
    listInspections: (f: Parameters<typeof store.inspections>[1]) => store.inspections(deps.db, f),

    /** Records the checklist results: PASSED, or FAILED — its target on hold and a non-conformance opened, in one transaction. */
    async recordResults(id: string, input: ResultsInput, meta: EventMeta): Promise<Outcome<Inspection>> {
      const ncId = deps.ids.next('qnc');
      return decideInTx(deps.db, async (tx) => {
        const found = decideFound(await store.inspection(tx, id, true), { what: 'inspection', id });
        if (!found.ok) return found;
        const i = found.value;
        const plan = await store.plan(tx, i.planId);
        const d = decideRecordResults({ status: i.status, checklist: i.checklist, sampleSize: i.sampleSize, acceptance: i.acceptance, ncOwner: plan?.ncOwner ?? 'quality' },
          { inspectionId: id, inspector: input.inspector, items: input.items, cause: input.cause, owner: input.owner, nonConformanceId: ncId }, deps.clock.now());
        if (!d.ok) return d;
        const v = d.value;
        const now = deps.clock.now();
        await store.recordResults(tx, id, { status: v.status, results: v.items, defects: v.defects, opportunities: v.opportunities, inspector: input.inspector,
          holdStatus: v.status === 'FAILED' ? 'HELD' : 'NONE', now });
        const completed: InspectionCompleted = { inspectionId: id, planId: i.planId, siteId: i.siteId, stage: i.stage, target: i.target, status: v.status,
          defects: v.defects, opportunities: v.opportunities, inspector: input.inspector };
        const events: PublishedEvent[] = [{ type: QualityEvents.inspectionCompleted, subject: id, siteId: i.siteId, data: completed }];
        if (v.nonConformance !== null) {
          const nc = v.nonConformance;
          await store.insertNonConformance(tx, { id: nc.id, inspectionId: id, siteId: i.siteId, stage: i.stage, sku: i.sku, cause: nc.cause, owner: nc.owner, now });
          const receiptRef = receiptOf(i);
          const hold: HoldPlaced = { inspectionId: id, siteId: i.siteId, target: i.target, reason: `Quality inspection ${id} failed: ${nc.cause}`,
            ...(receiptRef === null ? {} : { receiptRef }) };
          const ncData: NonConformanceOpened = { nonConformanceId: nc.id, inspectionId: id, siteId: i.siteId, stage: i.stage, sku: i.sku, cause: nc.cause, owner: nc.owner };
          events.push({ type: QualityEvents.holdPlaced, subject: id, siteId: i.siteId, data: hold },
            { type: QualityEvents.nonConformanceOpened, subject: nc.id, siteId: i.siteId, data: ncData });
          tx.afterCommit(() => failed.inc({ stage: i.stage }));
        }
        await emit(tx, events, meta);
        return ok((await store.inspection(tx, id))!);
      });
    },

    /** Disposes of a failed inspection's hold: inventory and pack & ship apply it from `quality.hold.disposed.v1`. */
    async dispose(id: string, input: { disposition: Disposition; note: string | null }, meta: EventMeta): Promise<Outcome<Inspection>> {
      return decideInTx(deps.db, async (tx) => {
        const found = decideFound(await store.inspection(tx, id, true), { what: 'inspection', id });
        if (!found.ok) return found;
        const i = found.value;
        const d = decideDisposition({ holdStatus: i.holdStatus, targetKind: i.target.kind }, { inspectionId: id, disposition: input.disposition }, deps.clock.now());
        if (!d.ok) return d;
        await store.dispose(tx, id, { holdStatus: d.value.holdStatus, disposition: input.disposition, note: input.note, now: deps.clock.now() });
        const data: HoldDisposed = { inspectionId: id, siteId: i.siteId, target: i.target, disposition: input.disposition, note: input.note };
        await emit(tx, [{ type: QualityEvents.holdDisposed, subject: id, siteId: i.siteId, data }], meta);
        return ok((await store.inspection(tx, id))!);
      });
    },

    getNonConformance: (id: string) => store.nonConformance(deps.db, id),
    listNonConformances: (f: Parameters<typeof store.nonConformances>[1]) => store.nonConformances(deps.db, f),

    async closeNonConformance(id: string, resolution: string, meta: EventMeta): Promise<Outcome<NonConformance>> {
      return decideInTx(deps.db, async (tx) => {
        const found = decideFound(await store.nonConformance(tx, id, true), { what: 'non-conformance', id });
        if (!found.ok) return found;
        const nc = found.value;
        const d = decideCloseNonConformance({ status: nc.status }, { id, resolution }, deps.clock.now());
        if (!d.ok) return d;
        await store.closeNonConformance(tx, id, d.value.resolution, deps.clock.now());
        const data: NonConformanceClosed = { nonConformanceId: id, inspectionId: nc.inspectionId, siteId: nc.siteId, resolution: d.value.resolution };
        await emit(tx, [{ type: QualityEvents.nonConformanceClosed, subject: id, siteId: nc.siteId, data }], meta);
        return ok((await store.nonConformance(tx, id))!);
      });
    },

    /** First-pass yield and DPMO of the site's inspections completed in [from, to), by stage and SKU. */
    /** KPIs of a site; a `sku` filter with no inspections is 422 UNKNOWN_SKU when the catalogue does not know it (asked only then). */
    async kpis(f: { siteId: string; from: Date; to: Date; stage?: InspectionStage | undefined; sku?: string | undefined }): Promise<Outcome<Kpi[], 'UNKNOWN_SKU'>> {
      const rows = await store.kpis(deps.db, f);
      if (f.sku !== undefined && rows.length === 0 && !(await apis.catalog.getBySkus([f.sku])).has(f.sku)) {
        return reject('UNKNOWN_SKU', `Unknown SKU ${f.sku}`, [{ field: '/querystring/sku', message: 'is not the SKU of a product' }]);
      }
      return ok(rows.map((r) => ({
        ...r,
        firstPassYield: r.inspected === 0 ? null : r.passed / r.inspected,
        dpmo: r.opportunities === 0 ? null : Math.round((r.defects / r.opportunities) * 1_000_000),
      })));
    },

    rememberAsnSupplier: (tx: Tx, asnId: string, supplier: string) => store.rememberAsnSupplier(tx, asnId, supplier),
    supplierOfAsn: (tx: Tx, asnId: string) => store.supplierOfAsn(tx, asnId),
  };
}

export type QualityService = ReturnType<typeof qualityService>;
