/**
 * Carton selection for an order: the cheapest single carton that holds everything (extreme-point heuristic portfolio,
 * with the exact relation search as a fallback for small orders), otherwise a greedy best-fit multi-carton shipment
 * (repeatedly fill the carton type with the lowest cost per packed volume, then downsize and merge packages), a
 * best-fit rule for variable-sized bin packing after Kang & Park (2003), "Algorithms for the variable sized bin
 * packing problem", EJOR 147. Pure and deterministic.
 */
import type { Dims, Unit } from './geometry.ts';
import { fitsAlone, le, makeUnit } from './geometry.ts';
import { ExtremePointBin, MERITS } from './extreme-points.ts';
import { SORT_KEYS, sortUnits } from './sort-keys.ts';
import type { ExactBox } from './exact.ts';
import { checkFeasibility, heuristicSingleBin } from './exact.ts';
import type { CostModel } from './cost.ts';
import { billableWeightKg, cartonVolume, multiPackageLowerBound, packageCost } from './cost.ts';
import type { Carton, PackRequest, PackResult, PackedCarton, Placement } from './types.ts';

export interface PackOptions {
  /**
   * Exact fallback for small orders: when the heuristic cannot fit all units into a carton that passes the volume,
   * weight and size checks, run the exact search (exact.ts) with this budget before trying the next carton.
   * `false` gives the pure heuristic. Defaults: maxItems 8, maxNodes 40 000 search nodes per order (shared by all
   * cartons tried), which bounds the worst-case time per order to a few tens of milliseconds.
   */
  readonly exact?: false | { readonly maxItems?: number; readonly maxNodes?: number };
}

interface Pkg {
  readonly carton: Carton;
  readonly boxes: readonly ExactBox[];
  readonly weight: number;
  readonly volume: number;
  readonly cost: number;
}

interface Context {
  readonly cartons: readonly Carton[];
  readonly model: CostModel;
  readonly exact: false | { readonly maxItems: number };
  /** Search nodes left for the exact fallback of this order. */
  nodesLeft: number;
}

export function pack(request: PackRequest, options: PackOptions = {}): PackResult {
  const prepared = prepare(request, options);
  if (!prepared.ok) return prepared;
  const { units, ctx } = prepared;

  const totalWeight = units.reduce((s, u) => s + u.weight, 0);
  const single = cheapestSingle(units, ctx, true);
  let best: Pkg[] | undefined = single === undefined ? undefined : [single];
  if (single === undefined || single.cost > multiPackageLowerBound(ctx.cartons, totalWeight, ctx.model) + 1e-9) {
    const multi = greedyMulti(units, ctx);
    if (best === undefined || totalCost(multi) < totalCost(best) - 1e-9) best = multi;
  }
  // Every unit fits some carton on its own, so greedyMulti always returns a shipment.
  const packages = best!.map((p) => toPackedCarton(p, ctx.model));
  return { ok: true, packages, cost: packages.reduce((s, p) => s + p.cost, 0) };
}

/**
 * Does this one carton hold every unit? The same answer as "`pack({ ...request, cartons: [carton] }, options)` returns
 * one package", at a fraction of the cost (a carton chooser asks it once per carton, cheapest first):
 *  - pack()'s answer is one package exactly when its single-carton step finds a packing: validation and the size and
 *    weight checks pass, and the heuristic portfolio (H) or the exact search within its node budget (E) finds one. With
 *    one carton type the multi-carton search cannot end in one package (its first fill leaves a unit out, and merging
 *    back to one package repeats the same deterministic H and E), so it is skipped: it was most of the cost of a "no".
 *  - H ∨ E does not depend on the order they run in: a proven "infeasible" means H cannot succeed either. So E goes
 *    first where pack() would run it (small orders): it settles them, "no"s included, in a few hundred nodes at most
 *    for typical orders, where a "no" cost all 15 heuristic attempts first. H answers when E runs out of budget or the
 *    order is too large for it.
 */
export function fitsInOneCarton(request: Omit<PackRequest, 'cartons'>, carton: Carton, options: PackOptions = {}): boolean {
  const prepared = prepare({ ...request, cartons: [carton] }, options);
  if (!prepared.ok) return false;
  const { units, ctx } = prepared;
  const size = dimsOf(carton);
  const weight = units.reduce((s, u) => s + u.weight, 0);
  const volume = units.reduce((s, u) => s + u.volume, 0);
  if (!le(weight, carton.maxWeight) || !le(volume, cartonVolume(carton))) return false;
  if (!units.every((u) => fitsAlone(u, size))) return false;
  if (ctx.exact !== false && units.length <= ctx.exact.maxItems && ctx.nodesLeft > 0) {
    const r = checkFeasibility(units, size, carton.maxWeight, { searchOnly: true, maxItems: ctx.exact.maxItems, maxNodes: ctx.nodesLeft });
    if (r.status !== 'unknown') return r.status === 'feasible';
  }
  return heuristicSingleBin(units, size, carton.maxWeight) !== undefined;
}

/** Validates the request and expands its items into units; a failure is pack()'s answer. */
function prepare(request: PackRequest, options: PackOptions): { ok: true; units: Unit[]; ctx: Context } | Extract<PackResult, { ok: false }> {
  const invalid = validate(request);
  if (invalid !== undefined) return { ok: false, code: 'INVALID_INPUT', message: invalid };
  const model: CostModel = {
    ...(request.dimDivisor !== undefined ? { dimDivisor: request.dimDivisor } : {}),
    ...(request.ratePerKg !== undefined ? { ratePerKg: request.ratePerKg } : {}),
  };
  const exact = options.exact === false ? false : { maxItems: options.exact?.maxItems ?? 8 };
  const nodesLeft = options.exact === false ? 0 : (options.exact?.maxNodes ?? 40_000);
  const ctx: Context = { cartons: request.cartons, model, exact, nodesLeft };

  const units: Unit[] = [];
  for (const item of request.items) {
    const unit = makeUnit(units.length, item.id, [item.length, item.width, item.height], item.weight, item.upright === true ? 'upright' : 'all');
    const bySize = request.cartons.filter((c) => fitsAlone(unit, dimsOf(c)));
    if (bySize.length === 0) {
      return {
        ok: false,
        code: 'ITEM_TOO_LARGE',
        itemId: item.id,
        message: `item ${item.id} (${item.length}×${item.width}×${item.height} mm${item.upright === true ? ', upright' : ''}) fits in no carton`,
      };
    }
    if (!bySize.some((c) => le(item.weight, c.maxWeight))) {
      return {
        ok: false,
        code: 'ITEM_TOO_HEAVY',
        itemId: item.id,
        message: `item ${item.id} (${item.weight} g) exceeds the weight limit of every carton it fits in`,
      };
    }
    const quantity = item.quantity ?? 1;
    units.push(unit);
    for (let q = 1; q < quantity; q++) units.push({ ...unit, index: units.length });
  }
  return { ok: true, units, ctx };
}

function dimsOf(c: Carton): Dims {
  return [c.length, c.width, c.height];
}

function totalCost(pkgs: readonly Pkg[]): number {
  return pkgs.reduce((s, p) => s + p.cost, 0);
}

/** Cartons in increasing package cost for this content weight; ties: smaller volume, then catalogue order. */
function cartonsByCost(ctx: Context, weight: number): Carton[] {
  return ctx.cartons
    .map((c, i) => ({ c, i, cost: packageCost(c, weight, ctx.model) }))
    .sort((a, b) => a.cost - b.cost || cartonVolume(a.c) - cartonVolume(b.c) || a.i - b.i)
    .map((e) => e.c);
}

/** The cheapest carton that provably (by a found packing) holds all units, or undefined. */
function cheapestSingle(units: readonly Unit[], ctx: Context, allowExact: boolean): Pkg | undefined {
  const weight = units.reduce((s, u) => s + u.weight, 0);
  const volume = units.reduce((s, u) => s + u.volume, 0);
  for (const carton of cartonsByCost(ctx, weight)) {
    const size = dimsOf(carton);
    if (!le(weight, carton.maxWeight) || !le(volume, cartonVolume(carton))) continue;
    if (!units.every((u) => fitsAlone(u, size))) continue;
    let boxes: readonly ExactBox[] | undefined = heuristicSingleBin(units, size, carton.maxWeight);
    if (boxes === undefined && allowExact && ctx.exact !== false && units.length <= ctx.exact.maxItems && ctx.nodesLeft > 0) {
      const r = checkFeasibility(units, size, carton.maxWeight, {
        searchOnly: true,
        maxItems: ctx.exact.maxItems,
        maxNodes: ctx.nodesLeft,
      });
      ctx.nodesLeft -= r.nodes;
      if (r.status === 'feasible') boxes = r.boxes;
    }
    if (boxes !== undefined) return { carton, boxes, weight, volume, cost: packageCost(carton, weight, ctx.model) };
  }
  return undefined;
}

/** Fill one carton with as much volume as the portfolio manages; units that do not fit are skipped. */
function fill(units: readonly Unit[], carton: Carton): ExtremePointBin | undefined {
  const size = dimsOf(carton);
  let best: ExtremePointBin | undefined;
  for (const key of SORT_KEYS) {
    const order = sortUnits(units, key, size);
    for (const merit of MERITS) {
      const bin = new ExtremePointBin(size, carton.maxWeight);
      for (const u of order) bin.tryPlace(u, merit);
      if (bin.boxes.length > 0 && (best === undefined || bin.volume > best.volume)) best = bin;
    }
  }
  return best;
}

function greedyMulti(units: readonly Unit[], ctx: Context): Pkg[] {
  let remaining = units.slice();
  let pkgs: Pkg[] = [];
  while (remaining.length > 0) {
    const single = cheapestSingle(remaining, ctx, false);
    if (single !== undefined) {
      pkgs.push(single);
      break;
    }
    let chosen: { pkg: Pkg; score: number } | undefined;
    for (const carton of ctx.cartons) {
      const bin = fill(remaining, carton);
      if (bin === undefined) continue;
      const cost = packageCost(carton, bin.weight, ctx.model);
      const score = cost / bin.volume;
      if (chosen === undefined || score < chosen.score - 1e-12) {
        chosen = { pkg: { carton, boxes: bin.boxes, weight: bin.weight, volume: bin.volume, cost }, score };
      }
    }
    // Validation guarantees every unit fits some carton alone, so a fill always places something.
    const pkg = chosen!.pkg;
    pkgs.push(pkg);
    const used = new Set(pkg.boxes.map((b) => b.unit));
    remaining = remaining.filter((u) => !used.has(u));
  }
  // Improvement: downsize each package to its cheapest carton, then merge pairs whose union fits a cheaper carton.
  pkgs = pkgs.map((p) => {
    const alt = cheapestSingle(p.boxes.map((b) => b.unit), ctx, true);
    return alt !== undefined && alt.cost < p.cost - 1e-9 ? alt : p;
  });
  let merged = true;
  while (merged && pkgs.length > 1) {
    merged = false;
    search: for (let a = 0; a < pkgs.length; a++) {
      for (let b = a + 1; b < pkgs.length; b++) {
        const pa = pkgs[a]!;
        const pb = pkgs[b]!;
        const union = [...pa.boxes, ...pb.boxes].map((x) => x.unit);
        const alt = cheapestSingle(union, ctx, true);
        if (alt !== undefined && alt.cost < pa.cost + pb.cost - 1e-9) {
          pkgs = [...pkgs.filter((_, i) => i !== a && i !== b), alt];
          merged = true;
          break search;
        }
      }
    }
  }
  return pkgs;
}

function toPackedCarton(p: Pkg, model: CostModel): PackedCarton {
  const placements: Placement[] = [...p.boxes]
    .sort((a, b) => a.z - b.z || a.y - b.y || a.x - b.x || a.unit.index - b.unit.index)
    .map((b) => ({ itemId: b.unit.itemId, x: b.x, y: b.y, z: b.z, length: b.l, width: b.w, height: b.h }));
  return {
    cartonId: p.carton.id,
    placements,
    weight: p.weight,
    itemVolume: p.volume,
    cartonVolume: cartonVolume(p.carton),
    ...(model.dimDivisor !== undefined ? { billableWeightKg: billableWeightKg(p.carton, p.weight, model.dimDivisor) } : {}),
    cost: p.cost,
  };
}

function positiveFinite(v: number): boolean {
  return Number.isFinite(v) && v > 0;
}

function validate(r: PackRequest): string | undefined {
  if (r.cartons.length === 0) return 'no cartons given';
  if (r.items.length === 0) return 'order has no items';
  const cartonIds = new Set<string>();
  for (const c of r.cartons) {
    if (cartonIds.has(c.id)) return `duplicate carton id ${c.id}`;
    cartonIds.add(c.id);
    if (![c.length, c.width, c.height, c.maxWeight].every(positiveFinite)) return `carton ${c.id}: dimensions and maxWeight must be positive`;
    if (!Number.isFinite(c.cost) || c.cost < 0) return `carton ${c.id}: cost must be a non-negative number`;
  }
  const itemIds = new Set<string>();
  for (const it of r.items) {
    if (itemIds.has(it.id)) return `duplicate item id ${it.id}`;
    itemIds.add(it.id);
    if (![it.length, it.width, it.height].every(positiveFinite)) return `item ${it.id}: dimensions must be positive`;
    if (!Number.isFinite(it.weight) || it.weight < 0) return `item ${it.id}: weight must be a non-negative number`;
    if (it.quantity !== undefined && (!Number.isInteger(it.quantity) || it.quantity < 1)) return `item ${it.id}: quantity must be a positive integer`;
  }
  if (r.dimDivisor !== undefined && !positiveFinite(r.dimDivisor)) return 'dimDivisor must be positive';
  if (r.ratePerKg !== undefined && (!Number.isFinite(r.ratePerKg) || r.ratePerKg < 0)) return 'ratePerKg must be non-negative';
  return undefined;
}

