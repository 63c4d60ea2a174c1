/**
 * Package cost model (explicit so that callers and tests agree on it):
 *
 *   cost(package) = carton.cost                                  when no dimDivisor is given
 *   cost(package) = carton.cost + ratePerKg · billableKg          when a dimDivisor is given
 *   billableKg    = max(content weight in kg, carton volume in cm³ / dimDivisor)
 *
 * The carton volume is the inner volume (wall thickness is not modelled), the weight is the content weight (no tare),
 * and billable weight is not rounded up to carrier increments. The cost of a shipment is the sum over its packages.
 */
import type { Carton } from './types.ts';

export interface CostModel {
  /** cm³ per kg, e.g. 5000; undefined = carton cost only. */
  readonly dimDivisor?: number;
  /** Cost per billable kg; default 1. */
  readonly ratePerKg?: number;
}

export function cartonVolume(c: Carton): number {
  return c.length * c.width * c.height;
}

/** Billable weight in kg: the larger of actual and dimensional weight (mm³ → cm³ is ÷ 1000). */
export function billableWeightKg(carton: Carton, weightG: number, dimDivisor: number): number {
  return Math.max(weightG / 1000, cartonVolume(carton) / 1000 / dimDivisor);
}

export function packageCost(carton: Carton, weightG: number, model: CostModel): number {
  if (model.dimDivisor === undefined) return carton.cost;
  return carton.cost + (model.ratePerKg ?? 1) * billableWeightKg(carton, weightG, model.dimDivisor);
}

/**
 * A lower bound on the cost of any shipment of ≥ 2 packages with total content weight `weightG`:
 * Σ_p max(w_p, dim_p) ≥ max(Σ w_p, Σ dim_p), and every package costs at least the cheapest carton.
 */
export function multiPackageLowerBound(cartons: readonly Carton[], weightG: number, model: CostModel): number {
  let minCost = Infinity;
  let minDimKg = Infinity;
  for (const c of cartons) {
    minCost = Math.min(minCost, c.cost);
    if (model.dimDivisor !== undefined) minDimKg = Math.min(minDimKg, cartonVolume(c) / 1000 / model.dimDivisor);
  }
  if (model.dimDivisor === undefined) return 2 * minCost;
  return 2 * minCost + (model.ratePerKg ?? 1) * Math.max(weightG / 1000, 2 * minDimKg);
}
