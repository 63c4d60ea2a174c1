import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideCountPolicy } from './decide.ts';

const spec = deciderSpec(decideCountPolicy);

describe('a count policy', () => {
  it('sets the class of a SKU the catalogue knows', () => {
    spec.given({ product: { sku: 'MUG' } }).when({ siteId: 'sit_1', sku: 'MUG', abcClass: 'A' }).then({ siteId: 'sit_1', sku: 'MUG', abcClass: 'A' });
  });
  it('refuses a SKU the catalogue does not know, naming /sku', () => {
    spec.given({ product: undefined }).when({ siteId: 'sit_1', sku: 'NOPE', abcClass: 'B' }).thenRejects('UNKNOWN_SKU', { fields: ['/sku'] });
  });
});
