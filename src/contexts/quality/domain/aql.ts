/**
 * ISO 2859-1:1999 single sampling plans for normal inspection at general inspection level II, as data: Table 1 (lot
 * size → sample size code letter) and Table 2-A (code letter → sample size; code letter × AQL → Ac/Re, following the
 * table's arrows to the first plan above or below). Only the AQL columns up to 10 (percent nonconforming) are kept.
 */

/** Table 1, general inspection level II: the upper bound of each lot-size range and its code letter. */
export const LEVEL_II_LETTERS: readonly (readonly [maxLot: number, letter: CodeLetter])[] = [
  [8, 'A'], [15, 'B'], [25, 'C'], [50, 'D'], [90, 'E'], [150, 'F'], [280, 'G'], [500, 'H'], [1200, 'J'], [3200, 'K'],
  [10_000, 'L'], [35_000, 'M'], [150_000, 'N'], [500_000, 'P'], [Number.POSITIVE_INFINITY, 'Q'],
];

/** Table 2-A: the code letters in order and their sample sizes. */
export const CODE_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R'] as const;
export type CodeLetter = (typeof CODE_LETTERS)[number];
export const SAMPLE_SIZES: Readonly<Record<CodeLetter, number>> = {
  A: 2, B: 3, C: 5, D: 8, E: 13, F: 20, G: 32, H: 50, J: 80, K: 125, L: 200, M: 315, N: 500, P: 800, Q: 1250, R: 2000,
};

/** Table 2-A's AQL columns (percent nonconforming), in order. */
export const AQL_VALUES = [0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10] as const;

/**
 * Along each row of Table 2-A, left to right from the column whose plan is Ac 0 / Re 1, the cells are: 0/1, ↑, ↓, 1/2,
 * 2/3, 3/4, 5/6, 7/8, 10/11, 14/15, 21/22; every row is the one above shifted one column left (letter index + AQL
 * index is constant along a diagonal). `CELLS[k]` is the cell at step k = letter index + AQL index − 14 (J at 0.15 is 0/1).
 */
type Cell = { readonly ac: number; readonly re: number } | 'UP' | 'DOWN';
const CELLS: readonly Cell[] = [
  { ac: 0, re: 1 }, 'UP', 'DOWN', { ac: 1, re: 2 }, { ac: 2, re: 3 }, { ac: 3, re: 4 }, { ac: 5, re: 6 }, { ac: 7, re: 8 },
  { ac: 10, re: 11 }, { ac: 14, re: 15 }, { ac: 21, re: 22 },
];
const DIAGONAL = 14;

export interface AqlPlan {
  /** The code letter Table 1 gives the lot. */
  readonly letter: CodeLetter;
  /** The letter whose plan is used, after following the arrows (its sample size is `sampleSize` before capping). */
  readonly planLetter: CodeLetter;
  /** Units to inspect: the plan's sample size, or every unit when the lot is smaller (ISO 2859-1, 10.1.1). */
  readonly sampleSize: number;
  readonly acceptance: number;
  readonly rejection: number;
}

/** Table 1, level II: the code letter of a lot of `lotSize` units (≥ 2; a lot of 1 is read as 2). */
export function codeLetter(lotSize: number): CodeLetter {
  const row = LEVEL_II_LETTERS.find(([max]) => Math.max(2, lotSize) <= max);
  return row === undefined ? 'Q' : row[1];
}

/** Whether Table 2-A has a column for the AQL (exact match of a preferred value). */
export const isTabulatedAql = (aql: number): boolean => AQL_VALUES.some((v) => Math.abs(v - aql) < 1e-9);

/** The single sampling plan (normal inspection, level II) for a lot and an AQL; undefined when the AQL has no column. */
export function aqlPlan(lotSize: number, aql: number): AqlPlan | undefined {
  const column = AQL_VALUES.findIndex((v) => Math.abs(v - aql) < 1e-9);
  if (column < 0) return undefined;
  const letter = codeLetter(lotSize);
  let row = CODE_LETTERS.indexOf(letter);
  // Follow the arrows: ↓ to the first plan below in the column (same Ac/Re, larger sample), ↑ to the first above.
  for (;;) {
    const k = row + column - DIAGONAL;
    const cell: Cell = k < 0 ? 'DOWN' : k >= CELLS.length ? 'UP' : CELLS[k]!;
    // Row A has no plan above: its ↑ cell (AQL 10) is read as the next plan down the column instead.
    if (cell === 'DOWN' || (cell === 'UP' && row === 0)) row += 1;
    else if (cell === 'UP') row -= 1;
    else {
      const planLetter = CODE_LETTERS[row]!;
      return { letter, planLetter, sampleSize: Math.min(SAMPLE_SIZES[planLetter], Math.max(1, lotSize)), acceptance: cell.ac, rejection: cell.re };
    }
  }
}
