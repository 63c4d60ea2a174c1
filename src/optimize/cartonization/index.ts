/** Public API of cartonization (3D bin packing): `pack` chooses cartons and placements, `verifyPacking` checks them. */
export { fitsInOneCarton, pack } from './pack.ts';
export type { PackOptions } from './pack.ts';
export { verifyPacking } from './verify.ts';
export type { PackageToVerify, VerifyResult } from './verify.ts';
export { billableWeightKg, packageCost } from './cost.ts';
export type { CostModel } from './cost.ts';
export { checkFeasibility } from './exact.ts';
export type { FeasibilityOptions, FeasibilityResult } from './exact.ts';
export { lowerBoundL0, lowerBoundL1, lowerBoundL2 } from './bounds.ts';
export type { BoundBin, BoundItem } from './bounds.ts';
export { packIdenticalBins } from './bin-packing.ts';
export type { BinPackingOptions, BinPackingResult } from './bin-packing.ts';
export { makeUnit } from './geometry.ts';
export type { Dims, RotationMode, Unit } from './geometry.ts';
export type {
  Carton,
  CartonItem,
  PackFailureCode,
  PackRequest,
  PackResult,
  PackedCarton,
  Placement,
} from './types.ts';
