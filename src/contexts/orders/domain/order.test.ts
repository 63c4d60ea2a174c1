import { describe, expect, it } from 'vitest';
import { IDENTIFIER_MESSAGE, TEXT_MESSAGE } from '../../../platform/text.ts';
import { isCountryCode, isPartialShipment, orderDifferences, skusWithMoreUnits, unknownSkuErrors, validateNewOrder, type NewOrder } from './order.ts';

const order = (over: Partial<NewOrder> = {}): NewOrder => ({
  externalId: 'SHOP-1', siteId: 'sit_1', ownerId: 'own_default', carrier: 'OWN_FLEET', priority: 5, shipBy: null, shipComplete: false,
  shipTo: { name: 'Ada', line1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  lines: [{ sku: 'MUG', quantity: 2 }], ...over,
});

describe('new order rules', () => {
  it('accepts a complete order', () => {
    expect(validateNewOrder(order())).toEqual([]);
  });

  it('refuses ship-to fields longer than the REST schema takes, for orders that do not pass it (storefront, EDI, CSV; found by the bad-input hunt)', () => {
    const shipTo = { name: 'A'.repeat(201), line1: 'Main St 1', city: 'Berlin', postalCode: 'x'.repeat(21), country: 'DE', email: `${'e'.repeat(250)}@x.de` };
    expect(validateNewOrder(order({ shipTo }))).toEqual([
      { field: '/shipTo/name', message: 'must be at most 200 characters' },
      { field: '/shipTo/postalCode', message: 'must be at most 20 characters' },
      { field: '/shipTo/email', message: 'must be at most 254 characters' },
    ]);
    // Characters, not UTF-16 units: 20 emoji are a postal code of 20.
    expect(validateNewOrder(order({ shipTo: { ...order().shipTo, postalCode: '\u{1F4E6}'.repeat(20) } }))).toEqual([]);
  });

  it('names every bad field', () => {
    const errors = validateNewOrder(order({
      priority: 0, shipTo: { name: ' ', line1: 'x', city: 'y', postalCode: 'z', country: 'XX' },
      lines: [{ sku: 'A', quantity: 0 }, { sku: 'A', quantity: 100_001 }, { sku: 'B', quantity: 1.5 }],
    }));
    expect(errors.map((e) => e.field)).toEqual(['/priority', '/shipTo/name', '/shipTo/country', '/lines/0/quantity', '/lines/1/sku', '/lines/1/quantity', '/lines/2/quantity']);
  });

  it('refuses control, bidi and invisible characters in the address, external id and carrier, as the REST schema does: CSV, EDI and storefront orders come here without it (bad-input hunt)', () => {
    const errors = validateNewOrder(order({
      externalId: 'SHOP-\u00071', carrier: 'OWN\u202eFLEET',
      shipTo: { name: 'Ada\u001b[2J', line1: 'Main\nSt 1', city: 'Berlin', postalCode: '10115', country: 'DE', line2: 'Hof\u2028', phone: '', company: 'ACME\u200b' },
    }));
    expect(errors).toEqual([
      { field: '/externalId', message: IDENTIFIER_MESSAGE }, { field: '/carrier', message: IDENTIFIER_MESSAGE },
      { field: '/shipTo/name', message: TEXT_MESSAGE }, { field: '/shipTo/company', message: TEXT_MESSAGE },
      { field: '/shipTo/line1', message: TEXT_MESSAGE }, { field: '/shipTo/line2', message: TEXT_MESSAGE },
    ]);
    expect(validateNewOrder(order({ shipTo: { name: 'José Müller 李', line1: 'C/ Mayor 1, 3º', city: 'A Coruña', postalCode: '15001', country: 'ES', line2: '' } }))).toEqual([]);
  });

  it('refuses a ship-by PostgreSQL cannot store (year 0000) as a field error, not a 500', () => {
    expect(validateNewOrder(order({ shipBy: '0000-01-01T00:00:00Z' })).map((e) => e.field)).toEqual(['/shipBy']);
    expect(validateNewOrder(order({ shipBy: '2030-01-01T00:00:00Z' }))).toEqual([]);
  });

  it('wants 1 to 500 lines', () => {
    expect(validateNewOrder(order({ lines: [] })).map((e) => e.field)).toEqual(['/lines']);
    const many = Array.from({ length: 501 }, (_, i) => ({ sku: `S${i}`, quantity: 1 }));
    expect(validateNewOrder(order({ lines: many })).map((e) => e.field)).toEqual(['/lines']);
  });

  it('knows ISO 3166-1 alpha-2 codes, not lookalikes', () => {
    expect(isCountryCode('DE')).toBe(true);
    expect(isCountryCode('GB')).toBe(true);
    expect(isCountryCode('UK')).toBe(false);
    expect(isCountryCode('EU')).toBe(false);
    expect(isCountryCode('de')).toBe(false);
  });

  it('names unknown SKUs by line', () => {
    expect(unknownSkuErrors([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }], new Set(['A']))).toEqual([{ field: '/lines/1/sku', message: 'unknown SKU B' }]);
  });

  it('calls a shipment partial when a line shipped less than ordered', () => {
    expect(isPartialShipment([{ ordered: 2, shipped: 2 }])).toBe(false);
    expect(isPartialShipment([{ ordered: 2, shipped: 2 }, { ordered: 3, shipped: 1 }])).toBe(true);
  });
});

describe('a re-sent order is the same order only when its content is', () => {
  const received = {
    siteId: 'sit_1', ownerId: 'own_default', carrier: 'OWN_FLEET', priority: 5, shipBy: '2030-01-02T10:00:00.000Z',
    shipTo: { name: 'Ada', line1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    lines: [{ sku: 'MUG', ordered: 2 }, { sku: 'TEA', ordered: 1 }], shipComplete: false,
  };
  const again = order({ shipBy: '2030-01-02T11:00:00+01:00', lines: [{ sku: 'TEA', quantity: 1 }, { sku: 'MUG', quantity: 2 }] });

  it('identical: the same instant written otherwise, lines in another order, line2 absent or empty', () => {
    expect(orderDifferences(received, again)).toEqual([]);
    expect(orderDifferences(received, order({ ...again, shipTo: { ...again.shipTo, line2: '' } }))).toEqual([]);
  });

  it('names every field that differs', () => {
    const fields = (o: NewOrder): string[] => orderDifferences(received, o).map((e) => e.field);
    expect(fields(order({ ...again, lines: [{ sku: 'MUG', quantity: 3 }, { sku: 'TEA', quantity: 1 }] }))).toEqual(['/lines']);
    expect(fields(order({ ...again, lines: [{ sku: 'MUG', quantity: 2 }] }))).toEqual(['/lines']);
    expect(fields(order({ ...again, siteId: 'sit_2', carrier: 'UPS', priority: 1, shipBy: null }))).toEqual(['/siteId', '/carrier', '/priority', '/shipBy']);
    expect(fields(order({ ...again, shipTo: { ...again.shipTo, line2: 'Flat 3' } }))).toEqual(['/shipTo']);
    expect(fields(order({ ...again, shipComplete: true }))).toEqual(['/shipComplete']);
  });
});

describe('the new demand of a change of lines (a deactivated product refuses only that, ADR 0045)', () => {
  it('is the SKUs asked for more units than the order holds now (ordered less cancelled), summed per SKU', () => {
    const current = [{ sku: 'A', ordered: 2 }, { sku: 'B', ordered: 3, cancelled: 1 }];
    expect([...skusWithMoreUnits(current, [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 2 }])]).toEqual([]);
    expect([...skusWithMoreUnits(current, [{ sku: 'A', quantity: 1 }])]).toEqual([]);
    expect([...skusWithMoreUnits(current, [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 3 }])]).toEqual(['B']);
    expect([...skusWithMoreUnits(current, [{ sku: 'A', quantity: 3 }, { sku: 'C', quantity: 1 }])].sort()).toEqual(['A', 'C']);
  });
});
