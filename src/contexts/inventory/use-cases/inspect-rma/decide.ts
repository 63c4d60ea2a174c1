import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type RmaDisposition, type RmaInspected, type RmaStatus } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { assertNever, ok, reject } from '../../../../platform/errors.ts';
import { located, refField } from '../../domain/command-checks.ts';
import type { BalanceKey, PlannedMovement, SourceBalance } from '../../domain/ledger.ts';
import { awaitingInspection, dispositionColumn, RMA, RTV, rmaLifecycle, SCRAP } from '../../domain/rma.ts';
import { fromLotKey, isInProcess } from '../../domain/stock.ts';
import type { RmaLineRow, RmaRow } from '../../rma-store.ts';
import { rmaLocationRef } from '../receive-rma/decide.ts';

export interface InspectRmaInput {
  readonly rmaId: string;
  readonly lineId: string;
  readonly disposition: RmaDisposition;
  /** Units this inspection disposes of (default: every unit of the line still awaiting inspection). */
  readonly quantity?: number | undefined;
  /** RESTOCK: the location scanned, where the units become AVAILABLE (exactly one of id and code). */
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  readonly condition?: string | undefined;
  readonly notes?: string | undefined;
}

export type InspectRmaCommand = InspectRmaInput & { readonly movementId: string };

export interface InspectRmaState {
  /** The RMA (locked) and its lines. */
  readonly rma: RmaRow | undefined;
  readonly lines: readonly RmaLineRow[];
  /** RESTOCK: the location scanned and its pickability (projection row FOR SHARE). */
  readonly target: Location | undefined;
  readonly targetPickable: boolean;
  /**
   * RESTOCK elsewhere: an open cycle count holds the location scanned, or the one the line was received at. Nothing moves
   * from or to a location under count (the count's expected quantity is read at its submission); a restock in place
   * moves nothing. Absent: no.
   */
  readonly targetUnderCount?: boolean | undefined;
  readonly receivedUnderCount?: boolean | undefined;
  /** The line's QUARANTINE balance where it was received (locked). */
  readonly held: SourceBalance | undefined;
}

export interface InspectRmaDecision {
  readonly status: RmaStatus;
  readonly line: Pick<RmaLineRow, 'line_id' | 'restocked' | 'quarantined' | 'scrapped' | 'returned_to_vendor' | 'condition' | 'inspection_notes'>;
  /** The QUARANTINE balance units leave (RESTOCK, SCRAP, RTV), and where restocked units go (AVAILABLE). */
  readonly out: { readonly key: BalanceKey; readonly quantity: number } | undefined;
  readonly restock: { readonly key: BalanceKey; readonly quantity: number; readonly expiresOn: string | null; readonly firstReceivedAt: Date;
    readonly unpickable: number; } | undefined;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type InspectRmaRejection =
  | 'NOT_FOUND' | 'VALIDATION_FAILED' | 'UNKNOWN_LOCATION' | 'LOCATION_NOT_ACTIVE' | 'UNPROCESSABLE' | 'ILLEGAL_TRANSITION' | 'QUANTITY_EXCEEDS_OPEN'
  | 'INSUFFICIENT_STOCK' | 'LOCATION_UNDER_COUNT';

/**
 * An inspector disposes of received units of one line: RESTOCK (RELEASE out of QUARANTINE, into AVAILABLE at the
 * location scanned: promised again when it is pickable), QUARANTINE (they stay held where they are), SCRAP or
 * RETURN_TO_VENDOR (ADJUST out of stock, reason SCRAP / RTV). No more than the line's units awaiting inspection; the
 * RMA is INSPECTED once every received unit has its disposition.
 */
export const decideInspectRma: Decide<InspectRmaState, InspectRmaCommand, InspectRmaDecision, InspectRmaRejection> = (state, cmd) => {
  const rma = state.rma;
  if (rma === undefined) return reject('NOT_FOUND', `No RMA ${cmd.rmaId}`);
  const line = state.lines.find((l) => l.line_id === cmd.lineId);
  if (line === undefined) return reject('NOT_FOUND', `RMA ${rma.id} has no line ${cmd.lineId}`);
  if (rma.status !== 'RECEIVED') return reject('ILLEGAL_TRANSITION', `RMA ${rma.id} is ${rma.status}: only received units are inspected`);
  const open = awaitingInspection(line);
  const quantity = cmd.quantity ?? open;
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return reject('VALIDATION_FAILED', `Line ${line.line_id} has no units awaiting inspection`, [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  if (quantity > open) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Line ${line.line_id} has ${open} unit(s) awaiting inspection, not ${quantity}`, [{ field: '/quantity',
      message: `more than the ${open} awaiting inspection` }]);
  }
  const restocking = cmd.disposition === 'RESTOCK';
  const named = cmd.locationId !== undefined || cmd.locationCode !== undefined;
  if (restocking !== named) {
    return reject('VALIDATION_FAILED', restocking ? 'RESTOCK needs the location scanned' : 'Only RESTOCK names a location', [{ field: '/locationId',
      message: restocking ? 'give the location the units are put to' : 'only for RESTOCK' }]);
  }
  const site = rma.site_id;
  const heldKey: BalanceKey = { siteId: site, ownerId: rma.owner_id, sku: line.sku, locationId: line.received_location_id ?? '', lot: line.lot, status: 'QUARANTINE' };
  const leaves = cmd.disposition !== 'QUARANTINE';
  if (leaves && (state.held === undefined || state.held.on_hand - state.held.reserved < quantity)) {
    const there = state.held === undefined ? 0 : state.held.on_hand - state.held.reserved;
    return reject('INSUFFICIENT_STOCK', `${there} held unit(s) of ${line.sku} are left where line ${line.line_id} was received, not ${quantity}`);
  }
  let restock: InspectRmaDecision['restock'];
  let locationId = heldKey.locationId;
  const at = { siteId: site, ownerId: rma.owner_id, sku: line.sku, lot: line.lot, reference: rma.id } as const;
  const movements: PlannedMovement[] = [];
  switch (cmd.disposition) {
    case 'RESTOCK': {
      const scanned = cmd.locationId ?? cmd.locationCode ?? '';
      const ref = rmaLocationRef(cmd);
      if (isInProcess(scanned)) return reject('UNPROCESSABLE', `${scanned} is an order's tote, not a place in stock`, [{ field: refField(ref), message: 'in-process' }]);
      const found = located(site, ref, state.target);
      if (!found.ok) return found;
      if (found.value.status !== 'ACTIVE') {
        return reject('LOCATION_NOT_ACTIVE', `Location ${found.value.code} is ${found.value.status}: nothing is put to it`, [{ field: refField(ref),
          message: `location is ${found.value.status}` }]);
      }
      locationId = found.value.id;
      // A restock elsewhere is a move: nothing moves from or to a location under count (a restock in place moves nothing).
      if (locationId !== heldKey.locationId && state.targetUnderCount === true) {
        return reject('LOCATION_UNDER_COUNT', `Location ${found.value.code} is under count: nothing is put to it until counted`, [{ field: refField(ref),
          message: 'location is under count' }]);
      }
      if (locationId !== heldKey.locationId && state.receivedUnderCount === true) {
        return reject('LOCATION_UNDER_COUNT', `Location ${heldKey.locationId}, where line ${line.line_id} was received, is under count: restock the units `
          + 'there, or elsewhere once it is counted', [{ field: refField(ref), message: 'the units are at a location under count' }]);
      }
      restock = {
        key: { ...heldKey, locationId, status: 'AVAILABLE' }, quantity, expiresOn: state.held!.expires_on, firstReceivedAt: state.held!.first_received_at,
        unpickable: state.targetPickable ? 0 : quantity,
      };
      movements.push({ ...at, id: cmd.movementId, type: 'RELEASE', locationId: heldKey.locationId, status: 'QUARANTINE', deltaOnHand: -quantity, reason: RMA });
      movements.push({ ...at, type: 'RELEASE', locationId, status: 'AVAILABLE', deltaOnHand: quantity, reason: RMA });
      break;
    }
    case 'QUARANTINE':
      break;
    case 'SCRAP':
    case 'RETURN_TO_VENDOR':
      movements.push({ ...at, id: cmd.movementId, type: 'ADJUST', locationId: heldKey.locationId, status: 'QUARANTINE', deltaOnHand: -quantity,
        reason: cmd.disposition === 'SCRAP' ? SCRAP : RTV });
      break;
    default:
      return assertNever(cmd.disposition, 'disposition');
  }
  const column = dispositionColumn(cmd.disposition);
  const next = {
    line_id: line.line_id, restocked: line.restocked, quarantined: line.quarantined, scrapped: line.scrapped, returned_to_vendor: line.returned_to_vendor,
    [column]: line[column] + quantity,
    condition: cmd.condition ?? line.condition, inspection_notes: cmd.notes ?? line.inspection_notes,
  };
  const lines = state.lines.map((l) => (l.line_id === line.line_id ? { ...l, ...next } : l));
  const status: RmaStatus = lines.every((l) => awaitingInspection(l) === 0) ? 'INSPECTED' : 'RECEIVED';
  rmaLifecycle.assertCan(rma.status, status);
  const data: RmaInspected = {
    rmaId: rma.id, siteId: site, lineId: line.line_id, sku: line.sku, lot: fromLotKey(line.lot), disposition: cmd.disposition, quantity,
    locationId, toPickable: restock !== undefined && restock.unpickable === 0, status,
  };
  return ok({
    status, line: next, out: leaves ? { key: heldKey, quantity } : undefined, restock, movements,
    events: [{ type: InventoryEvents.rmaInspected, subject: rma.id, siteId: site, data }],
  });
};
