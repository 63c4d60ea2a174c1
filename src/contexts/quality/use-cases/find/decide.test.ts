import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideFound } from './decide.ts';

const spec = deciderSpec((state: { id: string } | undefined, cmd: { what: string; id: string }) => decideFound(state, cmd));

describe('finding what a command names', () => {
  it('given it exists, then it is the state the command works on', () => {
    spec.given({ id: 'qin_1' }).when({ what: 'inspection', id: 'qin_1' }).then({ id: 'qin_1' });
  });
  it('given nothing by that id, then NOT_FOUND', () => {
    spec.given(undefined).when({ what: 'inspection', id: 'qin_9' }).thenRejects('NOT_FOUND', { message: 'No inspection qin_9' });
  });
});
