import { describe, expect, it } from 'vitest';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import type { FloorState } from '../../domain/floor-action.ts';
import { newPickLine, newPickList } from '../../test-fixtures.ts';
import { decideShortPick, type ShortPick } from './decide.ts';

const spec = deciderSpec(decideShortPick);
const line = newPickLine({ picked: 1 });
const list = newPickList({ status: 'IN_PROGRESS' });
const open: FloorState = { list, line, scan: undefined };
const short = (scanId?: string, reason: ShortPick['action']['reason'] = 'DAMAGED'): ShortPick =>
  ({ listId: 'pkl_1', lineId: 'pln_1', scanId, action: { kind: 'short', reason } });
const stamp = T0.toISOString();

describe('close a line short', () => {
  it('shorts what is still open (what was picked stays picked), and the list ends PARTIAL', () => {
    spec.given(open).when(short()).then({
      kind: 'act',
      line: { before: line, after: { ...line, shortQuantity: 2, shortReason: 'DAMAGED', status: 'SHORT', updatedAt: stamp } },
      list: { before: list, after: { ...list, status: 'PARTIAL', openLines: 0, shortLines: 1, updatedAt: stamp, completedAt: stamp } },
      events: [
        {
          type: 'picking.line.shorted.v1', subject: 'pkl_1', siteId: 'sit_1',
          data: {
            pickListId: 'pkl_1', pickLineId: 'pln_1', orderId: 'ord_1', lineId: 'oln_1', reservationId: 'rsv_1', siteId: 'sit_1',
            sku: 'SKU-1',
            locationId: 'loc_1', lot: null, shortQuantity: 2, reason: 'DAMAGED',
          },
        },
        {
          type: 'picking.list.completed.v1', subject: 'pkl_1', siteId: 'sit_1',
          data: { pickListId: 'pkl_1', waveId: 'wav_1', siteId: 'sit_1', orderIds: ['ord_1'], status: 'PARTIAL' },
        },
      ],
    });
  });

  it('leaves the list IN_PROGRESS while other lines are open', () => {
    spec.given({ ...open, list: newPickList({ openLines: 2 }) }).when(short()).then((d) => {
      expect(d.kind === 'act' && [d.list.after.status, d.list.after.openLines, d.list.after.shortLines, d.events.length])
        .toEqual(['IN_PROGRESS', 1, 1, 1]);
    });
  });

  it('answers a retried short (same scanId, same reason) as a replay; the scanId with another reason is refused', () => {
    const scan = { pickLineId: 'pln_1', action: short().action };
    spec.given({ ...open, scan }).when(short('scan-1')).then({ kind: 'replay', list });
    spec.given({ ...open, scan }).when(short('scan-1', 'NOT_FOUND')).thenRejects('SCAN_ID_REUSED', { fields: ['/scanId'] });
  });

  it('a signed-in worker shorts only on the list its own task holds; a list no task holds, or a key, is not checked', () => {
    spec.given({ ...open, worker: 'ann' }).when({ ...short(), actingWorker: 'bob' })
      .thenRejects('ACTING_AS_ANOTHER_WORKER', { message: /held by worker ann, not bob/ });
    spec.given({ ...open, worker: 'ann' }).when({ ...short(), actingWorker: 'ann' }).then((d) => expect(d.kind).toBe('act'));
    spec.given({ ...open, worker: null }).when({ ...short(), actingWorker: 'bob' }).then((d) => expect(d.kind).toBe('act'));
    spec.given({ ...open, worker: 'ann' }).when(short()).then((d) => expect(d.kind).toBe('act'));
  });

  it('refuses an unknown list or line', () => {
    spec.given({ list: undefined, line: undefined, scan: undefined }).when(short()).thenRejects('NOT_FOUND');
    spec.given({ list, line: undefined, scan: undefined }).when(short()).thenRejects('NOT_FOUND', { message: /No line pln_1/ });
  });

  it('refuses a line cancelled with its order', () => {
    spec.given({ ...open, line: newPickLine({ status: 'CANCELLED' }) }).when(short()).thenRejects('ORDER_CANCELLED');
  });

  it('refuses a closed line, and a line of a closed list', () => {
    spec.given({ ...open, line: newPickLine({ status: 'SHORT', shortQuantity: 3 }) }).when(short())
      .thenRejects('ILLEGAL_TRANSITION', { message: /line is SHORT/ });
    spec.given({ ...open, list: newPickList({ status: 'PARTIAL', openLines: 0 }) }).when(short())
      .thenRejects('ILLEGAL_TRANSITION', { message: /pick list is PARTIAL/ });
  });
});
