import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCarrier } from '../../../../test/support/fake-carrier.ts';
import type { CarrierShipment } from '../domain/carrier.ts';
import { CarrierRefused, CarrierUnavailable, LabelUnknownToCarrier, restCarrier } from './rest-carrier.ts';

const shipment: CarrierShipment = {
  shipmentId: 'shp_1', orderId: 'ord_1', siteId: 'sit_1', service: 'SAVER',
  shipFrom: { name: 'DC North', line1: '1 Depot Road', city: 'Hamburg', postalCode: '20095', country: 'DE' },
  shipTo: { name: 'Ada Lovelace', line1: '12 St James Sq', line2: 'Flat 3', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  packages: [
    { packageId: 'pkg_1', sscc: '340123450000047111', cartonCode: 'M', weightG: 1500, lengthMm: 400, widthMm: 300, heightMm: 200 },
    { packageId: 'pkg_2', sscc: '340123450000047128', cartonCode: 'S', weightG: 500, lengthMm: 300, widthMm: 200, heightMm: 150 },
  ],
};

describe('generic REST carrier adapter against a local fake carrier', () => {
  let fake: Awaited<ReturnType<typeof startFakeCarrier>>;
  let carrier: ReturnType<typeof restCarrier>;
  beforeAll(async () => {
    fake = await startFakeCarrier({ apiKey: 'secret-key' });
    carrier = restCarrier({
      code: 'RESTCO', baseUrl: `${fake.url}/`, apiKey: 'secret-key', timeoutMs: 2000,
      services: [{ code: 'NEXTDAY', name: 'Next day', transitDays: 1 }, { code: 'SAVER', name: 'Saver', transitDays: 3 }],
    });
  });
  afterAll(async () => fake.close());

  it('rates with the full address and parcel data; a service not configured is left out', async () => {
    const quotes = await carrier.rate?.(shipment);
    expect(quotes).toEqual([
      { carrier: 'RESTCO', service: 'NEXTDAY', price: 8.4, currency: 'EUR', transitDays: 1 },
      { carrier: 'RESTCO', service: 'SAVER', price: 4.6, currency: 'EUR', transitDays: 3 },
    ]);
    const call = fake.calls.at(-1);
    expect(call).toMatchObject({ method: 'POST', path: '/rates', authorization: 'Bearer secret-key' });
    expect(call?.body).toEqual({
      shipFrom: shipment.shipFrom, shipTo: shipment.shipTo,
      parcels: [
        { reference: 'pkg_1', sscc: '340123450000047111', weightG: 1500, lengthMm: 400, widthMm: 300, heightMm: 200 },
        { reference: 'pkg_2', sscc: '340123450000047128', weightG: 500, lengthMm: 300, widthMm: 200, heightMm: 150 },
      ],
    });
  });

  it('books the requested service and voids it', async () => {
    const booking = await carrier.book(shipment);
    expect(booking.trackingNumber).toMatch(/^RC\d{8}$/);
    expect(fake.calls.at(-1)?.body).toMatchObject({ reference: 'shp_1', orderId: 'ord_1', service: 'SAVER', shipTo: { postalCode: 'SW1Y 4JH' } });
    expect(fake.booked.has(booking.trackingNumber)).toBe(true);
    await carrier.void?.(booking.trackingNumber);
    expect(fake.booked.has(booking.trackingNumber)).toBe(false);
    // Voiding twice: the carrier says 404, the adapter reports it rather than pretend: a label the carrier does not know
    // (pack & ship's void takes that as voided), not one it failed to void.
    await expect(carrier.void?.(booking.trackingNumber)).rejects.toBeInstanceOf(LabelUnknownToCarrier);
    fake.failNext();
    const other = await carrier.book(shipment).catch(() => undefined);
    expect(other).toBeUndefined();
    const live = await carrier.book(shipment);
    fake.failNext();
    const refused = await carrier.void?.(live.trackingNumber).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(CarrierUnavailable);
    expect(refused).not.toBeInstanceOf(LabelUnknownToCarrier);
  });

  it('reads tracking events', async () => {
    fake.addTracking('RC00000042', 'IN_TRANSIT', '2026-12-02T08:00:00.000Z');
    fake.addTracking('RC00000042', 'DELIVERED', '2026-12-03T12:00:00.000Z');
    expect(await carrier.track?.(['RC00000042', 'RC99'])).toEqual([
      { trackingNumber: 'RC00000042', status: 'IN_TRANSIT', at: '2026-12-02T08:00:00.000Z' },
      { trackingNumber: 'RC00000042', status: 'DELIVERED', at: '2026-12-03T12:00:00.000Z' },
    ]);
    expect(fake.calls.at(-1)?.path).toBe('/tracking?numbers=RC00000042,RC99');
  });

  it('skips (names, with why) only the tracking events whose `at` is no RFC 3339 instant or whose detail is no text of at most 500 characters (as POST /carrier-events would), and reads the others', async () => {
    const event = { trackingNumber: 'RC00000042', status: 'IN_TRANSIT', at: '2026-12-02T08:00:00+01:00' };
    const good = { trackingNumber: 'RC00000043', status: 'DELIVERED', at: '2026-12-02T09:00:00Z' };
    for (const bad of [{ at: 'soon' }, { at: 'yesterday' }, { at: '2026-12-02 08:00' }, { at: '0000-01-01T00:00:00Z' }, { at: 42 },
      { detail: 'Hub\u0000Hamburg' }, { detail: 'line\nbreak' }, { detail: 'x'.repeat(501) }, { detail: 7 }, { status: 'LOST' }]) {
      fake.refuseNext('/tracking', 200, { events: [{ ...event, ...bad }, good] });
      expect(await carrier.track?.(['RC00000042', 'RC00000043']), JSON.stringify(bad)).toEqual([
        { trackingNumber: 'RC00000042', malformed: expect.stringMatching(/^GET \/tracking answered a malformed event: .*(at|detail|status)/) }, good,
      ]);
    }
    // An event that names no tracking number is skipped too, named by nothing but its text.
    fake.refuseNext('/tracking', 200, { events: [{ status: 'IN_TRANSIT', at: event.at }, 'junk', good] });
    expect(await carrier.track?.(['RC00000043'])).toEqual([
      { trackingNumber: null, malformed: expect.stringContaining('malformed event') }, { trackingNumber: null, malformed: expect.stringContaining('"junk"') }, good,
    ]);
    // An answer that is no events list at all is still the carrier's malformed answer.
    fake.refuseNext('/tracking', 200, { events: 'none' });
    await expect(carrier.track?.(['RC00000042'])).rejects.toThrow(/no events array/);
    fake.refuseNext('/tracking', 200, { events: [{ ...event, detail: 'Arrived at hub Hamburg' }, { ...event, detail: '' }, { ...event, detail: null }] });
    expect(await carrier.track?.(['RC00000042'])).toEqual([
      { ...event, detail: 'Arrived at hub Hamburg' }, { ...event, detail: '' }, event,
    ]);
  });

  it('refuses an error answer, a malformed answer, a wrong key and an unreachable carrier', async () => {
    fake.failNext();
    await expect(carrier.book(shipment)).rejects.toThrow(/answered 503/);
    fake.malformNext();
    await expect(carrier.book(shipment)).rejects.toThrow(/no trackingNumber/);
    fake.malformNext();
    await expect(carrier.rate?.(shipment)).rejects.toThrow(/no quotes array/);
    const wrongKey = restCarrier({ code: 'RESTCO', baseUrl: fake.url, apiKey: 'nope', services: [] });
    await expect(wrongKey.book(shipment)).rejects.toThrow(/answered 401/);
    const down = restCarrier({ code: 'RESTCO', baseUrl: 'http://127.0.0.1:9', services: [], timeoutMs: 500 });
    await expect(down.book(shipment)).rejects.toBeInstanceOf(CarrierUnavailable);
    await expect(down.book(shipment)).rejects.not.toBeInstanceOf(CarrierRefused);
  });

  it('tells a refused booking (a 4xx with its reason, capped) from a carrier that did not answer (5xx, 401, 429: asked again)', async () => {
    fake.refuseNext('/shipments', 422, { message: 'Service SAVER is not offered to GB' });
    const refused = await carrier.book(shipment).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CarrierRefused);
    expect([(refused as CarrierRefused).status, (refused as CarrierRefused).reason]).toEqual([422, 'Service SAVER is not offered to GB']);
    fake.refuseNext('/shipments', 400, `bad ${'address '.repeat(100)}`);
    const long = await carrier.book(shipment).catch((e: unknown) => e) as CarrierRefused;
    expect(long.reason.length).toBeLessThanOrEqual(300);
    expect(long.reason).toMatch(/^"?bad address/);
    for (const status of [429, 409, 503]) {
      fake.refuseNext('/shipments', status, { message: 'later' });
      const e = await carrier.book(shipment).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CarrierUnavailable);
      expect(e).not.toBeInstanceOf(CarrierRefused);
    }
    const wrongKey = restCarrier({ code: 'RESTCO', baseUrl: fake.url, apiKey: 'nope', services: [] });
    await expect(wrongKey.book(shipment)).rejects.not.toBeInstanceOf(CarrierRefused);
  });
});
