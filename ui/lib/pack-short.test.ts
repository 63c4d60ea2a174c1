/** What the pack screens say after a short at packing, and the handheld's next step: ui/lib/pack-short.ts. */
import { describe, expect, it } from 'vitest';
import { shortFate, stepAfterShort } from './pack-short.ts';

describe('a short at packing, said and followed', () => {
  it('says the order ships without the units, or that they will be picked again and the order ships complete (pickedAgain)', () => {
    expect(shortFate({ orderPacked: false, pickedAgain: false }, 1)).toBe('the order ships without it');
    expect(shortFate({ orderPacked: true, pickedAgain: false }, 2)).toBe('the order ships without them');
    // An older server's answer has no pickedAgain: what it always meant.
    expect(shortFate({ orderPacked: false }, 1)).toBe('the order ships without it');
    expect(shortFate({ orderPacked: false, pickedAgain: true }, 1)).toBe('it will be picked again; the order ships complete');
    expect(shortFate({ orderPacked: false, pickedAgain: true }, 3)).toBe('they will be picked again; the order ships complete');
  });

  it('sets the order aside when its units are picked again, whatever is left in the tote or the carton: never on to weigh and seal', () => {
    for (const unitsLeft of [0, 2]) {
      for (const cartonHasUnits of [false, true]) expect(stepAfterShort({ orderPacked: false, pickedAgain: true }, { unitsLeft, cartonHasUnits })).toBe('aside');
    }
  });

  it('otherwise: done when the short packed the order, the carton weighed when nothing is left for it, a carton opened for the rest, else the step stays', () => {
    expect(stepAfterShort({ orderPacked: true, pickedAgain: false }, { unitsLeft: 0, cartonHasUnits: false })).toBe('done');
    expect(stepAfterShort({ orderPacked: false, pickedAgain: false }, { unitsLeft: 0, cartonHasUnits: true })).toBe('weight');
    expect(stepAfterShort({ orderPacked: false }, { unitsLeft: 0, cartonHasUnits: false })).toBe('carton');
    expect(stepAfterShort({ orderPacked: false, pickedAgain: false }, { unitsLeft: 1, cartonHasUnits: true })).toBeUndefined();
  });
});
