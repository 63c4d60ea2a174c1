/** Placed boxes → public placements (carton coordinates, extents as placed); used by tests and the benchmark. */
import type { Box, Unit } from './geometry.ts';
import type { Placement } from './types.ts';

export function toPlacements(boxes: readonly (Box & { readonly unit: Unit })[]): Placement[] {
  return boxes.map((b) => ({ itemId: b.unit.itemId, x: b.x, y: b.y, z: b.z, length: b.l, width: b.w, height: b.h }));
}
