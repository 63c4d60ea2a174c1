import { describe, expect, it } from 'vitest';
import { weightCheck } from './weight.ts';

describe('pack station weight check', () => {
  it.each([
    { weighed: 1000, expected: 1000, pct: 2, status: 'WITHIN' },
    { weighed: 1020, expected: 1000, pct: 2, status: 'WITHIN' },
    { weighed: 980, expected: 1000, pct: 2, status: 'WITHIN' },
    { weighed: 1021, expected: 1000, pct: 2, status: 'OUT' },
    { weighed: 979, expected: 1000, pct: 2, status: 'OUT' },
    { weighed: 1049, expected: 1000, pct: 5, status: 'WITHIN' },
    { weighed: 1001, expected: 1000, pct: 0, status: 'OUT' },
    { weighed: 500, expected: null, pct: 2, status: 'UNCHECKED' },
  ] as const)('$weighed g against $expected g at ±$pct % is $status', ({ weighed, expected, pct, status }) => {
    expect(weightCheck(weighed, expected, pct).status).toBe(status);
  });

  it('reports the deviation', () => {
    expect(weightCheck(1030, 1000, 2)).toEqual({ status: 'OUT', weighedG: 1030, expectedG: 1000, tolerancePct: 2, deviationPct: 3 });
  });
});
