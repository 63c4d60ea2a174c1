import { describe, expect, it } from 'vitest';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import { decideAsOf } from './decide.ts';

describe('asking for stock as of an instant', () => {
  const spec = deciderSpec(decideAsOf);
  const site = 'sit_1';

  it('answers any past instant, and now itself', () => {
    spec.given({}).when({ siteId: site, at: new Date(T0.getTime() - 86_400_000) }).then((p) => expect(p.at).toEqual(new Date(T0.getTime() - 86_400_000)));
    spec.given({}).when({ siteId: site, at: T0 }).then((p) => expect(p.at).toEqual(T0));
  });
  it('refuses an instant later than now: its answer would still change', () => {
    spec.given({}).when({ siteId: site, at: new Date(T0.getTime() + 1) }).thenRejects('AS_OF_IN_FUTURE', { fields: ['/querystring/at'] });
  });
  it('refuses an instant that is not one', () => {
    spec.given({}).when({ siteId: site, at: new Date('not a date') }).thenRejects('VALIDATION_FAILED', { fields: ['/querystring/at'] });
  });
  it('narrows by SKU, location, lot and owner, the lot as its balance key', () => {
    spec.given({}).when({ siteId: site, at: T0, sku: 'SKU-A', locationId: 'loc_1', lot: 'L7', ownerId: 'own_acme' })
      .then({ siteId: site, at: T0, sku: 'SKU-A', locationId: 'loc_1', lot: 'L7', ownerId: 'own_acme' });
    spec.given({}).when({ siteId: site, at: T0 }).then({ siteId: site, at: T0, sku: undefined, locationId: undefined, lot: undefined, ownerId: undefined });
  });
});
