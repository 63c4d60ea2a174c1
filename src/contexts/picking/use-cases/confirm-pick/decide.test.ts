import { describe, expect, it } from 'vitest';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import type { FloorState } from '../../domain/floor-action.ts';
import { newPickLine, newPickList } from '../../test-fixtures.ts';
import { decideConfirmPick, type ConfirmPick } from './decide.ts';

const spec = deciderSpec(decideConfirmPick);
const line = newPickLine();
const list = newPickList();
const open: FloorState = { list, line, scan: undefined };
const confirm = (over: Partial<ConfirmPick['action']> = {}, scanId?: string): ConfirmPick => ({
  listId: 'pkl_1', lineId: 'pln_1', scanId,
  action: { kind: 'confirm', locationCode: 'DC1-A-01-01-1', barcode: '4006381333931', quantity: 3, toteId: 'TOTE-1', ...over },
});
const stamp = T0.toISOString();

describe('confirm a pick by scan', () => {
  it('picks the whole line: the line is PICKED into the tote, and the list completes with it', () => {
    spec.given(open).when(confirm()).then({
      kind: 'act',
      line: { before: line, after: { ...line, picked: 3, status: 'PICKED', toteId: 'TOTE-1', updatedAt: stamp } },
      list: { before: list, after: { ...list, status: 'COMPLETED', openLines: 0, updatedAt: stamp, completedAt: stamp } },
      events: [
        {
          type: 'picking.line.picked.v1', subject: 'pkl_1', siteId: 'sit_1',
          data: {
            pickListId: 'pkl_1', pickLineId: 'pln_1', orderId: 'ord_1', lineId: 'oln_1', reservationId: 'rsv_1', siteId: 'sit_1',
            sku: 'SKU-1',
            locationId: 'loc_1', lot: null, quantity: 3, toteId: 'TOTE-1',
          },
        },
        {
          type: 'picking.list.completed.v1', subject: 'pkl_1', siteId: 'sit_1',
          data: { pickListId: 'pkl_1', waveId: 'wav_1', siteId: 'sit_1', orderIds: ['ord_1'], status: 'COMPLETED' },
        },
      ],
    });
  });

  it("names the line's owner on the pick (ADR 0028): physical tracking takes the units from that owner's LPN; a line naming none names none", () => {
    const owned: FloorState = { list, line: { ...line, ownerId: 'own_client' }, scan: undefined };
    spec.given(owned).when(confirm()).then((d) => {
      expect(d.kind === 'act' && d.events[0]!.data).toMatchObject({ ownerId: 'own_client', sku: 'SKU-1', quantity: 3 });
    });
    spec.given({ ...open, line: { ...line, ownerId: null } }).when(confirm()).then((d) => {
      expect(d.kind === 'act' && 'ownerId' in d.events[0]!.data).toBe(false);
    });
  });

  it('names who picked: the signed-in person, else the worker whose task holds the list (a handheld on a key); nobody when none holds it', () => {
    // walk11: every PICK_INTO_TOTE scan of an LPN's timeline said "Who: —", the handheld's worker known to the task.
    spec.given({ ...open, worker: 'walker' }).when(confirm()).then((d) => {
      expect(d.kind === 'act' && d.events[0]!.data).toMatchObject({ workerId: 'walker', quantity: 3 });
    });
    spec.given({ ...open, worker: 'ana' }).when({ ...confirm(), actingWorker: 'ana' }).then((d) => {
      expect(d.kind === 'act' && d.events[0]!.data).toMatchObject({ workerId: 'ana' });
    });
    spec.given({ ...open, worker: null }).when({ ...confirm(), actingWorker: 'ana' }).then((d) => {
      expect(d.kind === 'act' && d.events[0]!.data).toMatchObject({ workerId: 'ana' });
    });
    spec.given({ ...open, worker: null }).when(confirm()).then((d) => {
      expect(d.kind === 'act' && 'workerId' in d.events[0]!.data).toBe(false);
    });
  });

  it('adds up partial picks: the line stays PENDING, the list goes IN_PROGRESS, nothing completes', () => {
    const first = spec.given(open).when(confirm({ quantity: 1, barcode: 'SKU-1' })).then((d) => {
      expect(d.kind === 'act' && [d.line.after.picked, d.line.after.status, d.list.after.status, d.events.length])
        .toEqual([1, 'PENDING', 'IN_PROGRESS', 1]);
    });
    if (first.kind !== 'act') throw new Error('expected an act');
    spec.given({ list: first.list.after, line: first.line.after, scan: undefined }).when(confirm({ quantity: 2 })).then((d) => {
      expect(d.kind === 'act' && [d.line.after.picked, d.line.after.status, d.list.after.status]).toEqual([3, 'PICKED', 'COMPLETED']);
    });
  });

  it('ends the list PARTIAL when an earlier line went short', () => {
    spec.given({ ...open, list: newPickList({ status: 'IN_PROGRESS', shortLines: 1 }) }).when(confirm()).then((d) => {
      expect(d.kind === 'act' && d.events.map((e) => e.type)).toEqual(['picking.line.picked.v1', 'picking.list.completed.v1']);
      expect(d.kind === 'act' && d.list.after.status).toBe('PARTIAL');
    });
  });

  it('accepts the location id where the location master did not know the location when the list was made', () => {
    const unknown: FloorState = { ...open, line: newPickLine({ locationCode: null }) };
    spec.given(unknown).when(confirm({ locationCode: 'loc_1' })).then((d) => expect(d.kind).toBe('act'));
    spec.given(unknown).when(confirm()).thenRejects('WRONG_LOCATION', { fields: ['/locationCode'] });
  });

  // A lot reserved while good whose expiry passed before its pick was picked and shipped (failed before: an act).
  it('refuses a lot past its expiry, LOT_EXPIRED naming the way out (a short, reason EXPIRED); through its expiry day it is picked', () => {
    const expired: FloorState = { ...open, line: newPickLine({ lot: 'L1', expiresOn: '2026-01-14' }) };
    spec.given(expired).when(confirm()).thenRejects('LOT_EXPIRED', { message: /L1 of SKU-1 expired on 2026-01-14.*reason EXPIRED/ });
    spec.given({ ...open, line: newPickLine({ lot: 'L1', expiresOn: '2026-01-15' }) }).when(confirm()).then((d) => expect(d.kind).toBe('act'));
  });

  it('answers a retried scan (same scanId, same content) as a replay that writes nothing', () => {
    const scan = { pickLineId: 'pln_1', action: confirm().action };
    spec.given({ list, line: newPickLine({ picked: 3, status: 'PICKED' }), scan }).when(confirm({}, 'scan-1'))
      .then({ kind: 'replay', list });
  });

  it('refuses the scanId reused for another scan, on this line or another', () => {
    const scan = { pickLineId: 'pln_1', action: confirm({ quantity: 1 }).action };
    spec.given({ ...open, scan }).when(confirm({}, 'scan-1')).thenRejects('SCAN_ID_REUSED', { fields: ['/scanId'] });
    spec.given({ ...open, scan: { ...scan, pickLineId: 'pln_2' } }).when(confirm({ quantity: 1 }, 'scan-1')).thenRejects('SCAN_ID_REUSED');
  });

  it('a signed-in worker scans only on the list its own task holds; a list no task holds, or a key, is not checked', () => {
    spec.given({ ...open, worker: 'ann' }).when({ ...confirm(), actingWorker: 'bob' })
      .thenRejects('ACTING_AS_ANOTHER_WORKER', { message: /held by worker ann, not bob/ });
    spec.given({ ...open, worker: 'ann' }).when({ ...confirm(), actingWorker: 'ann' }).then((d) => expect(d.kind).toBe('act'));
    spec.given({ ...open, worker: null }).when({ ...confirm(), actingWorker: 'bob' }).then((d) => expect(d.kind).toBe('act'));
  });

  it('refuses an unknown list or line', () => {
    spec.given({ list: undefined, line: undefined, scan: undefined }).when(confirm())
      .thenRejects('NOT_FOUND', { message: /No pick list pkl_1/ });
    spec.given({ list, line: undefined, scan: undefined }).when(confirm()).thenRejects('NOT_FOUND', { message: /No line pln_1/ });
  });

  it('refuses a pick on a line cancelled with its order, whatever became of its list', () => {
    const cancelled = newPickLine({ status: 'CANCELLED' });
    spec.given({ ...open, line: cancelled }).when(confirm()).thenRejects('ORDER_CANCELLED');
    spec.given({ list: newPickList({ status: 'CANCELLED', openLines: 0 }), line: cancelled, scan: undefined }).when(confirm())
      .thenRejects('ORDER_CANCELLED');
  });

  it('refuses a closed line, and any line of a closed list', () => {
    spec.given({ ...open, line: newPickLine({ picked: 3, status: 'PICKED' }) }).when(confirm({ quantity: 1 }))
      .thenRejects('ILLEGAL_TRANSITION', { message: /line is PICKED/ });
    spec.given({ ...open, list: newPickList({ status: 'COMPLETED', openLines: 0 }) }).when(confirm())
      .thenRejects('ILLEGAL_TRANSITION', { message: /pick list is COMPLETED/ });
  });

  it('takes the product\'s GTIN in any GS1 length: a UPC-A read as its EAN-13 (a leading 0), an EAN-13 as its GTIN-14 (found by the bad-input hunt)', () => {
    const upc = { ...open, line: newPickLine({ expectedBarcode: '012345678905' }) };
    spec.given(upc).when(confirm({ barcode: '0012345678905' })).then((d) => expect(d.kind).toBe('act'));
    spec.given(upc).when(confirm({ barcode: '00012345678905' })).then((d) => expect(d.kind).toBe('act'));
    spec.given(open).when(confirm({ barcode: '04006381333931' })).then((d) => expect(d.kind).toBe('act'));
    // Another number of the same digits is another product: 12345678905 (11 digits) is no GTIN.
    spec.given(upc).when(confirm({ barcode: '12345678905' })).thenRejects('WRONG_PRODUCT', { fields: ['/barcode'] });
  });

  it('refuses the wrong location, the wrong product, a quantity that is not a whole unit and more than is open', () => {
    spec.given(open).when(confirm({ locationCode: 'DC1-A-01-02-1' })).thenRejects('WRONG_LOCATION', { fields: ['/locationCode'] });
    spec.given(open).when(confirm({ barcode: '0000000000000' })).thenRejects('WRONG_PRODUCT', { fields: ['/barcode'] });
    spec.given(open).when(confirm({ quantity: 0 })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
    spec.given(open).when(confirm({ quantity: 1.5 })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
    spec.given({ ...open, line: newPickLine({ picked: 2 }) }).when(confirm({ quantity: 2 }))
      .thenRejects('QUANTITY_EXCEEDS_OPEN', { message: /Only 1 left/, fields: ['/quantity'] });
  });

  describe('a serial-controlled product (ADR 0058): one serial per unit, each of the SKU and in stock at the site', () => {
    const flagged = (units: FloorState['serialUnits'] = []): FloorState => ({ ...open, serialControlled: true, serialUnits: units });
    const inStock = (serial: string, sku = 'SKU-1') => ({ sku, serial, inStock: true });

    it('picks with its serials, carried by picking.line.picked', () => {
      spec.given(flagged([inStock('S1'), inStock('S2'), inStock('S3')])).when(confirm({ serials: ['S3', 'S1', 'S2'] })).then((d) => {
        expect(d.kind === 'act' && d.events[0]!.data).toMatchObject({ quantity: 3, serials: ['S3', 'S1', 'S2'] });
      });
    });

    it('refuses none, too few, or one twice (400 naming /serials or /serials/<i>); a product without the flag takes none', () => {
      spec.given(flagged()).when(confirm()).thenRejects('VALIDATION_FAILED', { fields: ['/serials'] });
      spec.given(flagged([inStock('S1')])).when(confirm({ quantity: 2, serials: ['S1'] })).thenRejects('VALIDATION_FAILED', { fields: ['/serials'] });
      spec.given(flagged([inStock('S1')])).when(confirm({ quantity: 2, serials: ['S1', 'S1'] })).thenRejects('VALIDATION_FAILED', { fields: ['/serials/1'] });
      spec.given(open).when(confirm({ quantity: 1, serials: ['S1'] })).thenRejects('VALIDATION_FAILED', { fields: ['/serials'] });
    });

    it('refuses a serial the site never received for the SKU, or another SKU\'s (422 UNKNOWN_SERIAL naming it)', () => {
      spec.given(flagged([inStock('S1')])).when(confirm({ quantity: 2, serials: ['S1', 'S9'] }))
        .thenRejects('UNKNOWN_SERIAL', { message: /S9/, fields: ['/serials/1'] });
      spec.given(flagged([inStock('S1', 'SKU-2')])).when(confirm({ quantity: 1, serials: ['S1'] }))
        .thenRejects('UNKNOWN_SERIAL', { fields: ['/serials/0'] });
    });

    it('refuses a serial picked already (409 SERIAL_NOT_IN_STOCK naming it)', () => {
      spec.given(flagged([inStock('S1'), { sku: 'SKU-1', serial: 'S2', inStock: false }])).when(confirm({ quantity: 2, serials: ['S1', 'S2'] }))
        .thenRejects('SERIAL_NOT_IN_STOCK', { message: /S2/, fields: ['/serials/1'] });
    });

    it('a retry of a scan with its serials is a replay, not a reused scanId', () => {
      const scan = { pickLineId: 'pln_1', action: { kind: 'confirm' as const, locationCode: 'DC1-A-01-01-1', barcode: '4006381333931', quantity: 1, toteId: 'TOTE-1', serials: ['S1'] } };
      spec.given({ ...flagged(), scan }).when(confirm({ quantity: 1, serials: ['S1'] }, 'scan-1')).then((d) => expect(d.kind).toBe('replay'));
      spec.given({ ...flagged(), scan }).when(confirm({ quantity: 1, serials: ['S2'] }, 'scan-1')).thenRejects('SCAN_ID_REUSED');
    });
  });
});
