import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideMove, type MoveCommand, type MoveState } from './decide.ts';

const spec = deciderSpec(decideMove);
const dock = location({ id: 'loc_dock', code: 'DOCK-1', type: 'RECEIVING' });
const shelf = location({ id: 'loc_shelf', code: 'A-01' });
const received = new Date('2026-01-02T08:00:00.000Z');
const atDock: MoveState = {
  product: { sku: 'SKU-A' }, from: dock, to: shelf, fromPickable: false, toPickable: true, fromUnderCount: false, toUnderCount: false,
  source: { on_hand: 5, reserved: 1, expires_on: '2026-09-01', first_received_at: received },
};
const move = (o: Partial<MoveCommand> = {}): MoveCommand => ({
  siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', quantity: 4, fromLocationId: 'loc_dock', toLocationId: 'loc_shelf', movementId: 'mov_1', ...o,
});

describe('move stock', () => {
  it('moves unreserved units from the dock to a shelf: two MOVE movements, they leave unpickable, expiry and receipt kept', () => {
    spec.given(atDock).when(move()).then((d) => {
      expect(d.unpickable).toBe(-4);
      expect(d.expiresOn).toBe('2026-09-01');
      expect(d.firstReceivedAt).toBe(received);
      expect(d.movements.map((m) => [m.locationId, m.deltaOnHand, m.reason])).toEqual([['loc_dock', -4, 'to A-01'], ['loc_shelf', 4,
        'from DOCK-1']]);
      expect(d.events[0]?.data).toMatchObject({ fromPickable: false, toPickable: true, quantity: 4, movementId: 'mov_1' });
    });
  });

  it('refuses to move units to the dock that orders were promised: pickable on-hand stays at least what is allocated (found by the property test)', () => {
    // 12 AVAILABLE on hand, 2 of them at a dock; 8 allocated: 2 may leave the shelf for the dock, not 3.
    const onShelf: MoveState = { ...atDock, from: shelf, to: dock, fromPickable: true, toPickable: false,
      skuStock: { on_hand_available: 12, unpickable: 2, allocated: 8 } };
    const toDock = { fromLocationId: 'loc_shelf', toLocationId: 'loc_dock' };
    spec.given(onShelf).when(move({ ...toDock, quantity: 3 })).thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'], message: /allocated to orders/ });
    spec.given(onShelf).when(move({ ...toDock, quantity: 2 })).then((d) => expect(d.unpickable).toBe(2));
    // Held stock and moves between pickable locations never count against the promise.
    spec.given(onShelf).when(move({ ...toDock, quantity: 3, status: 'HOLD' })).then((d) => expect(d.unpickable).toBe(0));
    spec.given({ ...onShelf, to: location({ id: 'loc_b', code: 'B-01' }), toPickable: true })
      .when(move({ fromLocationId: 'loc_shelf', toLocationId: 'loc_b', quantity: 4 })).then((d) => expect(d.unpickable).toBe(0));
  });

  it('keeps back the HOLD units of an LPN lost at the source: not on the shelf, its find moves them (found by the stock hunt)', () => {
    // 6 HOLD on the books at the shelf, 4 of them a lost LPN's: 2 may move.
    const held: MoveState = { ...atDock, from: shelf, to: dock, source: { ...atDock.source!, on_hand: 6, reserved: 0 },
      lostLpnHolds: [{ lpnId: 'lpn_1', held: 4 }] };
    const fromShelf = { fromLocationId: 'loc_shelf', toLocationId: 'loc_dock', status: 'HOLD' as const };
    spec.given(held).when(move({ ...fromShelf, quantity: 3 }))
      .thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'], message: /lost LPN lpn_1's .*at most 2 may be moved/ });
    spec.given(held).when(move({ ...fromShelf, quantity: 2 })).then((d) => expect(d.quantity).toBe(2));
  });

  it('leaves unpickable alone for stock that is not AVAILABLE', () => {
    spec.given(atDock).when(move({ status: 'HOLD' })).then((d) => expect(d.unpickable).toBe(0));
  });

  it('refuses a quantity that is not positive', () => {
    spec.given(atDock).when(move({ quantity: -1 })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
  });

  it('refuses an end named both ways', () => {
    spec.given(atDock).when(move({ toLocationCode: 'A-01' })).thenRejects('VALIDATION_FAILED', { fields: ['/toLocationId'] });
  });

  it('refuses an unknown SKU and an unknown end', () => {
    spec.given({ ...atDock, product: undefined }).when(move()).thenRejects('UNKNOWN_SKU');
    spec.given({ ...atDock, from: undefined }).when(move()).thenRejects('UNKNOWN_LOCATION', { fields: ['/fromLocationId'] });
  });

  it('refuses a move onto the source location, naming it: the units are there already (a putaway scanned at its dock)', () => {
    // It said "Source and target are the same location": on the handheld, a putaway scanned at the receiving location.
    spec.given({ ...atDock, to: dock }).when(move({ toLocationId: 'loc_dock' })).thenRejects('UNPROCESSABLE',
      { fields: ['/toLocationId'], message: /^The units are at DOCK-1 already: name the location they go to, not DOCK-1$/ });
  });

  it('keeps what a blocked shelf covers: its units go back to the cover when it is unblocked, so the dock may not take them from orders', () => {
    // 10 AVAILABLE on hand: 4 at the blocked shelf (source, 5 on hand there counting the reserved one), 6 at the dock; 3
    // allocated. Pickable now: 0; once unblocked: 5 — 2 may go to the dock, not 3; all of them to another shelf.
    const blocked: MoveState = { ...atDock, from: location({ id: 'loc_shelf', code: 'A-01', status: 'BLOCKED' }), to: dock, fromPickable: false,
      fromPaused: true, toPickable: false, skuStock: { on_hand_available: 10, unpickable: 10, allocated: 3 } };
    const toDock = { fromLocationId: 'loc_shelf', toLocationId: 'loc_dock' };
    spec.given(blocked).when(move({ ...toDock, quantity: 3 })).thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'], message: /once it is unblocked/ });
    spec.given(blocked).when(move({ ...toDock, quantity: 2 })).then((d) => expect(d.unpickable).toBe(0));
    spec.given({ ...blocked, to: location({ id: 'loc_b', code: 'B-01' }), toPickable: true })
      .when(move({ fromLocationId: 'loc_shelf', toLocationId: 'loc_b', quantity: 4 })).then((d) => expect(d.unpickable).toBe(-4));
  });

  it('units of expired lots cover no allocation: good units they would leave uncovered stay off the dock, expired ones may go', () => {
    const shelf: MoveState = { ...atDock, from: location({ id: 'loc_shelf', code: 'A-01' }), to: dock, fromPickable: true, toPickable: false,
      skuStock: { on_hand_available: 10, unpickable: 0, allocated: 6, expired_free: 4 } };
    const toDock = { fromLocationId: 'loc_shelf', toLocationId: 'loc_dock', quantity: 1 };
    spec.given(shelf).when(move(toDock)).thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'] });
    spec.given({ ...shelf, sourceExpired: true }).when(move(toDock)).then((d) => expect(d.unpickable).toBe(1));
  });

  it('refuses a target that is not ACTIVE, but empties a blocked source', () => {
    spec.given({ ...atDock, to: location({ id: 'loc_shelf', status: 'BLOCKED' }) }).when(move()).thenRejects('LOCATION_NOT_ACTIVE');
    spec.given({ ...atDock, from: location({ id: 'loc_dock', status: 'BLOCKED' }) }).when(move()).then((d) => expect(d.quantity).toBe(4));
  });

  it('refuses a move from or to a location under count', () => {
    spec.given({ ...atDock, fromUnderCount: true }).when(move()).thenRejects('LOCATION_UNDER_COUNT', { fields: ['/fromLocationId'] });
    spec.given({ ...atDock, toUnderCount: true }).when(move({ toLocationId: undefined, toLocationCode: 'A-01' }))
      .thenRejects('LOCATION_UNDER_COUNT', { fields: ['/toLocationCode'] });
  });

  it('refuses more than the unreserved units at the source', () => {
    spec.given(atDock).when(move({ quantity: 5 })).thenRejects('INSUFFICIENT_STOCK', { fields: ['/quantity'] });
    spec.given({ ...atDock, source: undefined }).when(move()).thenRejects('INSUFFICIENT_STOCK');
  });

  it('keeps back the QUARANTINE units an RMA awaits inspection for (HELD_BY_INSPECTION naming it); units beyond them move', () => {
    const returned: MoveState = { ...atDock, awaitingInspection: [{ rmaId: 'rma_1', units: 2 }] };
    spec.given(returned).when(move({ status: 'QUARANTINE', quantity: 3 })).thenRejects('HELD_BY_INSPECTION', { fields: ['/quantity'], message: /rma_1/ });
    spec.given(returned).when(move({ status: 'QUARANTINE', quantity: 2 })).then((d) => expect(d.quantity).toBe(2));
  });
});
