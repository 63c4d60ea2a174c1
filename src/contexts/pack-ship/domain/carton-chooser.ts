/** A carton of the catalogue; inner dimensions in millimetres, weights in grams. */
export interface Carton {
  readonly code: string;
  readonly description: string;
  readonly innerLengthMm: number;
  readonly innerWidthMm: number;
  readonly innerHeightMm: number;
  readonly maxWeightG: number;
  readonly tareG: number;
  readonly cost: number;
}

/** Units of one product going into the package. */
export interface PackItem {
  readonly sku: string;
  readonly quantity: number;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly weightG: number;
}

/** Picks the carton for a set of items; `undefined` when none holds them. A 3D packer can take this place. */
export interface CartonChooser {
  choose(items: readonly PackItem[], cartons: readonly Carton[]): Carton | undefined;
}

const sortedDims = (a: number, b: number, c: number): [number, number, number] => {
  const s = [a, b, c].sort((x, y) => y - x);
  return [s[0] ?? 0, s[1] ?? 0, s[2] ?? 0];
};
export const cartonVolume = (c: Carton): number => c.innerLengthMm * c.innerWidthMm * c.innerHeightMm;
export const itemsVolume = (items: readonly PackItem[]): number =>
  items.reduce((v, i) => v + i.lengthMm * i.widthMm * i.heightMm * i.quantity, 0);
export const itemsWeight = (items: readonly PackItem[]): number => items.reduce((w, i) => w + i.weightG * i.quantity, 0);

/**
 * The simplest fit: the smallest carton by volume whose volume holds the items' total volume, whose sorted inner
 * dimensions hold the largest item's sorted dimensions (each item fits on its own in some orientation), and whose
 * weight limit holds the items. Volume is a necessary condition, not a packing proof; a 3D packer replaces this.
 */
export const simplestFitChooser: CartonChooser = {
  choose(items, cartons) {
    const volume = itemsVolume(items);
    const weight = itemsWeight(items);
    const itemDims = items.filter((i) => i.quantity > 0).map((i) => sortedDims(i.lengthMm, i.widthMm, i.heightMm));
    const candidates = cartons.filter((c) => {
      const [cl, cw, ch] = sortedDims(c.innerLengthMm, c.innerWidthMm, c.innerHeightMm);
      return cartonVolume(c) >= volume && c.maxWeightG >= weight && itemDims.every(([l, w, h]) => l <= cl && w <= cw && h <= ch);
    });
    return candidates.sort((a, b) => cartonVolume(a) - cartonVolume(b) || a.cost - b.cost || (a.code < b.code ? -1 : 1))[0];
  },
};
