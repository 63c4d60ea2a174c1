import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideSetting, type SettingInput } from './decide.ts';

const spec = deciderSpec(decideSetting);
const face = location({ id: 'loc_face', code: 'F-01', type: 'PICK_FACE' });
const setting = (o: Partial<SettingInput> = {}): SettingInput => ({ siteId: SITE, sku: 'SKU-A', locationCode: 'F-01', min: 4, max: 10, ...o });

describe('a pick face min/max', () => {
  it('is set on a pick face of the site for a known SKU', () => {
    spec.given({ product: { sku: 'SKU-A' }, location: face }).when(setting()).then((d) => expect(d.locationId).toBe('loc_face'));
    spec.given({ product: { sku: 'SKU-A' }, location: face }).when(setting({ min: 0, max: 1 })).then((d) => expect(d.locationId).toBe('loc_face'));
  });

  it('refuses min above max, a zero max, an unknown SKU or location, and a location that is not a pick face', () => {
    const given = spec.given({ product: { sku: 'SKU-A' }, location: face });
    given.when(setting({ min: 11 })).thenRejects('VALIDATION_FAILED');
    given.when(setting({ min: 0, max: 0 })).thenRejects('VALIDATION_FAILED');
    spec.given({ product: undefined, location: face }).when(setting()).thenRejects('UNKNOWN_SKU');
    spec.given({ product: { sku: 'SKU-A' }, location: undefined }).when(setting()).thenRejects('UNKNOWN_LOCATION');
    spec.given({ product: { sku: 'SKU-A' }, location: location({ type: 'RESERVE' }) }).when(setting({ locationCode: 'A-01' })).thenRejects('UNPROCESSABLE');
  });
});
