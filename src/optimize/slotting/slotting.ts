import { depotDistance, validateLayout, validatePick } from '../geometry/layout.ts';
import type { Layout, Pick } from '../geometry/layout.ts';
import { createRng, shuffle } from '../random.ts';
import type { SeededRng as Rng } from '../random.ts';
import type { SlottingInput, SlottingMethod, SlottingResult, Sku } from './types.ts';

/** Location indices from nearest to farthest from the depot; ties by index keep the result deterministic. */
export function rankLocations(layout: Layout, locations: readonly Pick[]): number[] {
  const d = locations.map((p) => depotDistance(layout, p));
  return locations.map((_, i) => i).sort((i, j) => (d[i] ?? 0) - (d[j] ?? 0) || i - j);
}

function validate(input: SlottingInput): void {
  validateLayout(input.layout);
  if (input.locations.length < input.skus.length) {
    throw new RangeError(`${input.skus.length} SKUs need at least as many locations, got ${input.locations.length}`);
  }
  input.locations.forEach((p, i) => validatePick(input.layout, p, `locations[${i}]`));
  const seen = new Set<string>();
  for (const s of input.skus) {
    if (seen.has(s.id)) throw new RangeError(`SKU id "${s.id}" appears more than once`);
    seen.add(s.id);
    if (!Number.isFinite(s.picks) || s.picks < 0) throw new RangeError(`SKU "${s.id}" picks must be a number >= 0`);
  }
}

/** SKU indices by descending picks; ties by input position. */
function byPicks(skus: readonly Sku[]): number[] {
  return skus.map((_, i) => i).sort((i, j) => (skus[j]?.picks ?? 0) - (skus[i]?.picks ?? 0) || i - j);
}

function toMap(skus: readonly Sku[], order: readonly number[], slots: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  order.forEach((s, k) => {
    const id = skus[s]?.id;
    const loc = slots[k];
    if (id !== undefined && loc !== undefined) out.set(id, loc);
  });
  return out;
}

/** Random storage: every SKU on a uniformly random distinct location (the usual baseline). */
function randomStorage(input: SlottingInput, rng: Rng): Map<string, number> {
  const slots = shuffle(input.locations.map((_, i) => i), rng);
  return toMap(input.skus, input.skus.map((_, i) => i), slots);
}

/**
 * Class-based storage (Hausman, Schwarz & Graves 1976): SKUs ranked by picks form classes A/B/C by
 * `classShares`; each class gets the next-nearest zone of locations and is stored randomly within it.
 */
function abcStorage(input: SlottingInput, ranked: readonly number[], rng: Rng): Map<string, number> {
  const shares = input.classShares ?? [0.2, 0.3, 0.5];
  const total = shares.reduce((a, b) => a + b, 0);
  if (shares.some((s) => !(s >= 0)) || Math.abs(total - 1) > 1e-9) {
    throw new RangeError(`classShares must be non-negative and sum to 1, got [${shares.join(', ')}]`);
  }
  const order = byPicks(input.skus);
  const n = order.length;
  const slots: number[] = [];
  let cum = 0;
  let from = 0;
  shares.forEach((share, c) => {
    cum += share;
    // Cumulative rounding so the classes always add up to n.
    const to = c === shares.length - 1 ? n : Math.round(cum * n);
    slots.push(...shuffle(ranked.slice(from, to), rng));
    from = to;
  });
  return toMap(input.skus, order, slots);
}

/** Full-turnover storage (Heskett 1963): the most-picked SKU on the nearest location, and so on. */
function turnoverStorage(input: SlottingInput, ranked: readonly number[]): Map<string, number> {
  return toMap(input.skus, byPicks(input.skus), ranked);
}

/**
 * Cube-per-order index (Heskett 1963; Kallina & Lynn 1976): rank SKUs by cube / picks ascending, so
 * small, frequently picked SKUs get the nearest locations.
 */
function coiStorage(input: SlottingInput, ranked: readonly number[]): Map<string, number> {
  const coi = input.skus.map((s) => {
    if (s.cube === undefined || !Number.isFinite(s.cube) || s.cube <= 0) {
      throw new RangeError(`SKU "${s.id}" needs a positive cube for the cube-per-order index`);
    }
    return s.picks > 0 ? s.cube / s.picks : Infinity;
  });
  const order = input.skus.map((_, i) => i).sort((i, j) => (coi[i] ?? 0) - (coi[j] ?? 0) || i - j);
  return toMap(input.skus, order, ranked);
}

/**
 * Correlated slotting, a greedy variant of Frazelle & Sharp's (1989) correlated assignment: locations are
 * filled nearest first; each goes to the one SKU, among the `window` most-picked unplaced ones, whose
 * picks plus co-occurrences with SKUs already in the same sub-aisle are largest, so items often ordered
 * together share aisles while popular items still stay near the depot.
 */
function correlatedStorage(input: SlottingInput, ranked: readonly number[]): Map<string, number> {
  const { skus, locations, layout } = input;
  const index = new Map(skus.map((s, i) => [s.id, i]));
  // Sparse co-occurrence counts from the order history.
  const cooc = skus.map(() => new Map<number, number>());
  for (const order of input.orders ?? []) {
    const ids = [...new Set(order.map((id) => index.get(id)).filter((i): i is number => i !== undefined))];
    for (let a = 0; a < ids.length; a++) {
      for (let b = a + 1; b < ids.length; b++) {
        const x = ids[a] ?? 0;
        const y = ids[b] ?? 0;
        cooc[x]?.set(y, (cooc[x]?.get(y) ?? 0) + 1);
        cooc[y]?.set(x, (cooc[y]?.get(x) ?? 0) + 1);
      }
    }
  }
  const window = Math.max(1, input.correlationWindow ?? 20);
  const remaining = byPicks(skus);
  const placedIn = new Map<number, number[]>(); // sub-aisle → SKUs placed there
  const order: number[] = [];
  const slots: number[] = [];
  for (const loc of ranked.slice(0, skus.length)) {
    const p = locations[loc];
    if (p === undefined) continue;
    const sub = p.block * layout.aisles + p.aisle;
    const neighbours = placedIn.get(sub) ?? [];
    let bestK = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < Math.min(window, remaining.length); k++) {
      const s = remaining[k] ?? 0;
      let together = 0;
      const row = cooc[s];
      if (row !== undefined && row.size > 0) for (const t of neighbours) together += row.get(t) ?? 0;
      const score = (skus[s]?.picks ?? 0) + together;
      if (score > bestScore) {
        bestScore = score;
        bestK = k;
      }
    }
    const [chosen] = remaining.splice(bestK, 1);
    if (chosen === undefined) break;
    order.push(chosen);
    slots.push(loc);
    neighbours.push(chosen);
    placedIn.set(sub, neighbours);
  }
  return toMap(skus, order, slots);
}

/** Assigns every SKU to a distinct location; see SlottingMethod for the policies. */
export function slotSkus(input: SlottingInput, method: SlottingMethod = 'turnover'): SlottingResult {
  validate(input);
  const rng = createRng(input.seed ?? 1);
  const ranked = rankLocations(input.layout, input.locations);
  switch (method) {
    case 'random':
      return randomStorage(input, rng);
    case 'abc':
      return abcStorage(input, ranked, rng);
    case 'turnover':
      return turnoverStorage(input, ranked);
    case 'coi':
      return coiStorage(input, ranked);
    case 'correlated':
      return correlatedStorage(input, ranked);
  }
}
