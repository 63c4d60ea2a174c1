import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideCloseNonConformance } from './decide.ts';

const spec = deciderSpec(decideCloseNonConformance);

describe('closing a non-conformance', () => {
  it('given an open one, then it closes with its resolution', () => {
    spec.given({ status: 'OPEN' }).when({ id: 'qnc_1', resolution: ' Supplier replaced the labeller ' }).then({ resolution: 'Supplier replaced the labeller' });
  });
  it('rejects a blank resolution and a second close', () => {
    spec.given({ status: 'OPEN' }).when({ id: 'qnc_1', resolution: ' ' }).thenRejects('VALIDATION_FAILED', { fields: ['/resolution'] });
    spec.given({ status: 'CLOSED' }).when({ id: 'qnc_1', resolution: 'again' }).thenRejects('ILLEGAL_TRANSITION');
  });
});
