export { rankLocations, slotSkus } from './slotting.ts';
export type { SlottingInput, SlottingMethod, SlottingResult, Sku } from './types.ts';
