import { lotRule, type Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type RmaReceived, type RmaStatus } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { located, refField, type LocationRefOf } from '../../domain/command-checks.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { RMA, rmaLifecycle } from '../../domain/rma.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import type { RmaLineRow, RmaRow } from '../../rma-store.ts';

export interface ReceiveRmaInput {
  readonly rmaId: string;
  /** Where the units land (a returns or receiving location): exactly one of id and code. */
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  readonly lines: readonly { readonly lineId: string; readonly quantity: number; readonly lot?: string | undefined }[];
}

export type ReceiveRmaCommand = ReceiveRmaInput & { readonly newMovementId: () => string };

export interface ReceiveRmaState {
  /** The RMA, locked, and its lines. */
  readonly rma: RmaRow | undefined;
  readonly lines: readonly RmaLineRow[];
  readonly location: Location | undefined;
  /** What catalog answered for the lines' SKUs: a lot-controlled product's units arrive under their lot. */
  readonly products: ReadonlyMap<string, Pick<Product, 'lotControlled'>>;
}

export interface ReceiveRmaDecision {
  readonly status: RmaStatus;
  /** QUARANTINE balances to add to, and each line's new state. */
  readonly receipts: readonly { readonly key: BalanceKey; readonly quantity: number }[];
  readonly lines: readonly { readonly lineId: string; readonly received: number; readonly lot: string; readonly locationId: string }[];
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type ReceiveRmaRejection =
  | 'NOT_FOUND' | 'VALIDATION_FAILED' | 'UNKNOWN_LOCATION' | 'LOCATION_NOT_ACTIVE' | 'ILLEGAL_TRANSITION' | 'OVER_RECEIPT' | 'UNPROCESSABLE';

export const rmaLocationRef = (input: { locationId?: string | undefined; locationCode?: string | undefined }): LocationRefOf => ({
  name: 'location', id: input.locationId, code: input.locationCode,
});

/**
 * Units arrive against an RMA: each into QUARANTINE at the location scanned (RECEIPT, reason RMA, reference the RMA):
 * on hand, never promised, until inspected. Never more than a line authorises (OVER_RECEIPT, counting what arrived
 * before); a lot-controlled product's units name their lot; a line's units wait at one location under one lot; the RMA
 * becomes RECEIVED.
 */
export const decideReceiveRma: Decide<ReceiveRmaState, ReceiveRmaCommand, ReceiveRmaDecision, ReceiveRmaRejection> = (state, cmd) => {
  const rma = state.rma;
  if (rma === undefined) return reject('NOT_FOUND', `No RMA ${cmd.rmaId}`);
  const moved = rmaLifecycle.check(rma.status, 'RECEIVED', `RMA ${rma.id} is ${rma.status}: nothing more is received against it`);
  if (!moved.ok) return moved;
  if (cmd.lines.length === 0) return reject('VALIDATION_FAILED', 'Receive at least one line', [{ field: '/lines', message: 'no lines' }]);
  const ref = rmaLocationRef(cmd);
  const found = located(rma.site_id, ref, state.location);
  if (!found.ok) return found;
  const location = found.value;
  if (location.status !== 'ACTIVE') {
    return reject('LOCATION_NOT_ACTIVE', `Location ${location.code} is ${location.status}: nothing is received into it`, [{ field: refField(ref),
      message: `location is ${location.status}` }]);
  }
  const byId = new Map(state.lines.map((l) => [l.line_id, l]));
  const after = new Map<string, { received: number; lot: string }>();
  const receipts: { key: BalanceKey; quantity: number }[] = [];
  const movements: PlannedMovement[] = [];
  const published: RmaReceived['lines'][number][] = [];
  for (const [i, r] of cmd.lines.entries()) {
    const line = byId.get(r.lineId);
    if (line === undefined) return reject('VALIDATION_FAILED', `RMA ${rma.id} has no line ${r.lineId}`, [{ field: `/lines/${i}/lineId`, message: 'no such line' }]);
    if (!Number.isInteger(r.quantity) || r.quantity <= 0) {
      return reject('VALIDATION_FAILED', 'Quantities must be positive integers', [{ field: `/lines/${i}/quantity`, message: 'must be positive' }]);
    }
    const lot = toLotKey(r.lot);
    const before = after.get(line.line_id) ?? { received: line.received, lot: line.lot };
    // As any receipt (decideReceive, `lotRule`): a lot-controlled product never gets a balance without a lot, another
    // product none with one. A line whose first units already wait under a lot takes the rest under it (checked below).
    const product = state.products.get(line.sku);
    const broken = product === undefined || before.received > 0 ? undefined : lotRule(product, lot);
    if (broken !== undefined) {
      const message = broken.breach === 'LOT_REQUIRED'
        ? `${line.sku} is lot-controlled: give the lot of the units returned on line ${line.line_id}`
        : `${line.sku} is not lot-controlled: give no lot for the units returned on line ${line.line_id}`;
      return reject('UNPROCESSABLE', message, [{ field: `/lines/${i}/lot`, message: broken.message }]);
    }
    if (before.received > 0 && (before.lot !== lot || (line.received_location_id !== null && line.received_location_id !== location.id))) {
      return reject('UNPROCESSABLE', `Line ${line.line_id}'s units wait at ${line.received_location_id ?? location.id} under lot '${before.lot}': receive the rest there`,
        [{ field: `/lines/${i}`, message: 'another location or lot than the line\'s earlier units' }]);
    }
    const received = before.received + r.quantity;
    if (received > line.authorised) {
      return reject('OVER_RECEIPT', `Line ${line.line_id} authorises ${line.authorised} unit(s) of ${line.sku}; ${before.received} arrived already`,
        [{ field: `/lines/${i}/quantity`, message: `more than the ${line.authorised - before.received} still authorised` }]);
    }
    after.set(line.line_id, { received, lot });
    const key: BalanceKey = { siteId: rma.site_id, ownerId: rma.owner_id, sku: line.sku, locationId: location.id, lot, status: 'QUARANTINE' };
    receipts.push({ key, quantity: r.quantity });
    const movementId = cmd.newMovementId();
    movements.push({ id: movementId, type: 'RECEIPT', siteId: rma.site_id, ownerId: rma.owner_id, sku: line.sku, locationId: location.id, lot, status: 'QUARANTINE',
      deltaOnHand: r.quantity, reason: RMA, reference: rma.id });
    published.push({ lineId: line.line_id, sku: line.sku, lot: fromLotKey(lot), quantity: r.quantity, movementId });
  }
  const data: RmaReceived = { rmaId: rma.id, siteId: rma.site_id, ownerId: rma.owner_id, locationId: location.id, lines: published };
  return ok({
    status: 'RECEIVED', receipts, movements,
    lines: [...after].map(([lineId, a]) => ({ lineId, received: a.received, lot: a.lot, locationId: location.id })),
    events: [{ type: InventoryEvents.rmaReceived, subject: rma.id, siteId: rma.site_id, data }],
  });
};
