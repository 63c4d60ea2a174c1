import type { InspectionStatus, NonConformanceStatus } from '../../../contracts/quality.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/**
 * An inspection is recorded once: OPEN → PASSED or FAILED; or CANCELLED, uninspected, when its target is gone (a package
 * voided with its cancelled order: ADR 0031 addendum 2026-12-07).
 */
export const INSPECTION_TRANSITIONS: Record<InspectionStatus, readonly InspectionStatus[]> = {
  OPEN: ['PASSED', 'FAILED', 'CANCELLED'], PASSED: [], FAILED: [], CANCELLED: [],
};
export const inspectionLifecycle = defineLifecycle('inspection', INSPECTION_TRANSITIONS, ['OPEN']);

/** What a failed inspection's hold is: HELD until a disposition releases it, scraps the units or returns them. */
export const HOLD_STATUSES = ['NONE', 'HELD', 'RELEASED', 'SCRAPPED', 'RETURNED'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];
export const HOLD_TRANSITIONS: Record<HoldStatus, readonly HoldStatus[]> = {
  NONE: ['HELD'], HELD: ['RELEASED', 'SCRAPPED', 'RETURNED'], RELEASED: [], SCRAPPED: [], RETURNED: [],
};
export const holdLifecycle = defineLifecycle('quality hold', HOLD_TRANSITIONS, ['NONE']);

export const NONCONFORMANCE_TRANSITIONS: Record<NonConformanceStatus, readonly NonConformanceStatus[]> = { OPEN: ['CLOSED'], CLOSED: [] };
export const nonConformanceLifecycle = defineLifecycle('non-conformance', NONCONFORMANCE_TRANSITIONS, ['OPEN']);
