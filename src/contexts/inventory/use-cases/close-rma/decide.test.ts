import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { rmaRow } from '../decider-fixtures.ts';
import { decideCloseRma } from './decide.ts';

const spec = deciderSpec(decideCloseRma);

describe('closing or cancelling an RMA', () => {
  it('closes an inspected RMA and cancels one nothing arrived for', () => {
    spec.given({ rma: rmaRow({ status: 'INSPECTED' }) }).when({ rmaId: 'rma_1', to: 'CLOSED' })
      .then((d) => expect(d.events.map((e) => e.type)).toEqual(['inventory.rma.closed.v1']));
    spec.given({ rma: rmaRow() }).when({ rmaId: 'rma_1', to: 'CANCELLED', reason: 'customer kept it' })
      .then((d) => expect(d.events[0]!.data).toMatchObject({ reason: 'customer kept it' }));
  });

  it('refuses to close one with units awaiting inspection, to cancel one units arrived for, and an unknown one', () => {
    spec.given({ rma: rmaRow({ status: 'RECEIVED' }) }).when({ rmaId: 'rma_1', to: 'CLOSED' }).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ rma: rmaRow({ status: 'RECEIVED' }) }).when({ rmaId: 'rma_1', to: 'CANCELLED' }).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ rma: undefined }).when({ rmaId: 'rma_9', to: 'CLOSED' }).thenRejects('NOT_FOUND');
  });
});
