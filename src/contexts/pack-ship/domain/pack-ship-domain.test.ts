import { describe, expect, it } from 'vitest';
import { PACKAGE_STATUSES, SHIPMENT_STATUSES } from '../../../contracts/pack-ship.ts';
import { packerChooser, simplestFitChooser, suggestCartons, type Carton, type PackItem } from './carton-chooser.ts';
import { malformedQuote, MAX_QUOTE_PRICE, ownFleetCarrier, ownFleetLabel, ownFleetTrackingNumber } from './carrier.ts';
import { cheapestMeetingPromise } from './rate-shop.ts';
import { PACKAGE_TRANSITIONS, SHIPMENT_TRANSITIONS, packageLifecycle, shipmentLifecycle } from './lifecycles.ts';

const canMovePackage = packageLifecycle.can;
const canMoveShipment = shipmentLifecycle.can;

const carton = (code: string, l: number, w: number, h: number, maxWeightG = 10_000): Carton =>
  ({ code, description: code, innerLengthMm: l, innerWidthMm: w, innerHeightMm: h, maxWeightG, tareG: 100, cost: 1 });
const item = (sku: string, quantity: number, l: number, w: number, h: number, weightG = 100): PackItem =>
  ({ sku, quantity, lengthMm: l, widthMm: w, heightMm: h, weightG });
const cartons = [carton('L', 500, 400, 300, 20_000), carton('S', 300, 200, 150), carton('LONG', 1000, 200, 200), carton('M', 400, 300, 200)];

describe('simplest-fit carton chooser', () => {
  it('takes the smallest carton by volume that holds the volume, the largest item and the weight', () => {
    expect(simplestFitChooser.choose([item('A', 2, 100, 100, 50)], cartons)?.code).toBe('S');
    // 300x200x150 = 9 dm³; 10 units of 1 dm³ do not fit by volume.
    expect(simplestFitChooser.choose([item('A', 10, 100, 100, 100)], cartons)?.code).toBe('M');
  });

  it('turns items: a 150x350x100 item fits a 400x300x200 carton', () => {
    expect(simplestFitChooser.choose([item('A', 1, 150, 350, 100)], cartons)?.code).toBe('M');
  });

  it('takes the long box for a long item, and respects weight limits', () => {
    expect(simplestFitChooser.choose([item('ROD', 1, 900, 50, 50)], cartons)?.code).toBe('LONG');
    expect(simplestFitChooser.choose([item('LEAD', 1, 100, 100, 100, 15_000)], cartons)?.code).toBe('L');
  });

  it('finds nothing when no carton holds the items', () => {
    expect(simplestFitChooser.choose([item('SOFA', 1, 2000, 900, 800)], cartons)).toBeUndefined();
    expect(simplestFitChooser.choose([item('LEAD', 1, 100, 100, 100, 50_000)], cartons)).toBeUndefined();
  });
});

describe('3D packer carton chooser', () => {
  const cube = { ...carton('CUBE', 100, 100, 100), cost: 1 };
  const double = { ...carton('DOUBLE', 200, 100, 100), cost: 2 };

  it('refuses a tight fit that volume accepts but geometry does not: two 60 mm cubes in a 100 mm cube', () => {
    const items = [item('C60', 2, 60, 60, 60)];
    // 2 × 216 cm³ < 1000 cm³ and each cube fits alone, so the volume rule takes the small cube...
    expect(simplestFitChooser.choose(items, [cube, double])?.code).toBe('CUBE');
    // ...but 60 + 60 > 100 along every axis: the packer needs the double box.
    expect(packerChooser.choose(items, [cube, double])?.code).toBe('DOUBLE');
    expect(packerChooser.choose(items, [cube])).toBeUndefined();
    expect(packerChooser.choose([item('C60', 1, 60, 60, 60)], [double, cube])?.code).toBe('CUBE');
  });

  it('takes the cheapest carton that holds everything, turning items, within the weight limit', () => {
    const cheapFlat = { ...carton('FLAT', 350, 250, 40, 2000), cost: 0.25 };
    expect(packerChooser.choose([item('BOOK', 2, 200, 150, 30, 300)], [...cartons, cheapFlat])?.code).toBe('FLAT');
    expect(packerChooser.choose([item('BOOK', 2, 200, 150, 30, 1500)], [...cartons, cheapFlat])?.code).not.toBe('FLAT');
    expect(packerChooser.choose([item('SOFA', 1, 2000, 900, 800)], cartons)).toBeUndefined();
  });

  it('counts the weight of products without a size but does not place them', () => {
    const unsized = item('GIFT', 1, 0, 0, 0, 9_500);
    expect(packerChooser.choose([unsized], [cube, double])?.code).toBe('CUBE');
    expect(packerChooser.choose([unsized, item('C60', 1, 60, 60, 60, 600)], [cube, double])).toBeUndefined();
  });

  it('suggests several cartons when one does not hold the units, placing every unit once', () => {
    const s = suggestCartons([{ ...item('C60', 3, 60, 60, 60), id: 'oln_1' }], [cube]);
    if (!s.ok) throw new Error(s.message);
    expect(s.packages).toHaveLength(3);
    expect(s.cost).toBe(3);
    for (const p of s.packages) expect(p).toMatchObject({ cartonCode: 'CUBE', units: [{ id: 'oln_1', sku: 'C60', quantity: 1 }] });
    expect(s.packages.flatMap((p) => p.placements)).toHaveLength(3);
    expect(suggestCartons([item('SOFA', 1, 2000, 900, 800)], [cube]).ok).toBe(false);
  });
});

describe('package and shipment lifecycles', () => {
  it('packs, labels and ships a package; a label can be voided until it ships', () => {
    expect(canMovePackage('OPEN', 'PACKED')).toBe(true);
    expect(canMovePackage('PACKED', 'LABELLED')).toBe(true);
    expect(canMovePackage('LABELLED', 'SHIPPED')).toBe(true);
    expect(canMovePackage('LABELLED', 'PACKED')).toBe(true);
    expect(canMovePackage('PACKED', 'SHIPPED')).toBe(false);
    for (const to of PACKAGE_STATUSES) expect(canMovePackage('SHIPPED', to)).toBe(false);
    expect(Object.keys(PACKAGE_TRANSITIONS).sort()).toEqual([...PACKAGE_STATUSES].sort());
  });

  it('dispatches a shipment once, only after labelling', () => {
    expect(canMoveShipment('CREATED', 'LABELLED')).toBe(true);
    expect(canMoveShipment('LABELLED', 'DISPATCHED')).toBe(true);
    expect(canMoveShipment('CREATED', 'DISPATCHED')).toBe(false);
    expect(canMoveShipment('DISPATCHED', 'DISPATCHED')).toBe(false);
    expect(canMoveShipment('DISPATCHED', 'CREATED')).toBe(false);
    expect(Object.keys(SHIPMENT_TRANSITIONS).sort()).toEqual([...SHIPMENT_STATUSES].sort());
  });
});

describe('own fleet carrier', () => {
  it('issues PK + site tag + sequence tracking numbers and a ZPL label', async () => {
    expect(ownFleetTrackingNumber('sit_0191abcdef', 42)).toBe('PKABCDEF0000000042');
    let n = 0;
    const carrier = ownFleetCarrier(async () => ++n);
    const addr = { name: 'A', line1: 'L', city: 'C', postalCode: '1', country: 'DE' };
    const base = { siteId: 'sit_x1', service: 'STANDARD', shipFrom: addr, shipTo: addr };
    const a = await carrier.book({ ...base, shipmentId: 'shp_1', orderId: 'ord_1', packages: [{ packageId: 'pkg_1', sscc: null, cartonCode: 'S', weightG: 1200, lengthMm: 1, widthMm: 1, heightMm: 1 }] });
    const b = await carrier.book({ ...base, shipmentId: 'shp_2', orderId: 'ord_2', packages: [] });
    expect(a.trackingNumber).not.toBe(b.trackingNumber);
    expect(a.trackingNumber).toBe('PK0000X10000000001');
    expect(ownFleetLabel({ orderId: 'ord_1', packages: [] }, a.trackingNumber)).toMatch(/^\^XA[\s\S]*\^FDPK0000X10000000001\^FS[\s\S]*\^XZ$/);
  });
});

describe('packageLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(packageLifecycle.unreachable()).toEqual([]);
  });
});

describe('shipmentLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(shipmentLifecycle.unreachable()).toEqual([]);
  });
});

describe('a carrier quote PakLog can take (malformedQuote)', () => {
  const quote = { carrier: 'RESTCO', service: 'SAVER', price: 4.6, currency: 'EUR', transitDays: 3 };
  it('takes an amount from 0 to what a shipment records, whole days and an ISO 4217 currency', () => {
    for (const ok of [quote, { ...quote, price: 0 }, { ...quote, price: MAX_QUOTE_PRICE }, { ...quote, transitDays: 0 }]) expect(malformedQuote(ok)).toBeUndefined();
  });
  it('refuses a negative or unrecordable price, a fraction or negative of a day, a currency that is no code', () => {
    for (const bad of [{ price: -4 }, { price: MAX_QUOTE_PRICE + 1 }, { price: Number.NaN }, { price: Number.POSITIVE_INFINITY },
      { transitDays: 1.5 }, { transitDays: -1 }, { currency: 'eur' }, { currency: '' }, { currency: 'EURO' }]) {
      expect(malformedQuote({ ...quote, ...bad }), JSON.stringify(bad)).toMatch(/price|transitDays|currency/);
    }
  });
});

describe('rate shopping across currencies (ADR 0032 addendum 2026-12-07)', () => {
  const q = (carrier: string, price: number, currency: string, transitDays = 3) => ({ carrier, service: 'S', price, currency, transitDays });
  it('compares prices only within one currency: quotes that meet the promise in several currencies are no choice (each currency named), never 1 GBP under 5 EUR', () => {
    expect(cheapestMeetingPromise([q('EURCO', 5, 'EUR'), q('GBPCO', 1, 'GBP')], { maxTransitDays: null })).toEqual({ best: undefined, currencies: ['EUR', 'GBP'] });
    // One currency among those that keep the promise: the cheapest of it, the late ones in another currency do not matter.
    expect(cheapestMeetingPromise([q('EURCO', 5, 'EUR', 1), q('GBPCO', 1, 'GBP', 5)], { maxTransitDays: 2 })).toEqual({ best: q('EURCO', 5, 'EUR', 1), currencies: ['EUR'] });
    expect(cheapestMeetingPromise([q('A', 5, 'EUR'), q('B', 4, 'EUR')], { maxTransitDays: null })).toEqual({ best: q('B', 4, 'EUR'), currencies: ['EUR'] });
    expect(cheapestMeetingPromise([], { maxTransitDays: null })).toEqual({ best: undefined, currencies: [] });
  });
});
