import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../optimize/random.ts';
import { arrivalWeight, buildScenario, DEFAULT_OPERATOR_TIMES, defaultShifts, lognormalFactor, type ScenarioInput } from './scenario.ts';

const input: ScenarioInput = {
  seed: 3, lines: 5000, day: '2026-06-01', site: { code: 'T', aisles: 20, bays: 20, levels: 3, skus: 400 },
  peaks: [{ fromMin: 600, toMin: 660, factor: 3 }],
  shifts: defaultShifts(5000, DEFAULT_OPERATOR_TIMES, 150), cutoffMin: 1080, cutoffLeadMin: 120, waveEveryMin: 15,
};

describe('simulated day scenario', () => {
  it('draws exactly the asked order lines, arrivals by the profile with its peak, the same day for the same seed', () => {
    const s = buildScenario(input);
    expect(s.orders.reduce((n, o) => n + o.lines.length, 0)).toBe(5000);
    expect(s.orders.every((o, i) => i === 0 || o.arriveMin >= s.orders[i - 1]!.arriveMin)).toBe(true);
    const units = s.orders.reduce((n, o) => n + o.lines.reduce((u, l) => u + l.quantity, 0), 0);
    expect([...s.demand.values()].reduce((a, b) => a + b, 0)).toBe(units);
    // Lines per order mean 2.35, a line's SKU never twice in one order.
    expect(5000 / s.orders.length).toBeGreaterThan(2.2);
    expect(5000 / s.orders.length).toBeLessThan(2.5);
    expect(s.orders.every((o) => new Set(o.lines.map((l) => l.sku)).size === o.lines.length)).toBe(true);
    // The peak hour (10:00, ×3) gets about 3 × the orders of the hour after it (weight 8 vs 9 × 3 = 27).
    const inHour = (h: number) => s.orders.filter((o) => Math.floor(o.arriveMin / 60) === h).length;
    expect(inHour(10) / inHour(11)).toBeGreaterThan(2.4);
    expect(inHour(10) / inHour(11)).toBeLessThan(4.2);
    expect(inHour(3)).toBeLessThan(inHour(9) / 10);
    expect(buildScenario(input).orders).toEqual(s.orders);
    expect(buildScenario({ ...input, seed: 4 }).orders).not.toEqual(s.orders);
  });

  it('weights a minute by its hour and every peak over it', () => {
    expect(arrivalWeight([1, 2, ...new Array<number>(22).fill(0)], [], 61)).toBe(2);
    expect(arrivalWeight([1, 2, ...new Array<number>(22).fill(0)], [{ fromMin: 60, toMin: 90, factor: 2 }, { fromMin: 0, toMin: 120, factor: 1.5 }], 61)).toBe(6);
    expect(arrivalWeight([1, 2, ...new Array<number>(22).fill(0)], [{ fromMin: 60, toMin: 90, factor: 2 }], 90)).toBe(2);
  });

  it('draws speed factors with mean 1 and the asked spread', () => {
    const rng = mulberry32(9);
    const xs = Array.from({ length: 20_000 }, () => lognormalFactor(rng, 0.15));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (Math.log(b) - Math.log(mean)) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(1, 2);
    expect(sd).toBeGreaterThan(0.13);
    expect(sd).toBeLessThan(0.17);
    expect(lognormalFactor(rng, 0)).toBe(1);
  });

  it('sizes two shifts of pickers and packers from the work', () => {
    const small = defaultShifts(1000, DEFAULT_OPERATOR_TIMES, 150);
    const large = defaultShifts(50_000, DEFAULT_OPERATOR_TIMES, 150);
    expect(small.map((s) => s.role)).toEqual(['picker', 'picker', 'packer', 'packer']);
    expect(large[0]!.count).toBeGreaterThan(small[0]!.count * 30);
    expect(large[0]!.count).toBeGreaterThan(large[2]!.count);
  });
});
