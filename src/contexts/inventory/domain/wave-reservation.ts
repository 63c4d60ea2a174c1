import { planReservation, type ReservationCandidate, type ReservationTake, type RotationPolicy } from './reservation-policy.ts';

/** One order line of a released wave, as inventory reserves it. */
export interface WaveLine {
  readonly orderId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** The free stock of one SKU: its candidate balances (keyed by location and lot) and the rotation policy. */
export interface SkuSupply {
  readonly policy: RotationPolicy;
  readonly candidates: readonly ReservationCandidate[];
}

export interface WaveReservationPlan {
  /** Takes per line, for the orders that are reserved in full. */
  readonly takes: readonly { readonly line: WaveLine; readonly takes: readonly ReservationTake[] }[];
  /** Lines that could not be reserved in full (the first time each was tried), with the missing quantity. */
  readonly shortages: readonly { readonly line: WaveLine; readonly missing: number }[];
  /** Orders that go back to allocation whole, in id order. */
  readonly backordered: readonly string[];
}

/**
 * Reserves a wave order by order, each all-or-nothing, in the wave's order sequence: an order with any line short gets
 * no reservation in this wave (it goes back to allocation whole) and leaves the stock it would have used to the orders
 * after it. Supply is never over-committed. Pure.
 */
export function planWaveReservations(lines: readonly WaveLine[], supply: ReadonlyMap<string, SkuSupply>): WaveReservationPlan {
  const free = new Map<string, Map<string, ReservationCandidate>>();
  for (const [sku, s] of supply) free.set(sku, new Map(s.candidates.map((c) => [`${c.locationId}\u0000${c.lot}`, c])));
  const orders = new Map<string, WaveLine[]>();
  for (const l of lines) orders.set(l.orderId, [...(orders.get(l.orderId) ?? []), l]);
  const takes: { line: WaveLine; takes: ReservationTake[] }[] = [];
  const shortages: { line: WaveLine; missing: number }[] = [];
  const backordered: string[] = [];
  for (const [orderId, orderLines] of orders) {
    // Planned on a scratch copy of the pools this order touches; kept only if the whole order is covered.
    const scratch = new Map<string, Map<string, ReservationCandidate>>();
    const pool = (sku: string) => {
      let p = scratch.get(sku);
      if (p === undefined) scratch.set(sku, (p = new Map(free.get(sku) ?? [])));
      return p;
    };
    const planned: { line: WaveLine; takes: ReservationTake[] }[] = [];
    const short: { line: WaveLine; missing: number }[] = [];
    for (const line of orderLines) {
      const p = pool(line.sku);
      const t = planReservation(supply.get(line.sku)?.policy ?? 'FIFO', line.quantity, [...p.values()]);
      for (const x of t) {
        const k = `${x.locationId}\u0000${x.lot}`;
        const c = p.get(k);
        if (c !== undefined) p.set(k, { ...c, free: c.free - x.quantity });
      }
      const got = t.reduce((n, x) => n + x.quantity, 0);
      if (got < line.quantity) short.push({ line, missing: line.quantity - got });
      planned.push({ line, takes: t });
    }
    if (short.length > 0) {
      shortages.push(...short);
      backordered.push(orderId);
      continue;
    }
    for (const [sku, p] of scratch) free.set(sku, p);
    takes.push(...planned);
  }
  return { takes, shortages, backordered: backordered.sort() };
}
