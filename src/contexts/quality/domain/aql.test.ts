import { describe, expect, it } from 'vitest';
import { aqlPlan, AQL_VALUES, codeLetter, SAMPLE_SIZES } from './aql.ts';

/** Rows read off the published ISO 2859-1 tables (Table 1 level II; Table 2-A, single sampling, normal inspection). */
describe('ISO 2859-1 as data', () => {
  it('Table 1, level II: lot size → code letter, at the range edges', () => {
    const rows: [number, string][] = [
      [2, 'A'], [8, 'A'], [9, 'B'], [15, 'B'], [16, 'C'], [25, 'C'], [26, 'D'], [50, 'D'], [51, 'E'], [90, 'E'], [91, 'F'], [150, 'F'],
      [151, 'G'], [280, 'G'], [281, 'H'], [500, 'H'], [501, 'J'], [1000, 'J'], [1200, 'J'], [1201, 'K'], [3200, 'K'], [3201, 'L'],
      [10_000, 'L'], [10_001, 'M'], [35_000, 'M'], [35_001, 'N'], [150_000, 'N'], [150_001, 'P'], [500_000, 'P'], [500_001, 'Q'],
    ];
    for (const [lot, letter] of rows) expect(codeLetter(lot), `lot ${lot}`).toBe(letter);
  });

  it('Table 2-A: sample sizes by code letter', () => {
    expect(Object.values(SAMPLE_SIZES)).toEqual([2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000]);
  });

  it('lot 1,000 → J, n = 80; AQL 1.0 → Ac 2 Re 3', () => {
    expect(aqlPlan(1000, 1.0)).toEqual({ letter: 'J', planLetter: 'J', sampleSize: 80, acceptance: 2, rejection: 3 });
  });

  it('Table 2-A cells on a plan without arrows', () => {
    // [lot, AQL, n, Ac, Re] from the published table (letters: J = 80, K = 125, H = 50, G = 32, L = 200, E = 13, M = 315).
    const rows: [number, number, number, number, number][] = [
      [1000, 0.65, 80, 1, 2], [1000, 1.5, 80, 3, 4], [1000, 2.5, 80, 5, 6], [1000, 4.0, 80, 7, 8], [1000, 6.5, 80, 10, 11],
      [1000, 10, 80, 14, 15], [1000, 0.15, 80, 0, 1], [2000, 0.65, 125, 2, 3], [2000, 2.5, 125, 7, 8], [400, 1.0, 50, 1, 2],
      [400, 2.5, 50, 3, 4], [200, 4.0, 32, 3, 4], [200, 2.5, 32, 2, 3], [5000, 0.65, 200, 3, 4], [5000, 1.0, 200, 5, 6],
      [60, 6.5, 13, 2, 3], [20_000, 0.4, 315, 3, 4], [500_001, 0.010, 1250, 0, 1],
    ];
    for (const [lot, aql, n, ac, re] of rows) {
      expect(aqlPlan(lot, aql), `lot ${lot} AQL ${aql}`).toMatchObject({ sampleSize: n, acceptance: ac, rejection: re });
    }
  });

  it('follows the arrows: ↓ to the plan below (larger sample), ↑ to the plan above', () => {
    // J at AQL 0.25 is ↑: the plan above it, H (n = 50) Ac 0 Re 1; J at AQL 0.40 is ↓: K (n = 125) Ac 1 Re 2.
    expect(aqlPlan(1000, 0.25)).toEqual({ letter: 'J', planLetter: 'H', sampleSize: 50, acceptance: 0, rejection: 1 });
    expect(aqlPlan(1000, 0.40)).toEqual({ letter: 'J', planLetter: 'K', sampleSize: 125, acceptance: 1, rejection: 2 });
    // A lot of 100 (F, n = 20) at AQL 0.065: the arrow points down to L (n = 200, Ac 0 Re 1): more than the lot, so every unit.
    expect(aqlPlan(100, 0.065)).toEqual({ letter: 'F', planLetter: 'L', sampleSize: 100, acceptance: 0, rejection: 1 });
    // A lot of 5 (A, n = 2) at AQL 6.5: the top row's 0/1.
    expect(aqlPlan(5, 6.5)).toEqual({ letter: 'A', planLetter: 'A', sampleSize: 2, acceptance: 0, rejection: 1 });
    // Row A's ↑ at AQL 10 has no plan above: the next plan down the column (C, n = 5, Ac 1 Re 2), capped at the lot.
    expect(aqlPlan(5, 10)).toEqual({ letter: 'A', planLetter: 'C', sampleSize: 5, acceptance: 1, rejection: 2 });
  });

  it('every tabulated AQL gives a plan for every lot size, with Re = Ac + 1 and n ≤ lot', () => {
    for (const aql of AQL_VALUES) {
      for (const lot of [2, 10, 40, 100, 700, 4000, 60_000, 1_000_000]) {
        const p = aqlPlan(lot, aql)!;
        expect(p.rejection).toBe(p.acceptance + 1);
        expect(p.sampleSize).toBeLessThanOrEqual(lot);
      }
    }
  });

  it('has no plan for an AQL that is not a column of the table', () => {
    expect(aqlPlan(1000, 0.5)).toBeUndefined();
  });
});
