/** A line to be placed on a pick list, with what is known of its location (maybe nothing yet). */
export interface SequencedStop {
  readonly locationId: string;
  readonly locationCode: string | null;
  readonly pickSequence: number | null;
  readonly x: number | null;
  readonly y: number | null;
  /** Tie-breaker that keeps the result deterministic (e.g. the reservation id). */
  readonly key: string;
}

/** Orders the stops of one pick list; `routeLength` in metres when the strategy measures it. */
export interface PickSequencer {
  sequence<T extends SequencedStop>(stops: readonly T[]): { readonly stops: readonly T[]; readonly routeLength: number | null };
}

const byNullableNumber = (a: number | null, b: number | null): number =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b;
const byNullableText = (a: string | null, b: string | null): number =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0;

/**
 * The location master's pick sequence (the walk the site laid out), then location code; locations without either
 * go last. Does not measure the route: a routing strategy over coordinates replaces this one.
 */
export const pickSequenceOrder: PickSequencer = {
  sequence(stops) {
    const sorted = [...stops].sort((a, b) =>
      byNullableNumber(a.pickSequence, b.pickSequence)
      || byNullableText(a.locationCode, b.locationCode)
      || byNullableText(a.locationId, b.locationId)
      || byNullableText(a.key, b.key));
    return { stops: sorted, routeLength: null };
  },
};
