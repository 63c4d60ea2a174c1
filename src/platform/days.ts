/**
 * Whether a value is a day YYYY-MM-DD of the calendar (not 2026-02-30, which JavaScript reads as March 2) in the years
 * 1970 to 9999: what the HTTP validators hold a JSON `date` to (schemas.ts, DATE_RANGE), for the days read from CSV
 * files, ERP documents and EDI, which no JSON schema checks.
 */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  if (year < 1970 || year > 9999) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}
