import { rejectionCoverage } from '../../../platform/testing/rejection-coverage.ts';

rejectionCoverage('quality', new URL('..', import.meta.url), ['VALIDATION_FAILED', 'CHECKLIST_MISMATCH', 'INSPECTION_NOT_HELD', 'UNSUPPORTED_AQL']);
