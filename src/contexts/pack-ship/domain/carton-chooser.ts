import { fitsInOneCarton, pack, type CartonItem, type Carton as PackerCarton, type Placement } from '../../../optimize/cartonization/index.ts';

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
  /** Distinguishes items of one request (the order line id); defaults to the SKU and position. */
  readonly id?: string;
  readonly sku: string;
  readonly quantity: number;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly weightG: number;
}

/** Picks the one carton for a set of items; `undefined` when none holds them. */
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

const itemId = (i: PackItem, index: number): string => i.id ?? `${i.sku}#${index}`;
const sized = (i: PackItem): boolean => i.lengthMm > 0 && i.widthMm > 0 && i.heightMm > 0;
const byCost = (a: Carton, b: Carton): number => a.cost - b.cost || cartonVolume(a) - cartonVolume(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/**
 * Splits items for the packer. A product the catalog gave no size is not placed (the packer's eye decides), but its
 * weight still counts: it comes off every carton's weight limit.
 */
function forPacker(items: readonly PackItem[]): { readonly sized: CartonItem[]; readonly unsized: PackItem[]; readonly unsizedWeight: number } {
  const live = items.map((i, index) => ({ i, id: itemId(i, index) })).filter(({ i }) => i.quantity > 0);
  const unsized = live.filter(({ i }) => !sized(i)).map(({ i }) => i);
  return {
    sized: live.filter(({ i }) => sized(i)).map(({ i, id }) => ({ id, length: i.lengthMm, width: i.widthMm, height: i.heightMm, weight: i.weightG, quantity: i.quantity })),
    unsized,
    unsizedWeight: itemsWeight(unsized),
  };
}

const packerCarton = (c: Carton, weightTaken: number): PackerCarton =>
  ({ id: c.code, length: c.innerLengthMm, width: c.innerWidthMm, height: c.innerHeightMm, maxWeight: c.maxWeightG - weightTaken, cost: c.cost });

/** Cheapest first: the first carton of this order for which `holdsAll` says yes, within its weight limit. */
function cheapestHolding(holdsAll: (items: CartonItem[], carton: PackerCarton) => boolean): CartonChooser {
  return {
    choose(items, cartons) {
      const { sized: toPlace, unsizedWeight } = forPacker(items);
      const weight = itemsWeight(items);
      for (const c of [...cartons].sort(byCost)) {
        if (c.maxWeightG < weight) continue;
        if (toPlace.length === 0) return c;
        if (c.maxWeightG - unsizedWeight <= 0) continue;
        if (holdsAll(toPlace, packerCarton(c, unsizedWeight))) return c;
      }
      return undefined;
    },
  };
}

/**
 * The cheapest carton (then the smallest, then by code) into which the 3D packer (optimize/cartonization) places
 * every unit at once, within its weight limit. Geometry, not volume, decides: units that add up to less than the
 * carton's volume but cannot be arranged inside it are refused. Each carton is asked `fitsInOneCarton`, the packer's
 * single-carton answer without its multi-carton search.
 */
export const packerChooser: CartonChooser = cheapestHolding((items, carton) => fitsInOneCarton({ items }, carton));

/**
 * The same choice the slow way, as `packerChooser` made it before `fitsInOneCarton`: the whole packer run on each
 * carton alone until its answer is one package. The reference its property test and the chooser bench compare with.
 */
export const perCartonPackChooser: CartonChooser = cheapestHolding((items, carton) => {
  const r = pack({ cartons: [carton], items });
  return r.ok && r.packages.length === 1;
});

/** One suggested package: its carton, the units per item and where each unit goes (mm, carton corner at 0,0,0). */
export interface SuggestedPackage {
  readonly cartonCode: string;
  readonly units: readonly { readonly id: string; readonly sku: string; readonly quantity: number }[];
  readonly placements: readonly Placement[];
}

export type Suggestion =
  | { readonly ok: true; readonly packages: readonly SuggestedPackage[]; readonly cost: number }
  | { readonly ok: false; readonly message: string };

/**
 * The packer's cheapest shipment for the items, over the whole catalogue: one carton when that is cheapest, else
 * several. Units of products without a size have no placement and ride in the first package.
 */
export function suggestCartons(items: readonly PackItem[], cartons: readonly Carton[]): Suggestion {
  const { sized: toPlace, unsized, unsizedWeight } = forPacker(items);
  const skuOf = new Map(items.map((i, index) => [itemId(i, index), i.sku]));
  const extra = unsized.map((i) => ({ id: itemId(i, items.indexOf(i)), sku: i.sku, quantity: i.quantity }));
  if (toPlace.length === 0) {
    const c = [...cartons].sort(byCost).find((x) => x.maxWeightG >= unsizedWeight);
    if (c === undefined) return { ok: false, message: `No carton takes ${unsizedWeight} g` };
    return { ok: true, packages: [{ cartonCode: c.code, units: extra, placements: [] }], cost: c.cost };
  }
  const usable = cartons.filter((c) => c.maxWeightG - unsizedWeight > 0);
  if (usable.length === 0) return { ok: false, message: `No carton takes ${unsizedWeight} g` };
  const r = pack({ cartons: usable.map((c) => packerCarton(c, unsizedWeight)), items: toPlace });
  if (!r.ok) return { ok: false, message: r.message };
  const packages = r.packages.map((p, n): SuggestedPackage => {
    const count = new Map<string, number>();
    for (const pl of p.placements) count.set(pl.itemId, (count.get(pl.itemId) ?? 0) + 1);
    const units = [...count].map(([id, quantity]) => ({ id, sku: skuOf.get(id) ?? id, quantity }));
    return { cartonCode: p.cartonId, units: n === 0 ? [...units, ...extra] : units, placements: p.placements };
  });
  return { ok: true, packages, cost: r.cost };
}
