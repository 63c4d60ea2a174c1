import { sameGtin, serialRule } from '../../../../contracts/catalog.ts';
import { PickingEvents, type LinePicked, type PickLineStatus } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import { decideFloorAction, type FloorCode, type FloorCommand, type FloorDecision, type FloorState } from '../../domain/floor-action.ts';
import type { LineAction, SerialUnit } from '../../domain/pick-list.ts';

/** What the decision needs to know of a line. */
export interface LineToPick {
  readonly status: PickLineStatus;
  readonly sku: string;
  readonly expectedBarcode: string | null;
  readonly locationId: string;
  readonly locationCode: string | null;
  readonly lot: string | null;
  /** The expiry (YYYY-MM-DD) of the lot reserved; null or absent: undated. */
  readonly expiresOn?: string | null;
  readonly quantity: number;
  readonly picked: number;
}

export interface PickScan {
  readonly locationCode: string;
  readonly barcode: string;
  readonly quantity: number;
  /** One serial per unit, for a serial-controlled product (ADR 0058). */
  readonly serials?: readonly string[] | undefined;
}

export type ConfirmCode = 'ORDER_CANCELLED' | 'LOT_EXPIRED' | 'WRONG_LOCATION' | 'WRONG_PRODUCT' | 'VALIDATION_FAILED' | 'QUANTITY_EXCEEDS_OPEN'
  | 'UNKNOWN_SERIAL' | 'SERIAL_NOT_IN_STOCK';

/** What the serial rule of a confirm decides on: the product's flag, and the rows of the serials named (any SKU) at the site. */
export interface SerialsKnown {
  readonly controlled: boolean;
  readonly units: readonly SerialUnit[];
}

/**
 * The serials of a confirm (ADR 0058): a serial-controlled product's units carry exactly `quantity` distinct serials
 * (`serialRule`: 400 VALIDATION_FAILED naming /serials or /serials/<i>), another product's none (400 naming /serials);
 * each must be a serial of the line's SKU received at the site (422 UNKNOWN_SERIAL, which says when it is another SKU's)
 * and in stock now, not picked already (409 SERIAL_NOT_IN_STOCK).
 */
export function decideSerials(sku: string, scan: PickScan, known: SerialsKnown): Outcome<void, 'VALIDATION_FAILED' | 'UNKNOWN_SERIAL' | 'SERIAL_NOT_IN_STOCK'> {
  const shape = serialRule({ serialControlled: known.controlled }, scan.quantity, scan.serials);
  if (shape.length > 0) return reject('VALIDATION_FAILED', `Serials: ${shape.map((e) => `${e.field} ${e.message}`).join('; ')}`, shape);
  const serials = scan.serials ?? [];
  const unknown: { field: string; message: string }[] = [];
  const gone: { field: string; message: string }[] = [];
  serials.forEach((serial, i) => {
    const field = `/serials/${i}`;
    const mine = known.units.find((u) => u.serial === serial && u.sku === sku);
    if (mine === undefined) {
      const others = known.units.filter((u) => u.serial === serial).map((u) => u.sku);
      unknown.push({ field, message: others.length === 0 ? `no unit of ${sku} with serial ${serial} was received at this site`
        : `serial ${serial} is a unit of ${others.join(', ')}, not of ${sku}` });
    } else if (!mine.inStock) {
      gone.push({ field, message: `serial ${serial} of ${sku} is not in stock: it was picked already` });
    }
  });
  if (unknown.length > 0) {
    return reject('UNKNOWN_SERIAL', `Not a serial of ${sku} at this site: ${unknown.map((e) => serials[Number(e.field.slice(9))]).join(', ')}`, unknown);
  }
  if (gone.length > 0) {
    return reject('SERIAL_NOT_IN_STOCK', `Serial(s) of ${sku} not in stock (picked already): ${gone.map((e) => serials[Number(e.field.slice(9))]).join(', ')}`, gone);
  }
  return ok(undefined);
}

/** The scanned location must be the line's: its code (or its id when the code is not known). */
export function isLineLocation(line: LineToPick, scanned: string): boolean {
  return line.locationCode === null ? scanned === line.locationId : scanned === line.locationCode;
}

/** The scanned barcode must name the line's product: its GTIN in any GS1 length (`sameGtin`), or the SKU label where no GTIN is printed. */
export function isLineProduct(line: LineToPick, scanned: string): boolean {
  return scanned === line.sku || sameGtin(scanned, line.expectedBarcode);
}

/**
 * The confirm rule, and its only copy (the store writes what it decides, guarded by the values it decided from):
 * checks a scan confirmation against the line on `today` (YYYY-MM-DD, the site's clock); on success, the line's picked
 * count and status after it. A lot is good through its expiry day, as allocation and reservation count it; after that
 * day nothing of it is picked (it expired after its reservation): the way out is to short the line, reason EXPIRED.
 */
export function decideConfirm(
  line: LineToPick, scan: PickScan, today: string, serials: SerialsKnown = { controlled: false, units: [] },
): Outcome<{ picked: number; status: PickLineStatus }, ConfirmCode | 'ILLEGAL_TRANSITION'> {
  if (line.status === 'CANCELLED') return reject('ORDER_CANCELLED', 'The order of this line was cancelled: do not pick it');
  if (line.status !== 'PENDING') return reject('ILLEGAL_TRANSITION', `The line is ${line.status}; nothing is left to pick`);
  if (line.expiresOn != null && line.expiresOn < today) {
    return reject('LOT_EXPIRED', `Lot ${line.lot ?? '(none)'} of ${line.sku} expired on ${line.expiresOn}: do not pick it. Short the line with reason `
      + 'EXPIRED (POST /pick-lists/{id}/lines/{lineId}/short): the units stay where they are, out of stock to promise, and the order\'s '
      + 'units are re-reserved from a good lot, or the order ships short or waits for stock by its policy');
  }
  if (!isLineLocation(line, scan.locationCode)) {
    return reject('WRONG_LOCATION', 'This is not the location to pick from', [{ field: '/locationCode', message: 'is not the location of this line' }]);
  }
  if (!isLineProduct(line, scan.barcode)) {
    return reject('WRONG_PRODUCT', 'This is not the product to pick', [{ field: '/barcode', message: 'does not match the product of this line' }]);
  }
  const open = line.quantity - line.picked;
  if (!Number.isInteger(scan.quantity) || scan.quantity < 1) {
    return reject('VALIDATION_FAILED', 'Quantity must be a whole number of at least 1', [{ field: '/quantity', message: 'must be an integer >= 1' }]);
  }
  if (scan.quantity > open) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Only ${open} left to pick on this line`, [{ field: '/quantity', message: `must be at most ${open}` }]);
  }
  const serialsOk = decideSerials(line.sku, scan, serials);
  if (!serialsOk.ok) return serialsOk;
  const picked = line.picked + scan.quantity;
  return ok({ picked, status: picked === line.quantity ? 'PICKED' : 'PENDING' });
}

export type ConfirmPick = FloorCommand<Extract<LineAction, { kind: 'confirm' }>>;

/**
 * A scan confirmation: right location, right product, no more than is open; partial confirms add up. With batch
 * picking a list serves several orders and each order's units go into that order's tote: the tote is per confirm.
 */
export const decideConfirmPick: Decide<FloorState, ConfirmPick, FloorDecision, ConfirmCode | FloorCode> = (state, command, now) => {
  const scan = command.action;
  return decideFloorAction(state, command, now, (line) => {
    const decided = decideConfirm(line, scan, now.toISOString().slice(0, 10), { controlled: state.serialControlled === true, units: state.serialUnits ?? [] });
    if (!decided.ok) return decided;
    return ok({ ...decided.value, shortQuantity: line.shortQuantity, shortReason: line.shortReason, toteId: scan.toteId });
  }, (list, line) => {
    // Who picked: the signed-in person, else the worker whose task holds the list (a handheld signed in with a key names
    // none of its own); physical tracking records the tote scan with it.
    const worker = command.actingWorker ?? state.worker ?? null;
    const data: LinePicked = {
      pickListId: list.id, pickLineId: line.id, orderId: line.orderId, lineId: line.orderLineId, reservationId: line.reservationId,
      siteId: line.siteId, sku: line.sku, locationId: line.locationId, lot: line.lot, quantity: scan.quantity, toteId: scan.toteId,
      ...(line.ownerId == null ? {} : { ownerId: line.ownerId }),
      ...(worker === null ? {} : { workerId: worker }),
      ...(scan.serials === undefined || scan.serials.length === 0 ? {} : { serials: [...scan.serials] }),
    };
    return { type: PickingEvents.linePicked, subject: list.id, siteId: list.siteId, data };
  });
};
