import { describe, expect, it } from 'vitest';
import type { Parcel, RateQuote } from './carrier.ts';
import { cheapestMeetingPromise, workingDaysBetween } from './rate-shop.ts';
import { billableKg, rateTableQuotes, zoneOf, type RateTable } from './rate-table.ts';

export const PARCELCO_TABLE: RateTable = {
  currency: 'EUR',
  dimDivisor: 5000,
  roundUpKg: 0.5,
  zones: [
    { zone: 'Z1', country: 'DE', postalPrefixes: ['20', '21', '22'] },
    { zone: 'Z2', country: 'DE' },
    { zone: 'Z3', country: 'FR' },
    { zone: 'Z4', country: 'FR', postalPrefixes: ['20'] },
  ],
  services: [
    {
      code: 'ECONOMY', name: 'Economy', transitDays: 3,
      weightBreaks: [
        { upToKg: 2, prices: { Z1: 4, Z2: 5, Z3: 9, Z4: 15 } },
        { upToKg: 5, prices: { Z1: 5.5, Z2: 6.5, Z3: 11, Z4: 19 } },
        { upToKg: 10, prices: { Z1: 7, Z2: 8.5, Z3: 14, Z4: 25 } },
        { upToKg: 31.5, prices: { Z1: 12, Z2: 14, Z3: 22, Z4: 40 } },
      ],
    },
    {
      code: 'EXPRESS', name: 'Express', transitDays: 1,
      weightBreaks: [
        { upToKg: 2, prices: { Z1: 8, Z2: 10, Z3: 18 } },
        { upToKg: 10, prices: { Z1: 12, Z2: 15, Z3: 25 } },
      ],
    },
  ],
  surcharges: [
    { code: 'OVERSIZE', kind: 'PER_PARCEL', amount: 6, longestSideOverCm: 100 },
    { code: 'HEAVY', kind: 'PER_PARCEL', amount: 3.5, actualWeightOverKg: 20 },
    { code: 'FUEL', kind: 'PERCENT', amount: 10 },
  ],
};

const parcel = (weightG: number, l: number, w: number, h: number): Parcel =>
  ({ packageId: `pkg_${weightG}`, sscc: null, cartonCode: 'X', weightG, lengthMm: l, widthMm: w, heightMm: h });
const prices = (to: { country: string; postalCode: string }, parcels: Parcel[]): Record<string, number> =>
  Object.fromEntries(rateTableQuotes('PARCELCO', PARCELCO_TABLE, to, parcels).map((q) => [q.service, q.price]));

describe('rate-table carrier: known prices', () => {
  const DE_HH = { country: 'DE', postalCode: '20095' };
  const cases: { name: string; to: { country: string; postalCode: string }; parcels: Parcel[]; expected: Record<string, number> }[] = [
    { name: 'zone 1, dim weight 1.8 kg rounds to 2 kg (+10 % fuel)', to: DE_HH, parcels: [parcel(1200, 300, 200, 150)], expected: { ECONOMY: 4.4, EXPRESS: 8.8 } },
    { name: 'zone 2 (rest of DE), dim 4.8 kg over actual 4.3 kg', to: { country: 'DE', postalCode: '80331' }, parcels: [parcel(4300, 400, 300, 200)], expected: { ECONOMY: 7.15, EXPRESS: 16.5 } },
    { name: 'dimensional weight dominates: 0.5 kg in 600x400x400 bills 19.5 kg; express tops out at 10 kg', to: DE_HH, parcels: [parcel(500, 600, 400, 400)], expected: { ECONOMY: 13.2 } },
    { name: 'oversize surcharge on a 110 cm parcel to FR', to: { country: 'FR', postalCode: '75002' }, parcels: [parcel(3000, 1100, 200, 200)], expected: { ECONOMY: 22, EXPRESS: 34.1 } },
    { name: 'longest postal prefix wins: Corsica 20000 is zone 4, express not offered', to: { country: 'FR', postalCode: '20000' }, parcels: [parcel(1000, 200, 150, 100)], expected: { ECONOMY: 16.5 } },
    { name: 'heavy surcharge over 20 kg actual', to: DE_HH, parcels: [parcel(25_000, 500, 400, 300)], expected: { ECONOMY: 17.05 } },
    { name: 'two parcels are priced one by one', to: DE_HH, parcels: [parcel(1200, 300, 200, 150), parcel(4300, 400, 300, 200)], expected: { ECONOMY: 10.45, EXPRESS: 22 } },
    { name: 'over the last weight break: no service', to: DE_HH, parcels: [parcel(40_000, 500, 400, 300)], expected: {} },
    { name: 'a country the table does not serve: no service', to: { country: 'US', postalCode: '10001' }, parcels: [parcel(1000, 200, 150, 100)], expected: {} },
  ];
  it.each(cases)('$name', ({ to, parcels, expected }) => {
    expect(prices(to, parcels)).toEqual(expected);
  });

  it('zones and billable weight', () => {
    expect(zoneOf(PARCELCO_TABLE, { country: 'de', postalCode: '21 073' })).toBe('Z1');
    expect(zoneOf(PARCELCO_TABLE, { country: 'DE', postalCode: '10115' })).toBe('Z2');
    expect(billableKg(PARCELCO_TABLE, parcel(2000, 10, 10, 10))).toBe(2);
    expect(billableKg(PARCELCO_TABLE, parcel(2001, 10, 10, 10))).toBe(2.5);
  });
});

describe('rate shopping', () => {
  const q = (carrier: string, service: string, price: number, transitDays: number): RateQuote => ({ carrier, service, price, currency: 'EUR', transitDays });
  const quotes = [q('PARCELCO', 'ECONOMY', 4.4, 3), q('PARCELCO', 'EXPRESS', 8.8, 1), q('RESTCO', 'NEXTDAY', 7.9, 1), q('RESTCO', 'SAVER', 4.4, 2)];

  it('picks the cheapest service that meets the promise, the faster one on a price tie', () => {
    expect(cheapestMeetingPromise(quotes, { maxTransitDays: null }).best).toMatchObject({ carrier: 'RESTCO', service: 'SAVER' });
    expect(cheapestMeetingPromise(quotes, { maxTransitDays: 1 }).best).toMatchObject({ carrier: 'RESTCO', service: 'NEXTDAY' });
    expect(cheapestMeetingPromise(quotes, { maxTransitDays: 3 }).best).toMatchObject({ carrier: 'RESTCO', service: 'SAVER' });
  });

  it('finds nothing when no service meets the promise', () => {
    expect(cheapestMeetingPromise(quotes, { maxTransitDays: 0 }).best).toBeUndefined();
    expect(cheapestMeetingPromise([], { maxTransitDays: null }).best).toBeUndefined();
  });

  it('counts working days', () => {
    // Friday 2026-12-04 → Monday 2026-12-07: one working day.
    expect(workingDaysBetween(new Date('2026-12-04T10:00:00Z'), new Date('2026-12-07T09:00:00Z'))).toBe(1);
    expect(workingDaysBetween(new Date('2026-12-01T10:00:00Z'), new Date('2026-12-04T09:00:00Z'))).toBe(3);
    expect(workingDaysBetween(new Date('2026-12-04T10:00:00Z'), new Date('2026-12-04T09:00:00Z'))).toBe(0);
  });
});
