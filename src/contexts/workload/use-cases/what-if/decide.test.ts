import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideWhatIfZone } from './decide.ts';

const spec = deciderSpec(decideWhatIfZone);

describe('the zone of a what-if', () => {
  it('is a zone the plan can name: the site\'s, PACK, ALL (a site without zones; work of no zone yet)', () => {
    spec.given({ zones: new Set(['A']) }).when({ zone: 'A' }).then('A');
    spec.given({ zones: new Set(['A']) }).when({ zone: 'PACK' }).then('PACK');
    spec.given({ zones: new Set(['A']) }).when({ zone: 'ALL' }).then('ALL');
    spec.given({ zones: new Set<string>() }).when({ zone: 'ALL' }).then('ALL');
  });
  it('refuses ALL once the plan\'s work is placed in zones (no pool ALL: heads there changed nothing), naming the zones', () => {
    spec.given({ zones: new Set(['B', 'A']), zoned: true }).when({ zone: 'ALL' }).thenRejects('UNKNOWN_ZONE', { fields: ['/querystring/zone'], message: /A, B, PACK/ });
    spec.given({ zones: new Set(['A']), zoned: true }).when({ zone: 'A' }).then('A');
    spec.given({ zones: new Set(['A']), zoned: false }).when({ zone: 'ALL' }).then('ALL');
  });
  it('refuses any other, naming the query parameter', () => {
    spec.given({ zones: new Set(['A']) }).when({ zone: 'NOPE' }).thenRejects('UNKNOWN_ZONE', { fields: ['/querystring/zone'] });
    spec.given({ zones: new Set<string>() }).when({ zone: 'A' }).thenRejects('UNKNOWN_ZONE', { fields: ['/querystring/zone'] });
  });
});
