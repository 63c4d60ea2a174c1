import { rejectionCoverage } from '../../../platform/testing/rejection-coverage.ts';

rejectionCoverage('workload', new URL('..', import.meta.url), ['SHIFT_EMPTY', 'ROSTER_OVERLAP', 'PLAN_DATE_PAST', 'UNKNOWN_ZONE', 'ROSTER_DAY_PAST', 'VERSION_MISMATCH']);
