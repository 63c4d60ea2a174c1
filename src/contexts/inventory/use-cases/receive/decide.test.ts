import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { ok } from '../../../../platform/errors.ts';
import { decideReceive, inactiveProduct, type ReceiveCommand, type ReceiveState } from './decide.ts';

const spec = deciderSpec(decideReceive);
const plain = { lotControlled: false, expiryControlled: false };
const known: ReceiveState = { product: plain, location: location(), pickable: true };
const receipt = (o: Partial<ReceiveCommand> = {}): ReceiveCommand => ({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', quantity: 5,
  movementId: 'mov_1', ...o });

describe('receive', () => {
  it('puts the units on the AVAILABLE balance with one RECEIPT movement and announces them', () => {
    spec.given({ ...known, product: { lotControlled: true, expiryControlled: false } }).when(receipt({ lot: 'L1', expiresOn: '2026-06-30' })).then((d) => {
      expect(d.key).toEqual({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: 'L1', status: 'AVAILABLE' });
      expect(d.unpickable).toBe(0);
      expect(d.movements).toEqual([{ id: 'mov_1', type: 'RECEIPT', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: 'L1',
        status: 'AVAILABLE', deltaOnHand: 5, reference: 'mov_1' }]);
      expect(d.events.map((e) => e.data)).toEqual([{ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: 'L1', expiresOn: '2026-06-30',
        quantity: 5, movementId: 'mov_1' }]);
    });
  });

  it('a serial-controlled product\'s units carry one distinct serial each, announced and to register (ADR 0058)', () => {
    const serial = { ...known, product: { ...plain, serialControlled: true } };
    spec.given(serial).when(receipt({ quantity: 2, serials: ['S-1', 'S-2'] })).then((d) => {
      expect(d.serials).toEqual(['S-1', 'S-2']);
      expect(d.events[0]!.data).toMatchObject({ serials: ['S-1', 'S-2'] });
    });
    spec.given(serial).when(receipt({ quantity: 2 })).thenRejects('VALIDATION_FAILED', { fields: ['/serials'] });
    spec.given(serial).when(receipt({ quantity: 2, serials: ['S-1'] })).thenRejects('VALIDATION_FAILED', { fields: ['/serials'] });
    spec.given(serial).when(receipt({ quantity: 2, serials: ['S-1', 'S-1'] })).thenRejects('VALIDATION_FAILED', { fields: ['/serials/1'] });
    spec.given(known).when(receipt({ quantity: 1, serials: ['S-1'] })).thenRejects('VALIDATION_FAILED', { fields: ['/serials'] });
    spec.given(known).when(receipt()).then((d) => expect(d.serials).toEqual([]));
  });

  it('refuses a serial of the SKU already in stock at the site, naming it (ADR 0058)', () => {
    spec.given({ ...known, product: { ...plain, serialControlled: true }, serialsLive: ['S-2'] })
      .when(receipt({ quantity: 2, serials: ['S-1', 'S-2'] })).thenRejects('SERIAL_IN_STOCK', { fields: ['/serials/1'] });
  });

  it('counts units received at a location nobody picks from as unpickable', () => {
    spec.given({ ...known, location: location({ type: 'RECEIVING' }),
      pickable: false }).when(receipt()).then((d) => expect(d.unpickable).toBe(5));
  });

  it('receives damaged or quarantined units onto their own balance, outside the SKU\'s AVAILABLE stock', () => {
    spec.given({ ...known, pickable: false }).when(receipt({ status: 'DAMAGED' })).then((d) => {
      expect(d.key.status).toBe('DAMAGED');
      expect([d.available, d.unpickable]).toEqual([0, 0]);
      expect(d.movements[0]).toMatchObject({ type: 'RECEIPT', status: 'DAMAGED', deltaOnHand: 5 });
    });
    spec.given(known).when(receipt()).then((d) => expect(d.available).toBe(5));
  });

  it('refuses a quantity that is not a positive integer and a malformed expiry, naming both fields', () => {
    spec.given(known).when(receipt({ quantity: 0, expiresOn: '0000-01-01' })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity',
      '/expiresOn'] });
  });

  it('refuses a location named both by id and by code', () => {
    spec.given(known).when(receipt({ locationCode: 'A-01' })).thenRejects('VALIDATION_FAILED', { fields: ['/locationId'] });
  });

  it('refuses a SKU the catalog does not know', () => {
    spec.given({ ...known, product: undefined }).when(receipt()).thenRejects('UNKNOWN_SKU', { fields: ['/sku'] });
  });

  it('refuses a location location-master does not know, or one of another site', () => {
    spec.given({ ...known, location: undefined }).when(receipt({ locationId: undefined,
      locationCode: 'X' })).thenRejects('UNKNOWN_LOCATION', { fields: ['/locationCode'] });
    spec.given({ ...known, location: location({ siteId: 'site_2' }) }).when(receipt()).thenRejects('UNKNOWN_LOCATION',
      { fields: ['/locationId'] });
  });

  it('refuses a location that is not ACTIVE', () => {
    spec.given({ ...known, location: location({ status: 'BLOCKED' }) }).when(receipt()).thenRejects('LOCATION_NOT_ACTIVE',
      { message: /BLOCKED/ });
  });

  it('refuses a lot- and expiry-controlled product received without lot or expiry', () => {
    spec.given({ ...known, product: { lotControlled: true, expiryControlled: true } }).when(receipt())
      .thenRejects('UNPROCESSABLE', { fields: ['/lot', '/expiresOn'] });
  });

  it('refuses a lot for a product that is not lot-controlled: no lot-specific balance of it is made (found by the black-box hunt)', () => {
    spec.given(known).when(receipt({ lot: 'L1' })).thenRejects('UNPROCESSABLE', { message: /lot/, fields: ['/lot'] });
    spec.given(known).when(receipt({ lot: '' })).then((d) => expect(d.key.lot).toBe(''));
  });

  it('refuses an expiry for a product neither lot- nor expiry-controlled: it would date every lot-less unit of the balance (found by the bad-input hunt)', () => {
    spec.given(known).when(receipt({ expiresOn: '2020-01-01' })).thenRejects('UNPROCESSABLE', { message: /give no expiresOn/, fields: ['/expiresOn'] });
    spec.given({ ...known, product: { lotControlled: false, expiryControlled: true } }).when(receipt({ expiresOn: '2020-01-01' }))
      .then((d) => expect(d.expiresOn).toBe('2020-01-01'));
  });
});

describe('a receipt of a deactivated product (ADR 0045)', () => {
  // The handlers ask this before deciding (a receipt against an ASN announced before is not asked: the truck arrives).
  const gate = deciderSpec((state: { product: { sku: string; active?: boolean } | undefined }, _command: object) => inactiveProduct(state.product) ?? ok(state.product));
  it('is refused with PRODUCT_INACTIVE on its SKU, and let through while the product is active or unknown to the gate', () => {
    gate.given({ product: { sku: 'SKU-A', active: false } }).when({}).thenRejects('PRODUCT_INACTIVE', { message: /reactivate/, fields: ['/sku'] });
    gate.given({ product: { sku: 'SKU-A', active: true } }).when({}).then((p) => expect(p).toEqual({ sku: 'SKU-A', active: true }));
    gate.given({ product: undefined }).when({}).then((p) => expect(p).toBeUndefined());
  });
});

