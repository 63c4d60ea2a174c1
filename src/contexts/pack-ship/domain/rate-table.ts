import type { Address, Parcel, RateQuote } from './carrier.ts';

/**
 * A carrier priced by a published rate table (docs/dev/carriers.md): zones by destination country and postal-code
 * prefix, per-service weight breaks per zone, billable weight = max(actual, dimensional), surcharges. Pure.
 */
export interface RateTable {
  readonly currency: string;
  /** cm³ per kg: dimensional weight = L × W × H (cm) / divisor (5000 is common for express, 6000 for road). */
  readonly dimDivisor: number;
  /** Billable weight is rounded up to a multiple of this (kg); default 0.5. */
  readonly roundUpKg?: number;
  /** Zones; the longest matching postal prefix wins; a zone without prefixes matches its whole country. */
  readonly zones: readonly { readonly zone: string; readonly country: string; readonly postalPrefixes?: readonly string[] }[];
  readonly services: readonly {
    readonly code: string;
    readonly name: string;
    readonly transitDays: number;
    /** Ascending `upToKg`; the price of a parcel is the first break that holds its billable weight, per zone. */
    readonly weightBreaks: readonly { readonly upToKg: number; readonly prices: Readonly<Record<string, number>> }[];
  }[];
  readonly surcharges?: readonly Surcharge[];
}

/** PER_PARCEL: `amount` per parcel that meets the condition; PERCENT: `amount` % of the subtotal (fuel), applied last. */
export interface Surcharge {
  readonly code: string;
  readonly kind: 'PER_PARCEL' | 'PERCENT';
  readonly amount: number;
  /** Only parcels whose longest side exceeds this (cm). */
  readonly longestSideOverCm?: number;
  /** Only parcels whose actual weight exceeds this (kg). */
  readonly actualWeightOverKg?: number;
  /** Only these zones (default: all). */
  readonly zones?: readonly string[];
}

const cents = (x: number): number => Math.round(x * 100) / 100;

/** The zone of a destination, or undefined when the table does not serve it. */
export function zoneOf(table: RateTable, to: Pick<Address, 'country' | 'postalCode'>): string | undefined {
  const postal = to.postalCode.replace(/\s+/g, '').toUpperCase();
  let best: { zone: string; length: number } | undefined;
  for (const z of table.zones) {
    if (z.country.toUpperCase() !== to.country.toUpperCase()) continue;
    const prefixes = z.postalPrefixes ?? [''];
    for (const p of prefixes) {
      const prefix = p.replace(/\s+/g, '').toUpperCase();
      if (postal.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = { zone: z.zone, length: prefix.length };
    }
  }
  return best?.zone;
}

/** Billable kg of a parcel: the larger of actual and dimensional weight, rounded up to the table's step. */
export function billableKg(table: RateTable, p: Pick<Parcel, 'weightG' | 'lengthMm' | 'widthMm' | 'heightMm'>): number {
  const actual = p.weightG / 1000;
  const dim = ((p.lengthMm / 10) * (p.widthMm / 10) * (p.heightMm / 10)) / table.dimDivisor;
  const step = table.roundUpKg ?? 0.5;
  // The epsilon keeps 2.0000000001 (float noise) from rounding up a whole step.
  return Math.ceil(Math.max(actual, dim) / step - 1e-9) * step;
}

/** Quotes of every service that can carry all the parcels to the destination; none when the zone is not served. */
export function rateTableQuotes(carrier: string, table: RateTable, to: Pick<Address, 'country' | 'postalCode'>, parcels: readonly Parcel[]): RateQuote[] {
  const zone = zoneOf(table, to);
  if (zone === undefined || parcels.length === 0) return [];
  const quotes: RateQuote[] = [];
  for (const service of table.services) {
    let subtotal = 0;
    let carried = true;
    for (const p of parcels) {
      const kg = billableKg(table, p);
      const price = service.weightBreaks.find((b) => kg <= b.upToKg + 1e-9)?.prices[zone];
      if (price === undefined) {
        carried = false;
        break;
      }
      subtotal += price;
      const longest = Math.max(p.lengthMm, p.widthMm, p.heightMm) / 10;
      for (const s of table.surcharges ?? []) {
        if (s.kind !== 'PER_PARCEL' || (s.zones !== undefined && !s.zones.includes(zone))) continue;
        if (s.longestSideOverCm !== undefined && !(longest > s.longestSideOverCm)) continue;
        if (s.actualWeightOverKg !== undefined && !(p.weightG / 1000 > s.actualWeightOverKg)) continue;
        subtotal += s.amount;
      }
    }
    if (!carried) continue;
    const percent = (table.surcharges ?? []).filter((s) => s.kind === 'PERCENT' && (s.zones === undefined || s.zones.includes(zone)))
      .reduce((n, s) => n + s.amount, 0);
    quotes.push({ carrier, service: service.code, price: cents(subtotal * (1 + percent / 100)), currency: table.currency, transitDays: service.transitDays });
  }
  return quotes;
}
