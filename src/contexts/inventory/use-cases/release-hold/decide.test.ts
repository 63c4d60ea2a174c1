import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideRelease, type ReleaseCommand, type ReleaseState } from './decide.ts';

const spec = deciderSpec(decideRelease);
const given: ReleaseState = { product: { sku: 'SKU-A' }, location: location({ id: 'loc_shelf' }), pickable: true, balance: { on_hand: 5 } };
const release = (o: Partial<ReleaseCommand> = {}): ReleaseCommand => ({
  siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', quantity: 5, fromStatus: 'HOLD', reason: 'inspection passed', movementId: 'mov_2', ...o,
});

describe('release a hold', () => {
  it('moves held units back to AVAILABLE: two RELEASE movements, ATP up by the quantity', () => {
    spec.given(given).when(release()).then((d) => {
      expect([d.fromKey.status, d.toKey.status, d.availableDelta, d.unpickableDelta]).toEqual(['HOLD', 'AVAILABLE', 5, 0]);
      expect(d.movements.map((m) => [m.type, m.status, m.deltaOnHand])).toEqual([['RELEASE', 'HOLD', -5], ['RELEASE', 'AVAILABLE', 5]]);
      expect(d.events[0]?.data).toMatchObject({ fromStatus: 'HOLD', quantity: 5, reason: 'inspection passed' });
    });
  });

  it('leaves released units at a non-pickable location unpromised', () => {
    spec.given({ ...given, pickable: false }).when(release({ quantity: 2 })).then((d) => expect(d.unpickableDelta).toBe(2));
  });

  it('refuses more than is held in that status, an unknown SKU or location, a bad quantity and a blank reason', () => {
    spec.given(given).when(release({ quantity: 6 })).thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'] });
    spec.given({ ...given, balance: undefined }).when(release()).thenRejects('INSUFFICIENT_STOCK');
    spec.given({ ...given, product: undefined }).when(release()).thenRejects('UNKNOWN_SKU');
    spec.given({ ...given, location: undefined }).when(release()).thenRejects('UNKNOWN_LOCATION');
    spec.given(given).when(release({ quantity: -1 })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
    spec.given(given).when(release({ reason: '' })).thenRejects('VALIDATION_FAILED', { fields: ['/reason'] });
  });

  it('keeps back the units an open quality inspection holds (HELD_BY_INSPECTION naming it); units beyond them release', () => {
    const held = { ...given, inspectionHolds: [{ inspectionId: 'qin_1', held: 3 }] };
    spec.given(held).when(release({ quantity: 3 })).thenRejects('HELD_BY_INSPECTION', { message: /qin_1.*2 may be released/, fields: ['/quantity'] });
    spec.given(held).when(release({ quantity: 2 })).then((d) => expect(d.movements.map((m) => m.deltaOnHand)).toEqual([-2, 2]));
    spec.given({ ...held, balance: { on_hand: 2 } }).when(release({ quantity: 1 })).thenRejects('HELD_BY_INSPECTION', { message: /0 may be released/ });
  });

  it('names every inspection sharing the held units (one receipt\'s general and supplier inspections): each must be disposed of', () => {
    const shared = { ...given, inspectionHolds: [{ inspectionId: 'qin_1', held: 3, sharedBy: ['qin_2'] }] };
    spec.given(shared).when(release({ quantity: 3 })).thenRejects('HELD_BY_INSPECTION', { message: /inspections qin_1, qin_2: 2 may be released.*each inspection's disposition/ });
    const d = decideRelease(shared, release({ quantity: 3 }), new Date());
    expect(d.ok ? [] : d.errors).toEqual([
      { field: '/quantity', message: 'inspection qin_1 holds 3 of these units with inspection qin_2 (the units stay held until each is disposed of)' },
      { field: '/quantity', message: 'inspection qin_2 holds the same 3 of these units with inspection qin_1' },
    ]);
    spec.given(shared).when(release({ quantity: 2 })).then((r) => expect(r.movements.map((m) => m.deltaOnHand)).toEqual([-2, 2]));
  });

  it('keeps back a lost LPN\'s HOLD units (not on the shelf; its find releases them): INSUFFICIENT_STOCK naming the LPN (found by the stock hunt)', () => {
    const lost = { ...given, lostLpnHolds: [{ lpnId: 'lpn_1', held: 3 }] };
    spec.given(lost).when(release({ quantity: 3 })).thenRejects('INSUFFICIENT_STOCK', { message: /lost LPN lpn_1.*at most 2 may be released/, fields: ['/quantity'] });
    spec.given(lost).when(release({ quantity: 2 })).then((d) => expect(d.movements.map((m) => m.deltaOnHand)).toEqual([-2, 2]));
    // With an inspection's units as well, only the units of neither are free.
    spec.given({ ...lost, inspectionHolds: [{ inspectionId: 'qin_1', held: 1 }] }).when(release({ quantity: 2 }))
      .thenRejects('HELD_BY_INSPECTION', { message: /qin_1.*1 may be released/ });
  });
});

