import { describe, expect, it } from 'vitest';
import { chart, niceScale } from './svg.ts';

describe('report charts', () => {
  it('rounds the axis up to 1, 2 or 5 × 10^k', () => {
    expect(niceScale(87)).toEqual({ max: 100, step: 20 });
    expect(niceScale(4.2)).toEqual({ max: 5, step: 1 });
    expect(niceScale(1234)).toEqual({ max: 1500, step: 500 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.2 });
  });

  it('draws one bar per positive value, a polyline per series, the markers and an escaped title', () => {
    const bars = chart({ title: 'A & B', kind: 'bars', x: ['00', '01', '02'], yLabel: 'n', series: [{ name: 's', values: [1, 0, 3] }, { name: 't', values: [2, 2, 2] }], markers: [{ at: 1.5, label: 'cut-off' }] });
    expect(bars.startsWith('<svg')).toBe(true);
    expect(bars).toContain('A &amp; B');
    // 5 bars + the background + 2 legend boxes.
    expect((bars.match(/<rect /g) ?? []).length).toBe(5 + 1 + 2);
    expect(bars).toContain('stroke-dasharray');
    const lines = chart({ title: 'q', kind: 'lines', x: ['a', 'b'], yLabel: 'n', series: [{ name: 's', values: [1, 2] }] });
    expect((lines.match(/<polyline /g) ?? []).length).toBe(1);
    expect(lines.trim().endsWith('</svg>')).toBe(true);
  });
});
