/** quality: inspection plans, sampling, inspections with checklists, quality holds and dispositions, non-conformances. */
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

/** Where in the flow a plan inspects: units received at the dock, units picked, packages packed. */
export const INSPECTION_STAGES = ['RECEIVING', 'PICKING', 'PACKING'] as const;
export type InspectionStage = (typeof INSPECTION_STAGES)[number];
/** How a plan decides which lots (or packages) are inspected, and how many units of each. */
export const SAMPLING_KINDS = ['PERCENT', 'EVERY_NTH', 'AQL'] as const;
export type SamplingKind = (typeof SAMPLING_KINDS)[number];
/** OPEN until its results are recorded; then PASSED or FAILED (a FAILED one holds its target until disposed of). */
export const INSPECTION_STATUSES = ['OPEN', 'PASSED', 'FAILED', 'CANCELLED'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];
/** What a failed inspection's hold becomes: released as is, released after rework, scrapped, or sent back to the supplier. */
export const DISPOSITIONS = ['RELEASE', 'REWORK', 'SCRAP', 'RETURN_TO_VENDOR'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
/** What an inspection (and its hold) is about: units of stock at a location, or one packed package. */
export const TARGET_KINDS = ['STOCK', 'PACKAGE'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export const NONCONFORMANCE_STATUSES = ['OPEN', 'CLOSED'] as const;
export type NonConformanceStatus = (typeof NONCONFORMANCE_STATUSES)[number];

export const QualityEvents = {
  inspectionRequired: 'quality.inspection.required.v1',
  inspectionCompleted: 'quality.inspection.completed.v1',
  inspectionCancelled: 'quality.inspection.cancelled.v1',
  holdPlaced: 'quality.hold.placed.v1',
  holdDisposed: 'quality.hold.disposed.v1',
  nonConformanceOpened: 'quality.nonconformance.opened.v1',
  nonConformanceClosed: 'quality.nonconformance.closed.v1',
} as const;

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

/** The units or the package an inspection is about, as the event that triggered it named them. */
export const InspectionTargetSchema = Type.Object({
  kind: Type.Enum(TARGET_KINDS),
  sku: Nullable(Type.String({ description: 'STOCK: the SKU; PACKAGE: null (a package may hold several SKUs, see `skus`).' })),
  skus: List(Type.String(), { description: 'The SKUs inspected (one for STOCK; those packed for PACKAGE).' }),
  locationId: Nullable(Type.String({ description: 'STOCK: where the units are.' })),
  lot: Nullable(Type.String()),
  ownerId: Type.Optional(Type.String({ description: "STOCK: the units' owner (3PL client, ADR 0028); absent: the default owner." })),
  quantity: Type.Integer({ description: 'The lot size: units received (STOCK) or packed (PACKAGE).' }),
  packageId: Nullable(Type.String()),
  orderId: Nullable(Type.String()),
});
export type InspectionTarget = Static<typeof InspectionTargetSchema>;

/** The payload of every quality event, by type name; the description says when it is emitted. */
export const QualityEventSchemas = {
  [QualityEvents.inspectionRequired]: Type.Object({
    inspectionId: Type.String(), planId: Type.String(), siteId: Type.String(), stage: Type.Enum(INSPECTION_STAGES),
    target: InspectionTargetSchema,
    sampleSize: Type.Integer({ description: 'Units to inspect (never more than the lot).' }),
    acceptance: Type.Integer({ description: 'Ac: at most this many defects and the lot passes.' }),
    rejection: Type.Integer({ description: 'Re: this many defects or more and the lot fails.' }),
  }, { description: "A plan's sampling chose a receipt or a packed package for inspection: it waits OPEN in `GET /inspections?status=OPEN`; pack & ship does not repack a package while its inspection is OPEN." }),
  [QualityEvents.inspectionCompleted]: Type.Object({
    inspectionId: Type.String(), planId: Type.String(), siteId: Type.String(), stage: Type.Enum(INSPECTION_STAGES),
    target: InspectionTargetSchema, status: Type.Enum(['PASSED', 'FAILED'] as const),
    defects: Type.Integer(), opportunities: Type.Integer({ description: 'Sample size × checklist items.' }), inspector: Type.String(),
  }, { description: 'An inspection\'s results were recorded (`POST /inspections/{id}/results`).' }),
  [QualityEvents.inspectionCancelled]: Type.Object({
    inspectionId: Type.String(), planId: Type.String(), siteId: Type.String(), stage: Type.Enum(INSPECTION_STAGES),
    target: InspectionTargetSchema, reason: Type.String(),
  }, { description: 'An OPEN inspection was withdrawn because its target is gone: a package voided with its cancelled order (ADR 0031 addendum 2026-12-07). Nothing was inspected: it counts in no KPI.' }),
  [QualityEvents.holdPlaced]: Type.Object({
    inspectionId: Type.String(), siteId: Type.String(), target: InspectionTargetSchema, reason: Type.String(),
    receiptRef: Type.Optional(Type.String({ description: 'STOCK received: the receipt (its RECEIPT movement) the inspected units came in with. The inspections of one receipt (the general plan\'s and the supplier\'s audit) hold the same units: inventory holds them once, for both, until both are disposed of (ADR 0031 addendum of 2026-12-06).' })),
  }, { description: 'A failed inspection holds its target: inventory puts the units on HOLD (they leave ATP); pack & ship refuses to book, dispatch or repack the package; physical tracking refuses a SHIP scan of its carton.' }),
  [QualityEvents.holdDisposed]: Type.Object({
    inspectionId: Type.String(), siteId: Type.String(), target: InspectionTargetSchema, disposition: Type.Enum(DISPOSITIONS),
    note: Nullable(Type.String()),
  }, { description: 'A held target was disposed of (`POST /inspections/{id}/disposition`): RELEASE / REWORK release it (units back to AVAILABLE, the package may ship); SCRAP / RETURN_TO_VENDOR take the units out of stock (ADJUST) and keep a package from shipping.' }),
  [QualityEvents.nonConformanceOpened]: Type.Object({
    nonConformanceId: Type.String(), inspectionId: Type.String(), siteId: Type.String(), stage: Type.Enum(INSPECTION_STAGES),
    sku: Nullable(Type.String()), cause: Type.String(), owner: Type.String(),
  }, { description: 'A failed inspection opened a non-conformance record (cause and responsible owner).' }),
  [QualityEvents.nonConformanceClosed]: Type.Object({
    nonConformanceId: Type.String(), inspectionId: Type.String(), siteId: Type.String(), resolution: Type.String(),
  }, { description: 'A non-conformance was closed with its resolution (`POST /non-conformances/{id}/close`).' }),
} as const;

export type InspectionRequired = Static<(typeof QualityEventSchemas)[typeof QualityEvents.inspectionRequired]>;
export type InspectionCompleted = Static<(typeof QualityEventSchemas)[typeof QualityEvents.inspectionCompleted]>;
export type InspectionCancelled = Static<(typeof QualityEventSchemas)[typeof QualityEvents.inspectionCancelled]>;
export type HoldPlaced = Static<(typeof QualityEventSchemas)[typeof QualityEvents.holdPlaced]>;
export type HoldDisposed = Static<(typeof QualityEventSchemas)[typeof QualityEvents.holdDisposed]>;
export type NonConformanceOpened = Static<(typeof QualityEventSchemas)[typeof QualityEvents.nonConformanceOpened]>;
export type NonConformanceClosed = Static<(typeof QualityEventSchemas)[typeof QualityEvents.nonConformanceClosed]>;

/** Coded errors of quality (and the rules of it pack & ship enforces: a held package does not ship, a package under an OPEN inspection is not repacked). */
export const QualityErrors = {
  CHECKLIST_MISMATCH: { status: 422, title: "The results do not match the inspection's checklist" },
  UNSUPPORTED_AQL: { status: 422, title: 'No ISO 2859-1 column for this AQL' },
  INSPECTION_NOT_HELD: { status: 409, title: 'The inspection holds nothing to dispose of' },
  PACKAGE_ON_QUALITY_HOLD: { status: 409, title: 'A package of the shipment is on quality hold until a disposition releases it' },
  PACKAGE_UNDER_INSPECTION: { status: 409, title: 'The package\'s packing inspection is still OPEN: record its results before the package is repacked' },
} as const satisfies ErrorSpecs;
