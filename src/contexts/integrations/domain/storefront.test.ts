import { describe, expect, it } from 'vitest';
import { mapStorefrontOrder } from './storefront.ts';

const channel = { siteId: 'sit_1', carrier: 'OWN_FLEET', prefix: 'SHOP-' };
const address = { first_name: 'Ada', last_name: 'Lovelace', address1: '1 Row', city: 'Paris', province: 'Île-de-France', zip: '75001', country_code: 'fr' };

describe('storefront order mapping', () => {
  it('adds up a repeated SKU, skips items that do not ship, and builds the name from first and last name', () => {
    const { intake, errors } = mapStorefrontOrder({
      id: 42, email: 'a@b.c',
      line_items: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }, { sku: 'A', quantity: 3 }, { sku: 'GIFT', quantity: 1, requires_shipping: false }],
      shipping_address: address,
    }, channel);
    expect(errors).toEqual([]);
    expect(intake).toEqual({
      externalId: 'SHOP-42', siteId: 'sit_1', carrier: 'OWN_FLEET',
      shipTo: { name: 'Ada Lovelace', line1: '1 Row', city: 'Paris', postalCode: '75001', country: 'FR', state: 'Île-de-France', email: 'a@b.c' },
      lines: [{ sku: 'A', quantity: 4 }, { sku: 'B', quantity: 2 }],
    });
  });

  it('names every field it cannot map', () => {
    expect(mapStorefrontOrder({ line_items: [] }, channel).errors.map((e) => e.field)).toEqual(['/id', '/line_items', '/shipping_address']);
    expect(mapStorefrontOrder({ id: 1, line_items: [{ sku: 'A', quantity: 1.5 }], shipping_address: { ...address, city: ' ' } }, channel).errors.map((e) => e.field))
      .toEqual(['/line_items/0/quantity', '/shipping_address/city']);
  });
});
