import { describe, expect, it } from 'vitest';
import { headsOf, requiredHeads, simulateDay, withExtraHeads, type PlannedWork } from './staffing.ts';
import { correctionFactor, defaultStandard, standardSeconds } from './standards.ts';

const work = (zone: string, seconds: number, availableMin: number, carrier: string | null = null, dueMin: number | null = null): PlannedWork =>
  ({ zone, taskType: 'PICK', seconds, availableMin, dueMin, carrier });

describe('labour standards', () => {
  it('add fixed, per line, per unit and travel (route metres over walking speed, else metres per line)', () => {
    const std = { ...defaultStandard('PICK'), fixedS: 60, perLineS: 10, perUnitS: 2, travelPerLineM: 20, walkSpeedMps: 0.5 };
    expect(standardSeconds(std, { tasks: 1, lines: 3, units: 5, travelM: 100 })).toBe(60 + 30 + 10 + 200);
    expect(standardSeconds(std, { tasks: 1, lines: 3, units: 5, travelM: null })).toBe(60 + 30 + 10 + 120);
  });
  it('correct towards the observed ratio as evidence grows, starting from 1', () => {
    expect(correctionFactor(0, 0)).toBe(1);
    expect(correctionFactor(200, 100)).toBeLessThan(1.1);
    expect(correctionFactor(200_000, 100_000)).toBeCloseTo(2, 1);
  });
});

describe('the staffing plan', () => {
  // Zone A: 8 h of work at 06:00, 2 pickers from 06:00 to 18:00, utilisation 1 → done at 10:00.
  const shifts = [{ workerId: 'a', zone: 'A', fromMin: 360, toMin: 1080 }, { workerId: 'b', zone: 'A', fromMin: 360, toMin: 1080 }];

  it('finishes a zone when its heads have worked off its work', () => {
    const sim = simulateDay([work('A', 8 * 3600, 360)], headsOf(shifts), 0, 1);
    expect(sim.zones[0]?.finishMin).toBeCloseTo(600, 5);
  });

  it('reports a carrier whose work is not done by its cut-off, and one that is', () => {
    const sim = simulateDay([work('A', 4 * 3600, 360, 'EARLY', 420), work('A', 2 * 3600, 360, 'LATE', 900)], headsOf(shifts), 0, 1);
    expect(sim.carriers.map((c) => [c.carrier, c.missed])).toEqual([['EARLY', true], ['LATE', false]]);
    expect(sim.carriers[0]?.finishMin).toBeCloseTo(480, 5);
  });

  it('leaves work at midnight when nobody is rostered, and says so', () => {
    const sim = simulateDay([work('B', 3600, 0)], headsOf(shifts), 0, 1);
    expect(sim.zones[0]).toMatchObject({ zone: 'B', finishMin: null, leftS: 3600 });
  });

  // Acceptance (c), in the model: more pickers → earlier finish, by the amount the capacity explains.
  it('what-if: adding pickers to a zone from an hour finishes it earlier; adding them elsewhere changes nothing', () => {
    const base = headsOf(shifts);
    const day = [work('A', 12 * 3600, 360), work('A', 4 * 3600, 600, 'OWN', 900)];
    const before = simulateDay(day, base, 0, 0.85);
    const more = simulateDay(day, withExtraHeads(base, 'A', 2, 480), 0, 0.85);
    const elsewhere = simulateDay(day, withExtraHeads(base, 'B', 2, 480), 0, 0.85);
    expect(more.zones.find((z) => z.zone === 'A')!.finishMin!).toBeLessThan(before.zones[0]!.finishMin!);
    expect(elsewhere.zones.find((z) => z.zone === 'A')!.finishMin).toBeCloseTo(before.zones[0]!.finishMin!, 6);
    // 16 h of work at 0.85: 2 heads need 16/1.7 ≈ 9.41 h from 06:00; with 4 from 08:00, 2 h at 2 heads then the rest at 4.
    expect(before.zones[0]!.finishMin!).toBeCloseTo(360 + (16 / 1.7) * 60, 3);
    expect(more.zones.find((z) => z.zone === 'A')!.finishMin!).toBeCloseTo(480 + ((16 - 2 * 1.7) / 3.4) * 60, 3);
    const fewer = simulateDay(day, headsOf(shifts.slice(0, 1)), 0, 0.85);
    expect(fewer.zones[0]!.finishMin ?? Infinity).toBeGreaterThan(before.zones[0]!.finishMin!);
  });

  it('requires heads per hour: work spread from availability to its cut-off, against the roster', () => {
    const req = requiredHeads([work('A', 7200, 360, 'OWN', 480)], headsOf(shifts), 0, 1440, 1);
    const at = (h: number) => req.find((r) => r.hour === h && r.zone === 'A')!;
    expect(at(6).requiredHeads).toBeCloseTo(1, 6);
    expect(at(7).requiredHeads).toBeCloseTo(1, 6);
    expect(at(8).requiredHeads).toBe(0);
    expect(at(6).rosteredHeads).toBe(2);
    expect(at(20).rosteredHeads).toBe(0);
  });
});
