import { Type } from '@fastify/type-provider-typebox';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { CAN } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, IdParam, Limit, List, MultilineText, Nullable, NullableEnum, Page, SiteRef, Sku, Text } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import {
  DISPOSITIONS, INSPECTION_STAGES, INSPECTION_STATUSES, NONCONFORMANCE_STATUSES, TARGET_KINDS,
} from '../../contracts/quality.ts';
import { HOLD_STATUSES } from './domain/lifecycles.ts';
import type { QualityService } from './service.ts';

const tags: Tag[] = ['Quality'];

const Sampling = Type.Union([
  Type.Object({ kind: Type.Literal('PERCENT'), percent: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Share of each lot\'s units inspected' }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('EVERY_NTH'), n: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Every n-th lot or package is inspected whole (the 1st, n+1st, …)' }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('AQL'), aql: Type.Number({ description: 'ISO 2859-1 AQL (0.010 … 10): normal inspection, level II, single sampling' }) }, { additionalProperties: false }),
], { description: 'How lots (receipts) or packages are chosen and how many units of each are inspected' });
const ChecklistItemSchema = Type.Union([
  Type.Object({ code: Identifier(40), label: Text(200), kind: Type.Literal('PASS_FAIL') }, { additionalProperties: false }),
  Type.Object({
    code: Identifier(40), label: Text(200), kind: Type.Literal('MEASURE'), unit: Nullable(Identifier(20)),
    min: Nullable(Type.Number()), max: Nullable(Type.Number()),
  }, { additionalProperties: false }),
]);
const PlanSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), name: Type.String(), stage: Enum(INSPECTION_STAGES),
  sku: Nullable(Type.String()), supplierId: Nullable(Type.String()), ownerId: Nullable(Type.String()),
  sampling: Sampling, checklist: List(ChecklistItemSchema), ncOwner: Type.String(), active: Type.Boolean(),
  seen: Type.Integer({ description: 'Lots or packages the plan has seen' }), createdAt: DateTime, version: Type.Integer(),
});
const TargetSchema = Type.Object({
  kind: Enum(TARGET_KINDS), sku: Nullable(Type.String()), skus: List(Type.String()), locationId: Nullable(Type.String()), lot: Nullable(Type.String()),
  ownerId: Type.Optional(Type.String({ description: 'STOCK: the units\' owner (3PL client, ADR 0028); absent: the default owner' })),
  quantity: Type.Integer(), packageId: Nullable(Type.String()), orderId: Nullable(Type.String()),
});
const ItemResultSchema = Type.Object({ code: Type.String(), passed: Type.Boolean(), value: Nullable(Type.Number()), defects: Type.Integer() });
const InspectionSchema = Type.Object({
  id: Type.String(), planId: Type.String(), siteId: Type.String(), stage: Enum(INSPECTION_STAGES), sourceRef: Type.String(),
  target: TargetSchema, sku: Nullable(Type.String()),
  sampleSize: Type.Integer(), acceptance: Type.Integer({ description: 'Ac' }), rejection: Type.Integer({ description: 'Re' }),
  checklist: List(ChecklistItemSchema), status: Enum(INSPECTION_STATUSES), results: Nullable(List(ItemResultSchema)),
  defects: Nullable(Type.Integer()), opportunities: Nullable(Type.Integer()), inspector: Nullable(Type.String()),
  holdStatus: Enum(HOLD_STATUSES), disposition: NullableEnum(DISPOSITIONS), dispositionNote: Nullable(Type.String()),
  openedAt: DateTime, completedAt: Nullable(DateTime), disposedAt: Nullable(DateTime), version: Type.Integer(),
});
const NcSchema = Type.Object({
  id: Type.String(), inspectionId: Type.String(), siteId: Type.String(), stage: Enum(INSPECTION_STAGES), sku: Nullable(Type.String()),
  cause: Type.String(), owner: Type.String(), status: Enum(NONCONFORMANCE_STATUSES), resolution: Nullable(Type.String()),
  openedAt: DateTime, closedAt: Nullable(DateTime), version: Type.Integer(),
});
const KpiSchema = Type.Object({
  stage: Enum(INSPECTION_STAGES), sku: Nullable(Type.String({ description: 'null: packages of several SKUs' })),
  inspected: Type.Integer(), passed: Type.Integer(), defects: Type.Integer(), opportunities: Type.Integer(),
  firstPassYield: Nullable(Type.Number({ description: 'passed / inspected (0 … 1)' })),
  dpmo: Nullable(Type.Integer({ description: 'Defects per million opportunities: defects / (sample units × checklist items) × 10⁶' })),
});
const PlanParams = Type.Object({ id: IdParam('inspectionPlan', 'POST /inspection-plans') }, { additionalProperties: false });
const InspectionParams = Type.Object({ id: IdParam('inspection', 'GET /inspections?status=OPEN') }, { additionalProperties: false });
const NcParams = Type.Object({ id: IdParam('nonConformance', 'GET /non-conformances (a failed inspection opens one)') }, { additionalProperties: false });

export async function qualityRoutes(app: HttpApp, deps: PlatformDeps, quality: QualityService, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));

  app.post('/inspection-plans', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'createInspectionPlan', tags, summary: 'Create an inspection plan',
      description: 'A plan inspects a stage (RECEIVING: every receipt; PACKING: every package packed; PICKING: not triggered yet) of a site, '
        + 'optionally only for a SKU, a supplier (receipts against that supplier\'s ASNs) or an owner, with a sampling rule and a checklist. '
        + 'The most specific active plan that matches decides. 422 UNSUPPORTED_AQL for an AQL that is not a column of ISO 2859-1 Table 2-A; '
        + '422 UNKNOWN_SKU / UNKNOWN_OWNER for a SKU or an owner PakLog does not know.',
      body: Type.Object({
        siteId: SiteRef, name: Text(200), stage: Enum(INSPECTION_STAGES),
        sku: Type.Optional(Nullable(Sku)), supplierId: Type.Optional(Nullable(Identifier(100))),
        ownerId: Type.Optional(Nullable(Identifier(100, { description: 'Only the units of this owner (3PL client, `own_…`, ADR 0028); 422 UNKNOWN_OWNER when there is no such owner' }))),
        sampling: Sampling, checklist: Type.Array(ChecklistItemSchema, { minItems: 1, maxItems: 50 }),
        ncOwner: Type.Optional(Identifier(100, { description: 'Who non-conformances of this plan are assigned to (a person or a team); default "quality"' })),
      }, {
        additionalProperties: false, examples: [{
          siteId: EXAMPLES.site, name: 'Inbound mugs', stage: 'RECEIVING', sku: EXAMPLES.sku, sampling: { kind: 'EVERY_NTH', n: 1 }, ncOwner: 'inbound-team',
          checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }, { code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }],
        }],
      }),
      response: { 201: PlanSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_OWNER', 'UNSUPPORTED_AQL') },
    },
  }, async (req, reply) => {
    const b = req.body;
    const site = await siteId(b.siteId);
    return deps.idempotency.run(req, reply, 201, async () => unwrap(await quality.createPlan({
      siteId: site, name: b.name, stage: b.stage, sku: b.sku ?? null, supplierId: b.supplierId ?? null, ownerId: b.ownerId ?? null,
      sampling: b.sampling, checklist: b.checklist, ncOwner: b.ncOwner ?? 'quality',
    })));
  });

  app.get('/inspection-plans', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listInspectionPlans', tags, summary: 'Inspection plans by site and stage (oldest first)', description: 'Paged by `limit` and `cursor`.',
      querystring: Type.Object({ siteId: Type.Optional(SiteRef), stage: Type.Optional(Enum(INSPECTION_STAGES)), limit: Limit(500, 100), cursor: Cursor },
        { additionalProperties: false }),
      response: { 200: Page(PlanSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const items = await quality.listPlans({ siteId: q.siteId === undefined ? undefined : await siteId(q.siteId, '/querystring/siteId'), stage: q.stage,
      cursor: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('qpl'))), limit: q.limit });
    return { items, nextCursor: nextCursor(items, q.limit, (p) => p.id) };
  });

  app.get('/inspection-plans/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getInspectionPlan', tags, summary: 'An inspection plan', description: 'A plan by id (404 NOT_FOUND when there is none).',
      params: PlanParams, response: { 200: PlanSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const plan = await quality.getPlan(req.params.id);
    if (plan === undefined) throw new AppError('NOT_FOUND', `No inspection plan ${req.params.id}`);
    return plan;
  });

  app.post('/inspection-plans/:id/deactivate', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'deactivateInspectionPlan', tags, summary: 'Retire an inspection plan',
      description: 'It samples nothing more; its inspections stay. Repeating it answers the plan unchanged.',
      params: PlanParams, response: { 200: PlanSchema, ...problems('NOT_FOUND') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await quality.deactivatePlan(req.params.id))));

  app.get('/inspections', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listInspections', tags, summary: 'Inspections by site, status, stage and hold (oldest first)',
      description: 'The inspector\'s queue is `?status=OPEN`; what waits for a disposition is `?holdStatus=HELD`. Paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: Type.Optional(SiteRef), status: Type.Optional(Enum(INSPECTION_STATUSES)), stage: Type.Optional(Enum(INSPECTION_STAGES)),
        holdStatus: Type.Optional(Enum(HOLD_STATUSES)), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(InspectionSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const items = await quality.listInspections({
      siteId: q.siteId === undefined ? undefined : await siteId(q.siteId, '/querystring/siteId'), status: q.status, stage: q.stage, holdStatus: q.holdStatus,
      cursor: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('qin'))), limit: q.limit,
    });
    return { items, nextCursor: nextCursor(items, q.limit, (i) => i.id) };
  });

  app.get('/inspections/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getInspection', tags, summary: 'An inspection', description: 'An inspection by id, with its checklist and results (404 NOT_FOUND when there is none).',
      params: InspectionParams, response: { 200: InspectionSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const i = await quality.getInspection(req.params.id);
    if (i === undefined) throw new AppError('NOT_FOUND', `No inspection ${req.params.id}`);
    return i;
  });

  app.post('/inspections/:id/results', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'recordInspectionResults', tags, summary: 'Record the checklist results of an OPEN inspection',
      description: 'One entry per checklist item: `passed` for a PASS_FAIL item, `value` for a MEASURE item (outside its limits = failed); a failed '
        + 'item counts `defects` defects (default 1). At most Ac defects: PASSED; else FAILED — its target goes on HOLD (stock leaves ATP, a package '
        + 'cannot be booked or dispatched) and a non-conformance is opened (cause: `cause` or the failed items; owner: `owner` or the plan\'s). '
        + '422 CHECKLIST_MISMATCH when the items do not match the checklist; 409 ILLEGAL_TRANSITION when already recorded.',
      params: InspectionParams,
      body: Type.Object({
        inspector: Identifier(100, { description: 'Who inspected; a signed-in person is the inspector (left out: filled in; another: 403 ACTING_AS_ANOTHER_WORKER)' }),
        items: Type.Array(Type.Object({
          code: Identifier(40), passed: Type.Optional(Type.Boolean()), value: Type.Optional(Type.Number()),
          defects: Type.Optional(Type.Integer({ minimum: 0, description: 'Sampled units failing this item (default 1 when it fails)' })),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
        cause: Type.Optional(Text(500)), owner: Type.Optional(Identifier(100)),
      }, {
        additionalProperties: false, examples: [{
          inspector: 'ines', items: [{ code: 'LABEL', passed: false }, { code: 'WEIGHT', value: 355 }], cause: 'Labels smudged, units overweight', owner: 'supplier-quality',
        }],
      }),
      response: { 200: InspectionSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'CHECKLIST_MISMATCH') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await quality.recordResults(req.params.id, req.body, requestMeta(req)))));

  app.post('/inspections/:id/disposition', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'disposeInspection', tags, summary: 'Dispose of a failed inspection\'s hold',
      description: 'RELEASE or REWORK: the units go back to AVAILABLE (ATP again at a pickable location; backorders retried), the package may ship. '
        + 'SCRAP or RETURN_TO_VENDOR: the held units leave stock (ADJUST movements); a scrapped package stays unshippable (repack the order). '
        + '409 INSPECTION_NOT_HELD when it holds nothing (passed, or disposed of already).',
      params: InspectionParams,
      body: Type.Object({ disposition: Enum(DISPOSITIONS), note: Type.Optional(Text(500)) }, {
        additionalProperties: false, examples: [{ disposition: 'RELEASE', note: 'Relabelled and weighed again: within limits' }],
      }),
      response: { 200: InspectionSchema, ...problems('NOT_FOUND', 'INSPECTION_NOT_HELD') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await quality.dispose(req.params.id, { disposition: req.body.disposition, note: req.body.note ?? null }, requestMeta(req)))));

  app.get('/non-conformances', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listNonConformances', tags, summary: 'Non-conformance records by site and status (oldest first)', description: 'Paged by `limit` and `cursor`.',
      querystring: Type.Object({ siteId: Type.Optional(SiteRef), status: Type.Optional(Enum(NONCONFORMANCE_STATUSES)), limit: Limit(500, 100), cursor: Cursor },
        { additionalProperties: false }),
      response: { 200: Page(NcSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const items = await quality.listNonConformances({ siteId: q.siteId === undefined ? undefined : await siteId(q.siteId, '/querystring/siteId'), status: q.status,
      cursor: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('qnc'))), limit: q.limit });
    return { items, nextCursor: nextCursor(items, q.limit, (n) => n.id) };
  });

  app.get('/non-conformances/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getNonConformance', tags, summary: 'A non-conformance record', description: 'By id (404 NOT_FOUND when there is none).',
      params: NcParams, response: { 200: NcSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const nc = await quality.getNonConformance(req.params.id);
    if (nc === undefined) throw new AppError('NOT_FOUND', `No non-conformance ${req.params.id}`);
    return nc;
  });

  app.post('/non-conformances/:id/close', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'closeNonConformance', tags, summary: 'Close a non-conformance with its resolution',
      description: 'OPEN → CLOSED; 409 ILLEGAL_TRANSITION when closed already.',
      params: NcParams,
      body: Type.Object({ resolution: MultilineText(1000) }, { additionalProperties: false, examples: [{ resolution: 'Supplier replaced the labeller; next deliveries audited' }] }),
      response: { 200: NcSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await quality.closeNonConformance(req.params.id, req.body.resolution, requestMeta(req)))));

  app.get('/quality-kpis', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getQualityKpis', tags, summary: 'First-pass yield and defects per million opportunities, by stage and SKU',
      description: 'Over the inspections of a site completed in [from, to) (default: the last 30 days), optionally of one stage or SKU (a SKU the catalogue does not know is 422 UNKNOWN_SKU; a product with no inspections there answers no items). First-pass '
        + 'yield = passed / inspected; DPMO = defects / opportunities × 10⁶, an opportunity being one checklist item on one sampled unit.',
      querystring: Type.Object({
        siteId: SiteRef, from: Type.Optional(DateTime), to: Type.Optional(DateTime), stage: Type.Optional(Enum(INSPECTION_STAGES)), sku: Type.Optional(Sku),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ siteId: Type.String(), from: DateTime, to: DateTime, items: List(KpiSchema) }), ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU') },
    },
  }, async (req) => {
    const q = req.query;
    const site = await siteId(q.siteId, '/querystring/siteId');
    const to = q.to === undefined ? deps.clock.now() : new Date(q.to);
    const from = q.from === undefined ? new Date(to.getTime() - 30 * 86_400_000) : new Date(q.from);
    if (from.getTime() >= to.getTime()) throw new AppError('VALIDATION_FAILED', 'from must be before to', { errors: [{ field: '/querystring/from', message: 'must be before to' }] });
    const items = unwrap(await quality.kpis({ siteId: site, from, to, stage: q.stage, sku: q.sku }));
    return { siteId: site, from: from.toISOString(), to: to.toISOString(), items };
  });
}
