import type { RateQuote } from './carrier.ts';

/** The order's delivery promise: delivered within this many working days of dispatch (none: any service will do). */
export interface DeliveryPromise {
  readonly maxTransitDays: number | null;
}

/**
 * Rate shopping: the cheapest quote that meets the promise; ties go to the faster service, then by carrier and
 * service code (stable). `best` undefined when no quote meets it (the caller refuses rather than pick a late service),
 * or when those that meet it are in several currencies (`currencies`, sorted, more than one): PakLog has no exchange
 * rates, so 1 GBP is not compared with 5 EUR as plain numbers (ADR 0032 addendum 2026-12-07); the caller refuses.
 */
export function cheapestMeetingPromise(quotes: readonly RateQuote[], promise: DeliveryPromise): { readonly best: RateQuote | undefined; readonly currencies: readonly string[] } {
  const meeting = quotes.filter((q) => promise.maxTransitDays === null || q.transitDays <= promise.maxTransitDays);
  const currencies = [...new Set(meeting.map((q) => q.currency))].sort();
  if (currencies.length > 1) return { best: undefined, currencies };
  const best = [...meeting]
    .sort((a, b) => a.price - b.price || a.transitDays - b.transitDays || a.carrier.localeCompare(b.carrier) || a.service.localeCompare(b.service))[0];
  return { best, currencies };
}

/** Each currency's cheapest quote meeting the promise, for a refusal to name: `EUR: PARCELCO ECONOMY 5; GBP: RESTCO SAVER 1`. */
export function cheapestPerCurrency(quotes: readonly RateQuote[], promise: DeliveryPromise): string {
  const meeting = quotes.filter((q) => promise.maxTransitDays === null || q.transitDays <= promise.maxTransitDays);
  return [...new Set(meeting.map((q) => q.currency))].sort().map((c) => {
    const q = cheapestMeetingPromise(meeting.filter((x) => x.currency === c), promise).best;
    return q === undefined ? c : `${c}: ${q.carrier} ${q.service} ${q.price}`;
  }).join('; ');
}

/** Working days (Monday to Friday) from `from` to `to`, both UTC dates; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: Date, to: Date): number {
  let days = 0;
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const end = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  while (d.getTime() < end) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) days++;
  }
  return days;
}
