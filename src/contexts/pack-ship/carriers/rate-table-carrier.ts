import { STANDARD_SERVICE, type Carrier } from '../domain/carrier.ts';
import { rateTableQuotes, type RateTable } from '../domain/rate-table.ts';

/**
 * A carrier with no API of its own: priced by its published rate table, booked by taking a number from its
 * tracking range (`nextNumber`: a database sequence), labelled with PakLog's GS1 label, handed over on the manifest.
 */
export function rateTableCarrier(config: { code: string; trackingPrefix: string; table: RateTable }, nextNumber: () => Promise<number>): Carrier {
  return {
    code: config.code,
    services: config.table.services.map((s) => ({ code: s.code, name: s.name, transitDays: s.transitDays })),
    async rate(request) {
      return request.shipTo === null ? [] : rateTableQuotes(config.code, config.table, request.shipTo, request.packages);
    },
    async book(shipment) {
      if (shipment.shipTo === null) throw new Error(`${config.code} needs a ship-to address`);
      const service = shipment.service === STANDARD_SERVICE ? config.table.services[0]?.code : shipment.service;
      return { trackingNumber: `${config.trackingPrefix}${service?.slice(0, 2) ?? 'XX'}${String(await nextNumber()).padStart(10, '0')}` };
    },
    // Nothing to tell the carrier: a voided number is simply never handed over on a manifest.
    async void() {},
  };
}
