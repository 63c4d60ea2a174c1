import type { StockReserved } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, unwrap, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { located, refField, type LocationRefOf } from '../../domain/command-checks.ts';
import { DEFAULT_OWNER_ID, InventoryEvents, type ReplenishmentWaitEnded, type ReplenishmentWaiting } from '../../../../contracts/inventory.ts';
import { stockKey, withoutDefaultOwner } from '../../domain/ledger.ts';
import * as store from '../../store.ts';
import * as replenishments from '../../replenishment-store.ts';
import { replenishmentView, type ReplenishmentView } from '../../views-replenishment.ts';
import { findLocation, type StockApis } from '../ledger-writes.ts';
import {
  decideReplenishmentRequest, type ReplenishmentRequestCommand, type ReplenishmentRequestDecision, type ReplenishmentRequestRejection,
} from './decide.ts';

export type ReplenishmentAsk = Omit<ReplenishmentRequestCommand, 'id'>;

/**
 * Decides and writes one request for a face and SKU, in the caller's transaction: serialised per face and SKU (an
 * advisory lock), then the setting, the face's level, its open replenishment and the candidate sources are read
 * (no row locks: the confirm re-checks the source under lock).
 */
export async function requestReplenishment(
  tx: Tx, deps: PlatformDeps, ask: ReplenishmentAsk, meta: EventMeta, known?: Pick<Location, 'status'>,
): Promise<Outcome<ReplenishmentRequestDecision, ReplenishmentRequestRejection>> {
  await replenishments.lockFaceSku(tx, ask.toLocationId, ask.ownerId, ask.sku);
  // A person's request carries location-master's answer; a trigger reads the status inventory learned from its events,
  // FOR SHARE: a deactivation heard at the same moment (location-master's topic, another consumer) either committed
  // first (INACTIVE here: nothing asked) or waits for this commit and withdraws what it asks (its second pass). Read
  // plainly, each missed the other and a replenishment to the INACTIVE face stayed OPEN for good (write skew).
  const faceStatus = known?.status ?? (await store.shareLocation(tx, ask.toLocationId))?.status ?? null;
  // The setting FOR SHARE too (its removal's DELETE locks the row): read plainly, a trigger that read it just before a
  // removal committed started a wait after the removal ended the face's waits, and NO_REPLENISHMENT_SOURCE stayed open
  // for a face with no min/max (write skew, docs/dev/contexts.md).
  const setting = await replenishments.shareSetting(tx, ask.toLocationId, ask.sku);
  // Each owner's units at a face are measured and topped up apart, from that owner's stock only (ADR 0028).
  const face = await replenishments.faceLevel(tx, ask.siteId, ask.toLocationId, ask.ownerId, ask.sku);
  const open = await replenishments.openReplenishmentFor(tx, ask.toLocationId, ask.ownerId, ask.sku);
  const sources = open === undefined ? await replenishments.sourceBalances(tx, ask.siteId, ask.ownerId, ask.sku, ask.toLocationId) : [];
  const decision = decideReplenishmentRequest({ setting, face, faceStatus, open, sources }, { ...ask, id: deps.ids.next('rpl') }, deps.clock.now());
  if (decision.ok && decision.value.kind === 'new') {
    await replenishments.insertReplenishment(tx, decision.value.row);
    await deps.bus.append(tx, 'inventory', withoutDefaultOwner(decision.value.events), meta);
  }
  if (decision.ok) await noteWait(tx, deps, ask, decision.value, meta);
  return decision;
}

/**
 * A face that needs units with no source to bring them from waits visibly: its first NO_SOURCE starts a wait
 * (`inventory.replenishment.waiting`: orchestration raises NO_REPLENISHMENT_SOURCE), and the first later decision that
 * finds a source or no need ends it (`inventory.replenishment.wait-ended`: resolved). Under the face and SKU's lock.
 */
async function noteWait(tx: Tx, deps: PlatformDeps, ask: ReplenishmentAsk, d: ReplenishmentRequestDecision, meta: EventMeta): Promise<void> {
  if (d.kind === 'none' && d.why === 'NO_SOURCE') {
    const started = await replenishments.startWait(tx, {
      id: deps.ids.next('rpw'), site_id: ask.siteId, owner_id: ask.ownerId, sku: ask.sku, location_id: ask.toLocationId, trigger: ask.trigger,
      trigger_reference: ask.triggerReference, quantity: ask.quantity ?? null,
    }, deps.clock.now());
    if (started === undefined) return;
    const data: ReplenishmentWaiting = {
      waitId: started.id, siteId: ask.siteId, ownerId: ask.ownerId, sku: ask.sku, faceLocationId: ask.toLocationId, trigger: ask.trigger,
      triggerReference: ask.triggerReference, underCount: [...d.underCount],
    };
    await deps.bus.append(tx, 'inventory', withoutDefaultOwner([{ type: InventoryEvents.replenishmentWaiting, subject: started.id, siteId: ask.siteId, data }]), meta);
    return;
  }
  const ended = await replenishments.endWait(tx, ask.toLocationId, ask.ownerId, ask.sku);
  if (ended === undefined) return;
  const replenishmentId = d.kind === 'new' ? d.row.id : d.kind === 'existing' ? d.id : null;
  const data: ReplenishmentWaitEnded = {
    waitId: ended.id, siteId: ask.siteId, ownerId: ask.ownerId, sku: ask.sku, faceLocationId: ask.toLocationId,
    outcome: replenishmentId === null ? 'NOT_NEEDED' : 'REQUESTED', replenishmentId,
  };
  await deps.bus.append(tx, 'inventory', withoutDefaultOwner([{ type: InventoryEvents.replenishmentWaitEnded, subject: ended.id, siteId: ask.siteId, data }]), meta);
}

/** Units left a location (pick, move, adjustment): the face and SKU, and the owner when one is known. */
export interface FaceChange {
  readonly siteId: string;
  readonly ownerId?: string | undefined;
  readonly sku: string;
  readonly locationId: string;
  readonly reference: string | null;
}

/** The triggers: a face changed (pick, move, adjustment), a wave was reserved, a person asked. */
export function replenishmentTriggers(deps: PlatformDeps, apis: StockApis) {
  /** After units left a location: when it is a face with a min/max for the SKU and its free units are below min. */
  async function afterFaceChange(tx: Tx, change: FaceChange, meta: EventMeta): Promise<void> {
    // Most locations have no min/max: a plain read spares them the lock.
    if ((await replenishments.getSetting(tx, change.locationId, change.sku)) === undefined) return;
    await lowStockAt(tx, change, meta);
  }

  /**
   * `afterFaceChange` for a run of changes (a run of picks, ADR 0043): one read finds which faces have a min/max for
   * their SKU; only those are checked, each in turn in the run's order.
   */
  async function afterFacesChange(tx: Tx, changes: readonly { change: FaceChange; meta: EventMeta }[]): Promise<void> {
    if (changes.length === 0) return;
    const set = await replenishments.settingsAt(tx, changes.map(({ change }) => ({ locationId: change.locationId, sku: change.sku })));
    for (const { change, meta } of changes) {
      if (set.has(`${change.locationId}\u0000${change.sku}`)) await lowStockAt(tx, change, meta);
    }
  }

  async function lowStockAt(tx: Tx, change: FaceChange, meta: EventMeta): Promise<void> {
    // The owner whose units left (a pick names none: every owner with a balance of the SKU at the face is checked).
    const owners = change.ownerId !== undefined ? [change.ownerId] : await replenishments.ownersAt(tx, change.siteId, change.locationId, change.sku);
    for (const ownerId of owners) {
      unwrap(await requestReplenishment(tx, deps, {
        siteId: change.siteId, ownerId, sku: change.sku, toLocationId: change.locationId, trigger: 'LOW_STOCK', triggerReference: change.reference,
      }, meta));
    }
  }

  /**
   * After a wave's reservations: every face with a min/max for a SKU of the wave is checked, and asks for units when
   * its free units fell below min, or when part of the wave's demand for the SKU could not be met from pick faces
   * (reserved at reserve/storage locations, or short) — faces in location order, SKUs in SKU order.
   */
  async function afterWaveReserved(tx: Tx, reserved: StockReserved, meta: EventMeta): Promise<void> {
    const skus = [...new Set([...reserved.reservations.map((r) => r.sku), ...reserved.shortages.map((s) => s.sku)])].sort();
    const settings = await replenishments.settingsOfSkus(tx, reserved.siteId, skus);
    if (settings.length === 0) return;
    const types = new Map((await store.locationsByIds(tx, [...new Set(reserved.reservations.map((r) => r.locationId))]))
      .map((l) => [l.location_id, l.type]));
    // Per owner of the wave's lines and SKU (ADR 0028): a face is topped up with the units of the owner whose demand it is.
    const unmet = new Map<string, number>();
    const ownersOf = new Map<string, Set<string>>();
    const add = (ownerId: string | undefined, sku: string, q: number) => {
      const owner = ownerId ?? DEFAULT_OWNER_ID;
      ownersOf.set(sku, (ownersOf.get(sku) ?? new Set()).add(owner));
      unmet.set(stockKey(owner, sku), (unmet.get(stockKey(owner, sku)) ?? 0) + q);
    };
    for (const r of reserved.reservations) add(r.ownerId, r.sku, types.get(r.locationId) !== 'PICK_FACE' ? r.quantity : 0);
    for (const s of reserved.shortages) add(s.ownerId, s.sku, s.quantity);
    for (const s of settings) {
      for (const ownerId of [...(ownersOf.get(s.sku) ?? [DEFAULT_OWNER_ID])].sort()) {
        unwrap(await requestReplenishment(tx, deps, {
          siteId: reserved.siteId, ownerId, sku: s.sku, toLocationId: s.location_id, trigger: 'WAVE_DEMAND', triggerReference: reserved.waveId,
          quantity: unmet.get(stockKey(ownerId, s.sku)) ?? 0,
        }, meta));
      }
    }
  }

  /**
   * Stock of these SKUs was freed (a count closed, a hold released, a receipt, a move, a location unblocked): each face
   * waiting for a source of them asks again with the trigger it waited with — a replenishment now, the wait kept, or
   * ended when the face no longer needs units. Faces in location order (the order `waitsOf` reads them).
   */
  async function retryWaits(tx: Tx, freed: { siteId: string; skus: readonly string[] }, meta: EventMeta): Promise<void> {
    for (const w of await replenishments.waitsOf(tx, freed.siteId, freed.skus)) {
      unwrap(await requestReplenishment(tx, deps, {
        siteId: w.site_id, ownerId: w.owner_id, sku: w.sku, toLocationId: w.location_id, trigger: w.trigger, triggerReference: w.trigger_reference,
        ...(w.quantity === null ? {} : { quantity: w.quantity }),
      }, meta));
    }
  }

  /** POST /replenishments: a person asks for units at a face (default: up to its max). */
  async function requestByHand(input: {
    siteId: string; ownerId: string; sku: string; locationId?: string | undefined; locationCode?: string | undefined; quantity?: number | undefined;
  }, meta: EventMeta): Promise<Outcome<ReplenishmentView, ReplenishmentRequestRejection | 'UNKNOWN_LOCATION'>> {
    const ref: LocationRefOf = { name: 'location', id: input.locationId, code: input.locationCode };
    const face = located(input.siteId, ref, await findLocation(apis.locations, input.siteId, ref));
    if (!face.ok) return face;
    return decideInTx(deps.db, async (tx) => {
      const d = await requestReplenishment(tx, deps, {
        siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, toLocationId: face.value.id, trigger: 'MANUAL', triggerReference: null, quantity: input.quantity,
      }, meta, face.value);
      if (!d.ok) {
        return d.code === 'LOCATION_NOT_ACTIVE'
          ? { ...d, message: d.message.replace(face.value.id, face.value.code), errors: (d.errors ?? []).map((e) => ({ ...e, field: refField(ref) })) }
          : d;
      }
      const id = d.value.kind === 'new' ? d.value.row.id : d.value.kind === 'existing' ? d.value.id : undefined;
      if (id === undefined) throw new Error('a manual replenishment request decided nothing');
      return ok(replenishmentView((await replenishments.getReplenishment(tx, id))!));
    });
  }

  return { afterFaceChange, afterFacesChange, afterWaveReserved, retryWaits, requestByHand };
}
