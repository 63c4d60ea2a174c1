import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decidePlanDay } from './decide.ts';

const spec = deciderSpec(decidePlanDay);
const now = new Date('2026-03-10T09:30:00.000Z');

describe('the day of a plan', () => {
  it('is today from now by default', () => {
    spec.given(null).when({ date: undefined }, now).then({ day: '2026-03-10', dayStart: new Date('2026-03-10T00:00:00.000Z'), fromMin: 570 });
  });
  it('is a later day from its midnight', () => {
    spec.given(null).when({ date: '2026-03-11' }, now).then((w) => expect(w.fromMin).toBe(0));
  });
  it('is never a past day', () => {
    spec.given(null).when({ date: '2026-03-09' }, now).thenRejects('PLAN_DATE_PAST', { fields: ['/querystring/date'] });
  });
});
