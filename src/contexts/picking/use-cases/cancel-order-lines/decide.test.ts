import { describe, expect, it } from 'vitest';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import { newPickLine, newPickList } from '../../test-fixtures.ts';
import { decideCancelOrderLines } from './decide.ts';

const spec = deciderSpec(decideCancelOrderLines);
const stamp = T0.toISOString();
const mine = newPickLine({ id: 'pln_1', orderId: 'ord_1' });

describe('withdraw the open lines of a cancelled order', () => {
  it('cancels the lines; a list of nothing but them is CANCELLED and its work withdrawn', () => {
    const list = newPickList();
    spec.given({ lines: [mine], lists: [list], statuses: new Map([['pkl_1', [{ id: 'pln_1', status: 'PENDING' as const }]]]) })
      .when({ orderId: 'ord_1' }).then({
        lines: [{ before: mine, after: { ...mine, status: 'CANCELLED', updatedAt: stamp } }],
        lists: [{ before: list, after: { ...list, status: 'CANCELLED', openLines: 0, updatedAt: stamp, completedAt: stamp } }],
        events: [{
          type: 'picking.list.cancelled.v1', subject: 'pkl_1', siteId: 'sit_1',
          data: { pickListId: 'pkl_1', waveId: 'wav_1', siteId: 'sit_1', orderIds: ['ord_1'] },
        }],
      });
  });

  it('completes a batch list whose other lines are closed: PARTIAL when one went short, COMPLETED when all were picked', () => {
    const statuses = (other: 'SHORT' | 'PICKED') =>
      new Map([['pkl_1', [{ id: 'pln_1', status: 'PENDING' as const }, { id: 'pln_2', status: other }]]]);
    const list = newPickList({ status: 'IN_PROGRESS', orderIds: ['ord_1', 'ord_2'] });
    spec.given({ lines: [mine], lists: [{ ...list, shortLines: 1 }], statuses: statuses('SHORT') }).when({ orderId: 'ord_1' }).then((d) => {
      expect(d.lists.map((l) => l.after.status)).toEqual(['PARTIAL']);
      expect(d.events.map((e) => [e.type, e.data]))
        .toEqual([['picking.list.completed.v1', expect.objectContaining({ status: 'PARTIAL' })]]);
    });
    spec.given({ lines: [mine], lists: [list], statuses: statuses('PICKED') }).when({ orderId: 'ord_1' }).then((d) => {
      expect(d.lists.map((l) => l.after.status)).toEqual(['COMPLETED']);
    });
  });

  it('leaves a list with other open lines as it was (CREATED stays CREATED), one line fewer to pick, announcing nothing', () => {
    const list = newPickList({ openLines: 2, orderIds: ['ord_1', 'ord_2'] });
    const statuses = new Map([['pkl_1', [{ id: 'pln_1', status: 'PENDING' as const }, { id: 'pln_2', status: 'PENDING' as const }]]]);
    spec.given({ lines: [mine], lists: [list], statuses }).when({ orderId: 'ord_1' }).then((d) => {
      expect(d.lists.map((l) => [l.after.status, l.after.openLines, l.after.completedAt])).toEqual([['CREATED', 1, null]]);
      expect(d.events).toEqual([]);
    });
  });

  it('announces the lists it closes in list id order', () => {
    const other = newPickLine({ id: 'pln_3', pickListId: 'pkl_2' });
    const statuses = new Map([
      ['pkl_1', [{ id: 'pln_1', status: 'PENDING' as const }]], ['pkl_2', [{ id: 'pln_3', status: 'PENDING' as const }]],
    ]);
    spec.given({ lines: [mine, other], lists: [newPickList(), newPickList({ id: 'pkl_2' })], statuses }).when({ orderId: 'ord_1' })
      .then((d) => expect(d.events.map((e) => e.subject)).toEqual(['pkl_1', 'pkl_2']));
  });
});
