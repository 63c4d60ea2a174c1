/** Helpers shared by the cartonization tests and benchmark: placed boxes → public placements. */
import type { Box, Unit } from './geometry.ts';
import type { Placement } from './types.ts';

export function toPlacements(boxes: readonly (Box & { readonly unit: Unit })[]): Placement[] {
  return boxes.map((b) => ({ itemId: b.unit.itemId, x: b.x, y: b.y, z: b.z, length: b.l, width: b.w, height: b.h }));
}
