import type { RateQuote } from './carrier.ts';

/** The order's delivery promise: delivered within this many working days of dispatch (none: any service will do). */
export interface DeliveryPromise {
  readonly maxTransitDays: number | null;
}

/**
 * Rate shopping: the cheapest quote that meets the promise; ties go to the faster service, then by carrier and
 * service code (stable). Undefined when no quote meets it: the caller refuses rather than pick a late service.
 */
export function cheapestMeetingPromise(quotes: readonly RateQuote[], promise: DeliveryPromise): RateQuote | undefined {
  return quotes
    .filter((q) => promise.maxTransitDays === null || q.transitDays <= promise.maxTransitDays)
    .sort((a, b) => a.price - b.price || a.transitDays - b.transitDays || a.carrier.localeCompare(b.carrier) || a.service.localeCompare(b.service))[0];
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
