/**
 * What the pack screens (the handheld's pack flow, the console's order screen) say of a short at packing
 * (POST /pack-station/shorts) and where the handheld goes next, from the answer. A shipComplete order's units are
 * picked again (`pickedAgain`, ADR 0024 addendum 2026-12-07): the order ships complete and is not packed until they
 * come, so the packer sets the tote (and any open carton) aside and takes the next order rather than weighing and
 * sealing; any other order ships without them.
 */
export interface PackShortAnswer {
  readonly orderPacked: boolean;
  /** Absent from an older server's answer: the order ships without the units, as it always did. */
  readonly pickedAgain?: boolean | undefined;
}

/** What happens to the shorted units, as a clause: "the order ships without it", "it will be picked again; …". */
export function shortFate(answer: PackShortAnswer, units: number): string {
  const them = units === 1 ? 'it' : 'them';
  return answer.pickedAgain === true
    ? `${units === 1 ? 'it' : 'they'} will be picked again; the order ships complete`
    : `the order ships without ${them}`;
}

/** The handheld pack flow's steps (ui/rf/Pack.tsx); `aside`: the order waits for its units to be picked again. */
export type PackStep = 'tote' | 'carton' | 'items' | 'weight' | 'seal' | 'done' | 'aside';

/**
 * The handheld's step after a short: the order packed (done), its units picked again (aside: set the tote and carton
 * aside, next order), else what is left decides — nothing left for this carton: weigh it if it holds units, else
 * open one (the tote's rest); units left: stay (undefined).
 */
export function stepAfterShort(answer: PackShortAnswer, o: { readonly unitsLeft: number; readonly cartonHasUnits: boolean }): PackStep | undefined {
  if (answer.orderPacked) return 'done';
  if (answer.pickedAgain === true) return 'aside';
  if (o.unitsLeft === 0) return o.cartonHasUnits ? 'weight' : 'carton';
  return undefined;
}
