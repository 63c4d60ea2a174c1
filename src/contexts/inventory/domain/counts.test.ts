import { describe, expect, it } from 'vitest';
import { countDue, countLifecycle, countTaskReference, withinTolerance } from './counts.ts';

describe('count lifecycle', () => {
  it('reaches every state from OPEN', () => expect(countLifecycle.unreachable()).toEqual([]));
  it('needs a recount before an approval, and closes for good', () => {
    expect(countLifecycle.can('OPEN', 'AWAITING_APPROVAL')).toBe(false);
    expect(countLifecycle.can('RECOUNT', 'AWAITING_APPROVAL')).toBe(true);
    expect(countLifecycle.can('OPEN', 'REJECTED')).toBe(true);
    expect(countLifecycle.can('COMPLETED', 'REJECTED')).toBe(false);
    expect(countLifecycle.can('COMPLETED', 'OPEN')).toBe(false);
  });
});

describe('count tolerance', () => {
  it('accepts a variance within either bound, and only an exact count when none is set', () => {
    expect(withinTolerance(0, 10, { units: null, percent: null })).toBe(true);
    expect(withinTolerance(-1, 10, { units: null, percent: null })).toBe(false);
    expect(withinTolerance(-2, 10, { units: 2, percent: null })).toBe(true);
    expect(withinTolerance(3, 10, { units: 2, percent: null })).toBe(false);
    expect(withinTolerance(5, 100, { units: 2, percent: 5 })).toBe(true);
    expect(withinTolerance(6, 100, { units: 2, percent: 5 })).toBe(false);
    expect(withinTolerance(1, 0, { units: null, percent: 50 })).toBe(false);
  });
});

describe('ABC schedule', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const daysAgo = (d: number): Date => new Date(now.getTime() - d * 86_400_000);
  it('counts A weekly, B monthly, C quarterly, and a never-scheduled SKU at once', () => {
    expect(countDue({ abc_class: 'A', last_scheduled_at: null }, now)).toBe(true);
    expect(countDue({ abc_class: 'A', last_scheduled_at: daysAgo(6) }, now)).toBe(false);
    expect(countDue({ abc_class: 'A', last_scheduled_at: daysAgo(7) }, now)).toBe(true);
    expect(countDue({ abc_class: 'B', last_scheduled_at: daysAgo(29) }, now)).toBe(false);
    expect(countDue({ abc_class: 'B', last_scheduled_at: daysAgo(30) }, now)).toBe(true);
    expect(countDue({ abc_class: 'C', last_scheduled_at: daysAgo(90) }, now)).toBe(false);
    expect(countDue({ abc_class: 'C', last_scheduled_at: daysAgo(91) }, now)).toBe(true);
  });
  it('gives each attempt its own task reference', () => expect(countTaskReference('cnt_1', 2)).not.toBe(countTaskReference('cnt_1', 1)));
});
