import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import type { PickLineStatus } from '../../../contracts/picking.ts';

/** What the decision needs to know of a line. */
export interface LineToPick {
  readonly status: PickLineStatus;
  readonly sku: string;
  readonly expectedBarcode: string | null;
  readonly locationId: string;
  readonly locationCode: string | null;
  readonly quantity: number;
  readonly picked: number;
}

export interface PickScan {
  readonly locationCode: string;
  readonly barcode: string;
  readonly quantity: number;
}

/** The scanned location must be the line's: its code (or its id when the code is not known). */
export function isLineLocation(line: LineToPick, scanned: string): boolean {
  return line.locationCode === null ? scanned === line.locationId : scanned === line.locationCode;
}

/** The scanned barcode must name the line's product: its GTIN, or the SKU label where no GTIN is printed. */
export function isLineProduct(line: LineToPick, scanned: string): boolean {
  return scanned === line.sku || (line.expectedBarcode !== null && scanned === line.expectedBarcode);
}

/** Checks a scan confirmation against the line; on success, the line's status and picked count after it. */
export function decideConfirm(line: LineToPick, scan: PickScan): Outcome<{ picked: number; status: PickLineStatus }> {
  if (line.status === 'CANCELLED') return reject('ORDER_CANCELLED', 'The order of this line was cancelled: do not pick it');
  if (line.status !== 'PENDING') return reject('ILLEGAL_TRANSITION', `The line is ${line.status}; nothing is left to pick`);
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
  const picked = line.picked + scan.quantity;
  return ok({ picked, status: picked === line.quantity ? 'PICKED' : 'PENDING' });
}
