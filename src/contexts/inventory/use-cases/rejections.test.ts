import { rejectionCoverage } from '../../../platform/testing/rejection-coverage.ts';

rejectionCoverage('inventory', new URL('..', import.meta.url), ['VALIDATION_FAILED', 'UNKNOWN_SKU', 'INSUFFICIENT_STOCK', 'QUANTITY_EXCEEDS_OPEN', 'LPN_ALREADY_EXPECTED']);
