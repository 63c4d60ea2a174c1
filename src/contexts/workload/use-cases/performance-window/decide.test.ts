import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decidePerformanceWindow } from './decide.ts';

const spec = deciderSpec(decidePerformanceWindow);
const now = new Date('2026-03-10T09:30:00.000Z');

describe('the window of a performance report', () => {
  it('is the last seven days by default', () => {
    spec.given(null).when({ from: null, to: null }, now).then({ from: new Date('2026-03-03T09:30:00.000Z'), to: now });
  });
  it('is the week before the given end when only the end is given', () => {
    const to = new Date('2026-03-01T00:00:00.000Z');
    spec.given(null).when({ from: null, to }, now).then({ from: new Date('2026-02-22T00:00:00.000Z'), to });
  });
  it('is never empty or inverted (a from not before its to is a mistake in the query, not "nobody worked")', () => {
    const at = new Date('2026-03-05T00:00:00.000Z');
    spec.given(null).when({ from: at, to: at }, now).thenRejects('VALIDATION_FAILED', { fields: ['/querystring/from'] });
    spec.given(null).when({ from: new Date('2026-03-06T00:00:00.000Z'), to: at }, now).thenRejects('VALIDATION_FAILED', { fields: ['/querystring/from'] });
  });
});
