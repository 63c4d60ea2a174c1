import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideSchedule } from './decide.ts';

const spec = deciderSpec(decideSchedule);
const now = new Date('2026-03-01T06:00:00Z');
const daysAgo = (d: number): Date => new Date(now.getTime() - d * 86_400_000);

describe('schedule counts by ABC class', () => {
  it('picks the SKUs whose class interval has passed since their last schedule, and those never scheduled', () => {
    spec.given({
      policies: [
        { sku: 'C-OLD', abc_class: 'C', last_scheduled_at: daysAgo(100) }, { sku: 'A-NEW', abc_class: 'A', last_scheduled_at: daysAgo(2) },
        { sku: 'B-DUE', abc_class: 'B', last_scheduled_at: daysAgo(31) }, { sku: 'A-NEVER', abc_class: 'A', last_scheduled_at: null },
        { sku: 'C-NOT', abc_class: 'C', last_scheduled_at: daysAgo(60) },
      ],
    }).when({ siteId: SITE }, now).then((d) => expect(d.due).toEqual(['A-NEVER', 'B-DUE', 'C-OLD']));
  });
});
