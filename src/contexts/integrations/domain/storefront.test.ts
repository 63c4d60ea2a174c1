import { describe, expect, it } from 'vitest';
import { mapStorefrontOrder, shopUpdatedAt, withExactOrderId } from './storefront.ts';

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

  it('reads a top-level id past 2^53 as the digits sent, not a nested one nor a key inside a string; a safe id and a string id stay as parsed (found by the bad-input hunt)', () => {
    const raw = '{"note":"\\"id\\":1","line_items":[{"id":111111111111111111111}],"id":820982911946154508,"email":"a@b.c"}';
    expect(withExactOrderId(JSON.parse(raw) as { id: unknown }, raw).id).toBe('820982911946154508');
    expect(withExactOrderId({ id: 42 }, '{"id":42}').id).toBe(42);
    expect(withExactOrderId({ id: '820982911946154508' }, '{"id":"820982911946154508"}').id).toBe('820982911946154508');
    expect(mapStorefrontOrder({ id: 1.5, line_items: [{ sku: 'A', quantity: 1 }], shipping_address: address }, channel).errors).toEqual([{ field: '/id', message: 'must be a whole number ≥ 0 or a string' }]);
  });
});

describe('the shop\'s updated_at', () => {
  it('reads an ISO 8601 instant with its offset; anything else is none (changes then apply as they arrive)', () => {
    expect(shopUpdatedAt({ updated_at: '2026-12-07T10:05:00-05:00' })?.toISOString()).toBe('2026-12-07T15:05:00.000Z');
    expect(shopUpdatedAt({ updated_at: '2026-12-07T15:05:00.250Z' })?.toISOString()).toBe('2026-12-07T15:05:00.250Z');
    for (const v of [undefined, null, 1765119900, '', 'yesterday', '2026-12-07', '2026-12-07T15:05:00', '2026-13-07T15:05:00Z']) {
      expect(shopUpdatedAt({ updated_at: v })).toBeUndefined();
    }
  });
});
