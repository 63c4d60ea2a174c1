import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import type { HoldState } from '../hold-stock/decide.ts';
import {
  decideJoinedHold, decideQualityDisposition, decideQualityHold, decideSharedDisposition, type QualityDispositionState, type QualityHoldCommand, type ReceiptHold,
  type SharedDispositionState,
} from './decide.ts';

const shelf = location({ id: 'loc_shelf', code: 'A-01' });
// 10 on hand at the shelf, 2 reserved for picking; the SKU has 10 AVAILABLE and 3 promised to orders.
const given: HoldState = { product: { sku: 'SKU-A' }, location: shelf, pickable: true, paused: false, balance: { on_hand: 10, reserved: 2 },
  skuStock: { on_hand_available: 10, unpickable: 0, allocated: 3 } };
const hold = (quantity: number): QualityHoldCommand => ({
  inspectionId: 'qin_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', lot: null, quantity, reason: 'Quality inspection qin_1 failed', movementId: 'mov_1',
});

describe('quality hold (inventory side)', () => {
  it('given free units, when a failed inspection holds 4, then 4 go AVAILABLE → HOLD (two HOLD movements)', () => {
    deciderSpec(decideQualityHold).given(given).when(hold(4)).then((d) => {
      expect(d.held).toBe(4);
      expect(d.placed.data).toMatchObject({ requested: 4, held: 4, shortfall: 0 });
      expect(d.change?.movements.map((m) => [m.type, m.status, m.deltaOnHand])).toEqual([['HOLD', 'AVAILABLE', -4], ['HOLD', 'HOLD', 4]]);
    });
  });

  it('holds no more than the hold rules allow: reserved units and units promised to orders stay, and says how many it could not hold', () => {
    // 10 − 2 reserved = 8 at the shelf; 10 − 3 allocated = 7 for the SKU: 7 held of the 10 inspected.
    deciderSpec(decideQualityHold).given(given).when(hold(10)).then((d) => {
      expect(d.held).toBe(7);
      expect(d.placed.data).toMatchObject({ requested: 10, held: 7, shortfall: 3, movementId: 'mov_1' });
    });
    // The units left before the inspection failed (put away): nothing held, the whole lot said short.
    deciderSpec(decideQualityHold).given({ ...given, balance: undefined }).when(hold(10)).then((d) => {
      expect([d.held, d.change]).toEqual([0, null]);
      expect(d.placed).toEqual({ type: 'inventory.quality-hold.placed.v1', subject: 'qin_1', siteId: SITE, data: {
        inspectionId: 'qin_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', lot: null, requested: 10, held: 0, shortfall: 10,
        movementId: null } });
    });
    // Under count (paused): 10 here, 5 elsewhere pickable, 5 at the dock, 13 allocated: 2 may be held.
    deciderSpec(decideQualityHold).given({ ...given, pickable: false, paused: true, balance: { on_hand: 10, reserved: 0 },
      skuStock: { on_hand_available: 20, unpickable: 15, allocated: 13 } }).when(hold(10)).then((d) => expect(d.held).toBe(2));
  });

  const held: QualityDispositionState = {
    hold: { status: 'HELD', held: 7, key: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', lot: '' } },
    heldBalance: { on_hand: 7 }, location: shelf, pickable: true,
  };
  const spec = deciderSpec(decideQualityDisposition);

  it('given 7 held, when RELEASE (or REWORK), then 7 go HOLD → AVAILABLE (RELEASE movements)', () => {
    for (const disposition of ['RELEASE', 'REWORK'] as const) {
      spec.given(held).when({ inspectionId: 'qin_1', disposition, movementId: 'mov_2' }).then((d) => {
        if (d.kind !== 'RELEASE') throw new Error(d.kind);
        expect(d.change?.movements.map((m) => [m.type, m.status, m.deltaOnHand])).toEqual([['RELEASE', 'HOLD', -7], ['RELEASE', 'AVAILABLE', 7]]);
      });
    }
  });

  it('given 7 held, when SCRAP or RETURN_TO_VENDOR, then one ADJUST −7 out of HOLD (reason SCRAP / RTV)', () => {
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'SCRAP', movementId: 'mov_2' }).then((d) => {
      expect(d).toMatchObject({ kind: 'REMOVE', status: 'SCRAPPED', quantity: 7 });
      if (d.kind === 'REMOVE') expect(d.movements).toEqual([expect.objectContaining({ type: 'ADJUST', status: 'HOLD', deltaOnHand: -7, reason: 'SCRAP' })]);
    });
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'RETURN_TO_VENDOR', movementId: 'mov_2' })
      .then((d) => expect(d).toMatchObject({ kind: 'REMOVE', status: 'RETURNED', movements: [expect.objectContaining({ reason: 'RTV' })] }));
  });

  it('only units still held count; a hold disposed of already or never placed is left alone', () => {
    spec.given({ ...held, heldBalance: { on_hand: 5 } }).when({ inspectionId: 'qin_1', disposition: 'SCRAP', movementId: 'mov_2' })
      .then((d) => expect(d).toMatchObject({ quantity: 5 }));
    spec.given({ ...held, hold: { ...held.hold!, status: 'RELEASED' } }).when({ inspectionId: 'qin_1', disposition: 'SCRAP', movementId: 'mov_2' }).then({ kind: 'NONE' });
    spec.given({ ...held, hold: undefined }).when({ inspectionId: 'qin_1', disposition: 'RELEASE', movementId: 'mov_2' }).then({ kind: 'NONE' });
  });

  it('says what it found of the units held (inventory.quality-hold.disposed): a shortfall is never silent', () => {
    spec.given({ ...held, heldBalance: { on_hand: 5 } }).when({ inspectionId: 'qin_1', disposition: 'SCRAP', movementId: 'mov_2' }).then((d) => {
      if (d.kind !== 'REMOVE') throw new Error(d.kind);
      expect(d.disposed).toEqual({ type: 'inventory.quality-hold.disposed.v1', subject: 'qin_1', siteId: SITE, data: {
        inspectionId: 'qin_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', lot: null, disposition: 'SCRAP',
        held: 7, disposed: 5, shortfall: 2, movementId: 'mov_2' } });
    });
    spec.given({ ...held, heldBalance: undefined }).when({ inspectionId: 'qin_1', disposition: 'RELEASE', movementId: 'mov_2' })
      .then((d) => expect(d.kind === 'RELEASE' ? d.disposed.data : d).toMatchObject({ held: 7, disposed: 0, shortfall: 7, movementId: null }));
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'REWORK', movementId: 'mov_2' })
      .then((d) => expect(d.kind === 'RELEASE' ? d.disposed.data : d).toMatchObject({ disposition: 'REWORK', held: 7, disposed: 7, shortfall: 0 }));
  });

  it('never takes HOLD units other holds account for (another inspection\'s, a lost LPN\'s): the shortfall is this one\'s', () => {
    // 7 held by this inspection, 4 by another one, 2 by an LPN lost there; 5 of the 13 on the books went missing.
    spec.given({ ...held, heldBalance: { on_hand: 8 }, heldByOthers: 6 }).when({ inspectionId: 'qin_1', disposition: 'RELEASE', movementId: 'mov_2' })
      .then((d) => expect(d.kind === 'RELEASE' ? [d.quantity, d.disposed.data] : d).toEqual([2, expect.objectContaining({ held: 7, disposed: 2, shortfall: 5 })]));
    spec.given({ ...held, heldBalance: { on_hand: 4 }, heldByOthers: 6 }).when({ inspectionId: 'qin_1', disposition: 'SCRAP', movementId: 'mov_2' })
      .then((d) => expect(d).toMatchObject({ kind: 'REMOVE', quantity: 0, movements: [] }));
  });

  it('takes only the units the hold still owns: units moved away from it are no longer its own, units held by hand there since are not', () => {
    // 7 placed, 5 of them moved away (taken); 3 held by hand came after: 5 on HOLD there, 2 of them the hold's.
    spec.given({ ...held, hold: { ...held.hold!, taken: 5 }, heldBalance: { on_hand: 5 } }).when({ inspectionId: 'qin_1', disposition: 'SCRAP', movementId: 'mov_2' })
      .then((d) => expect(d.kind === 'REMOVE' ? [d.quantity, d.disposed.data] : d).toEqual([2, expect.objectContaining({ held: 7, disposed: 2, shortfall: 5 })]));
    spec.given({ ...held, hold: { ...held.hold!, taken: 7 }, heldBalance: { on_hand: 3 } }).when({ inspectionId: 'qin_1', disposition: 'RELEASE', movementId: 'mov_2' })
      .then((d) => expect(d).toMatchObject({ kind: 'RELEASE', quantity: 0, change: null }));
  });
});

/**
 * One receipt failed by two inspections (the general plan's qin_1 and the supplier audit's qin_2, ADR 0031 addendum of
 * 2026-12-06): qin_1 carries the 10 HOLD units, qin_2 shares them (held 0). The rules decided without a database.
 */
describe('a receipt\'s shared hold (inventory side)', () => {
  const key = { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_dock', lot: '' };
  const carrier: ReceiptHold = { inspectionId: 'qin_1', status: 'HELD', held: 10, taken: 0, requested: 10, sharedWith: null };
  const sharer: ReceiptHold = { inspectionId: 'qin_2', status: 'HELD', held: 0, taken: 0, requested: 10, sharedWith: 'qin_1' };
  const byCarrier: SharedDispositionState = { hold: carrier, key, carrier, sharers: [sharer] };
  const bySharer: SharedDispositionState = { hold: sharer, key, carrier, sharers: [sharer] };
  const dispose = (state: SharedDispositionState, disposition: 'RELEASE' | 'REWORK' | 'SCRAP' | 'RETURN_TO_VENDOR') =>
    decideSharedDisposition(state, { inspectionId: state.hold.inspectionId, disposition });

  it('release only when all release: the first RELEASE / REWORK moves nothing (stillHeldBy the other, no shortfall); the carrier hands the units over', () => {
    for (const disposition of ['RELEASE', 'REWORK'] as const) {
      expect(dispose(byCarrier, disposition)).toEqual({ kind: 'SETTLED', status: 'RELEASED', handOverTo: 'qin_2', disposed: {
        type: 'inventory.quality-hold.disposed.v1', subject: 'qin_1', siteId: SITE, data: {
          inspectionId: 'qin_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_dock', lot: null, disposition,
          held: 10, disposed: 0, shortfall: 0, movementId: null, stillHeldBy: 'qin_2' } } });
      expect(dispose(bySharer, disposition)).toMatchObject({ kind: 'SETTLED', status: 'RELEASED', handOverTo: null,
        disposed: { data: { held: 10, disposed: 0, shortfall: 0, stillHeldBy: 'qin_1' } } });
    }
    // The units the carrier still owns are what they hold together (3 moved away from the hold: 7).
    expect(dispose({ ...bySharer, carrier: { ...carrier, taken: 3 } }, 'RELEASE')).toMatchObject({ disposed: { data: { held: 7, stillHeldBy: 'qin_1' } } });
  });

  it('the last one\'s RELEASE releases them: with nobody else HELD sharing them, the hold is disposed of as its own', () => {
    // The carrier released first and handed over: qin_2 carries them alone.
    const alone: ReceiptHold = { ...sharer, held: 10, sharedWith: null };
    expect(dispose({ hold: alone, key, carrier: alone, sharers: [] }, 'RELEASE')).toEqual({ kind: 'OWN', takeOverFrom: null });
    // The sharer released first: the carrier is alone (its sharer no longer HELD).
    expect(dispose({ ...byCarrier, sharers: [{ ...sharer, status: 'RELEASED' }] }, 'RELEASE')).toEqual({ kind: 'OWN', takeOverFrom: null });
  });

  it('scrap by either: the carrier takes them as its own; a sharer first takes over carrying them (then takes them)', () => {
    for (const disposition of ['SCRAP', 'RETURN_TO_VENDOR'] as const) {
      expect(dispose(byCarrier, disposition)).toEqual({ kind: 'OWN', takeOverFrom: null });
      expect(dispose(bySharer, disposition)).toEqual({ kind: 'OWN', takeOverFrom: 'qin_1' });
    }
  });

  it('the other\'s disposition after a scrap: closed with nothing to take (held 0, disposedBy, no shortfall), whatever it is', () => {
    for (const [status, disposition, closed] of [['SCRAPPED', 'RELEASE', 'RELEASED'], ['RETURNED', 'SCRAP', 'SCRAPPED'], ['SCRAPPED', 'RETURN_TO_VENDOR', 'RETURNED']] as const) {
      expect(dispose({ ...bySharer, carrier: { ...carrier, status }, sharers: [] }, disposition)).toMatchObject({ kind: 'SETTLED', status: closed, handOverTo: null,
        disposed: { data: { held: 0, disposed: 0, shortfall: 0, movementId: null, disposedBy: 'qin_1' } } });
    }
    // Its carrier's row not found: the same (nothing left to take).
    expect(dispose({ ...bySharer, carrier: undefined, sharers: [] }, 'REWORK')).toMatchObject({ kind: 'SETTLED', disposed: { data: { held: 0, disposedBy: 'qin_1' } } });
  });

  const joining: Omit<QualityHoldCommand, 'movementId'> = {
    inspectionId: 'qin_2', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_dock', lot: null, quantity: 10, reason: 'Quality inspection qin_2 failed',
  };

  it('the second failed inspection joins the carrier\'s units: no movement, sharedWith, held together, no shortfall', () => {
    expect(decideJoinedHold({ carrier, answered: { all: 10, saidShort: 0 } }, joining).event).toEqual({ type: 'inventory.quality-hold.placed.v1', subject: 'qin_2', siteId: SITE, data: {
      inspectionId: 'qin_2', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_dock', lot: null, requested: 10, held: 10, shortfall: 0,
      movementId: null, sharedWith: 'qin_1' } });
  });

  it('one shortfall, one QUALITY_HOLD_INCOMPLETE: units the carrier could not hold (said in its own placed) are not short again for the second', () => {
    // The carrier held 6 of 10 (shortfall 4, said by it): the second joins the 6, short of nothing new.
    expect(decideJoinedHold({ carrier: { ...carrier, held: 6 }, answered: { all: 10, saidShort: 0 } }, joining).data).toMatchObject({ held: 6, shortfall: 0 });
    // 2 of the 6 moved away from the hold since: the disposition says them (QUALITY_HOLD_SHORTFALL), not a second INCOMPLETE.
    expect(decideJoinedHold({ carrier: { ...carrier, held: 6, taken: 2 }, answered: { all: 10, saidShort: 0 } }, joining).data).toMatchObject({ held: 4, shortfall: 0 });
    // The second inspected more than the carrier was asked to hold: only those are its own shortfall.
    expect(decideJoinedHold({ carrier: { ...carrier, held: 6, requested: 8 }, answered: { all: 8, saidShort: 0 } }, { ...joining, quantity: 10 }).data).toMatchObject({ held: 6, shortfall: 2 });
    // No carrier left (the first held none): the second holds what it finds, and is short only of what no other hold answers for.
    const gone = { ...given, balance: undefined };
    deciderSpec(decideQualityHold).given({ ...gone, answered: { all: 10, saidShort: 0 } }).when(hold(10)).then((d) => expect(d.placed.data).toMatchObject({ held: 0, shortfall: 0 }));
    deciderSpec(decideQualityHold).given({ ...gone, answered: { all: 6, saidShort: 0 } }).when(hold(10)).then((d) => expect(d.placed.data).toMatchObject({ held: 0, shortfall: 4 }));
    deciderSpec(decideQualityHold).given({ ...given, answered: { all: 10, saidShort: 0 } }).when(hold(10)).then((d) => expect(d.placed.data).toMatchObject({ held: 7, shortfall: 0 }));
    // The other was released (it had held 6, said 4 short): this hold holds the 6 again; the 4 are not short again.
    deciderSpec(decideQualityHold).given({ ...given, balance: { on_hand: 6, reserved: 0 }, answered: { all: 0, saidShort: 4 } }).when(hold(10))
      .then((d) => expect(d.placed.data).toMatchObject({ held: 6, shortfall: 0 }));
    // Released and put away: nothing here to hold again, and nothing answers for them: all short (they failed this one too).
    deciderSpec(decideQualityHold).given({ ...gone, answered: { all: 0, saidShort: 0 } }).when(hold(10)).then((d) => expect(d.placed.data).toMatchObject({ shortfall: 10 }));
  });
});
