import { describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../../../contracts/inventory.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideSafetyStock } from './decide.ts';

const spec = deciderSpec(decideSafetyStock);
const set = (quantity: number) => ({ siteId: SITE, ownerId: DEFAULT_OWNER_ID, sku: 'SKU-A', quantity });

describe('a safety stock', () => {
  it('sets it on a SKU the catalogue knows, and says so with the figure before', () => {
    spec.given({ product: { sku: 'SKU-A' }, previous: 0 }).when(set(5)).then((d) => {
      expect(d).toMatchObject({ quantity: 5, changed: true, lowered: false });
      expect(d.events).toEqual([{ type: InventoryEvents.safetyStockSet, subject: 'SKU-A', siteId: SITE,
        data: { siteId: SITE, ownerId: DEFAULT_OWNER_ID, sku: 'SKU-A', quantity: 5, previousQuantity: 0 } }]);
    });
  });
  it('lowered or cleared (0), it says it was lowered: backorders are worth a retry', () => {
    spec.given({ product: { sku: 'SKU-A' }, previous: 5 }).when(set(0)).then((d) => expect(d).toMatchObject({ changed: true, lowered: true }));
  });
  it('the same figure again changes nothing and says nothing', () => {
    spec.given({ product: { sku: 'SKU-A' }, previous: 5 }).when(set(5)).then((d) => expect(d).toMatchObject({ changed: false, lowered: false, events: [] }));
  });
  it('refuses a SKU the catalogue does not know, naming /sku', () => {
    spec.given({ product: undefined, previous: 0 }).when(set(3)).thenRejects('UNKNOWN_SKU', { fields: ['/sku'] });
  });
});
