import { describe, expect, it } from 'vitest';
import type { ShipmentDispatched } from '../../../../contracts/pack-ship.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, SITE } from '../decider-fixtures.ts';
import { decideShipment, type ShipState } from './decide.ts';

const spec = deciderSpec(decideShipment);
const key = (lot: string) => ({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot, status: 'AVAILABLE' as const });
const picked: ShipState = { allocations: [allocation({ requested: 3, allocated: 3 })], tote: new Map([['SKU-A', [{ key: key('L1'),
  free: 1 }, { key: key('L2'), free: 2 }]]]) };
const dispatch = (quantity: number): ShipmentDispatched => ({
  shipmentId: 'shp_1', orderId: 'ord_1', siteId: SITE, carrier: 'DHL', trackingNumber: 'T', packageIds: [], lines: [{ lineId: 'l1',
    sku: 'SKU-A', quantity }],
});

describe('shipping a shipment', () => {
  it('takes the units from the tote lot by lot, releases the allocation and ships the line', () => {
    spec.given(picked).when(dispatch(3)).then((d) => {
      expect(d.takes).toEqual([{ key: key('L1'), quantity: 1 }, { key: key('L2'), quantity: 2 }]);
      expect(d.allocationChanges).toEqual([{ orderId: 'ord_1', lineId: 'l1', allocated: 0, shipped: 3, status: 'SHIPPED' }]);
      expect(d.movements.map((m) => [m.lot, m.deltaOnHand, m.deltaAllocated ?? 0])).toEqual([['L1', -1, -3], ['L2', -2, 0]]);
      expect(d.events[0]?.data).toEqual({ orderId: 'ord_1', siteId: SITE, shipmentId: 'shp_1', lines: [{ sku: 'SKU-A', quantity: 3 }] });
    });
  });

  it('a partial shipment keeps the rest allocated', () => {
    spec.given(picked).when(dispatch(1)).then((d) => expect(d.allocationChanges[0]).toMatchObject({ allocated: 2, shipped: 1,
      status: 'ALLOCATED' }));
  });

  it('shipping more than was picked is a broken invariant, thrown', () => {
    expect(() => decideShipment(picked, dispatch(4), new Date())).toThrow(EventNotReady);
  });
});
