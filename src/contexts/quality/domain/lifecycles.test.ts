import { describe, expect, it } from 'vitest';
import { holdLifecycle, inspectionLifecycle, nonConformanceLifecycle } from './lifecycles.ts';

describe('quality lifecycles', () => {
  it('reach every state and keep final states final', () => {
    for (const l of [inspectionLifecycle, holdLifecycle, nonConformanceLifecycle]) expect(l.unreachable()).toEqual([]);
    expect(inspectionLifecycle.can('OPEN', 'FAILED')).toBe(true);
    expect(inspectionLifecycle.can('PASSED', 'FAILED')).toBe(false);
    expect(holdLifecycle.can('HELD', 'SCRAPPED')).toBe(true);
    expect(holdLifecycle.can('RELEASED', 'HELD')).toBe(false);
    expect(nonConformanceLifecycle.can('CLOSED', 'OPEN')).toBe(false);
  });
});
