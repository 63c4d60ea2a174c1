import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideCancelAsn } from './decide.ts';

const spec = deciderSpec(decideCancelAsn);
const asn = (status: 'OPEN' | 'RECEIVING' | 'CLOSED' | 'CANCELLED') => ({ asn: { id: 'asn_1', site_id: SITE, status } });

describe('cancelling an ASN', () => {
  it('cancels an ASN nothing was received against, with the reason', () => {
    spec.given(asn('OPEN')).when({ asnId: 'asn_1', reason: 'supplier cancelled' }).then((d) => {
      expect(d.reason).toBe('supplier cancelled');
      expect(d.events.map((e) => [e.type, e.data])).toEqual([['inventory.asn.cancelled.v1', { asnId: 'asn_1', siteId: SITE, reason: 'supplier cancelled' }]]);
    });
  });

  it('refuses an unknown ASN, one goods arrived against, and one already ended', () => {
    spec.given({ asn: undefined }).when({ asnId: 'asn_9' }).thenRejects('NOT_FOUND');
    spec.given(asn('RECEIVING')).when({ asnId: 'asn_1' }).thenRejects('ILLEGAL_TRANSITION', { message: /close it instead/ });
    spec.given(asn('CLOSED')).when({ asnId: 'asn_1' }).thenRejects('ILLEGAL_TRANSITION');
    spec.given(asn('CANCELLED')).when({ asnId: 'asn_1' }).thenRejects('ILLEGAL_TRANSITION');
  });

  it('refuses an OPEN ASN an LPN of which was scanned in at the dock: goods arrived (close it instead)', () => {
    spec.given({ ...asn('OPEN'), arrivedLpns: ['106141411234567897'] }).when({ asnId: 'asn_1' })
      .thenRejects('ILLEGAL_TRANSITION', { message: /106141411234567897 was scanned in.*close it instead/ });
  });
});
