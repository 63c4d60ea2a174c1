import type { PickLineStatus, PickListStatus, ShortReason } from '../../../contracts/picking.ts';

export interface PickLine {
  readonly id: string;
  readonly pickListId: string;
  readonly seq: number;
  readonly orderId: string;
  readonly orderLineId: string;
  readonly reservationId: string;
  /** Whose units the line takes: its reservation's owner (ADR 0028); null on lines made before lines named one. */
  readonly ownerId?: string | null;
  readonly siteId: string;
  readonly sku: string;
  readonly expectedBarcode: string | null;
  readonly locationId: string;
  readonly locationCode: string | null;
  readonly pickSequence: number | null;
  readonly lot: string | null;
  /** The expiry (YYYY-MM-DD) of the lot reserved; a confirm after it is refused LOT_EXPIRED. Null or absent: undated (or a line made before lines knew it). */
  readonly expiresOn?: string | null;
  readonly quantity: number;
  readonly picked: number;
  readonly shortQuantity: number;
  readonly shortReason: ShortReason | null;
  readonly toteId: string | null;
  readonly status: PickLineStatus;
  readonly updatedAt: string;
}

export interface PickListHeader {
  readonly id: string;
  readonly siteId: string;
  readonly waveId: string;
  readonly orderIds: readonly string[];
  readonly status: PickListStatus;
  readonly priority: number;
  readonly routeLength: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
}

export type PickList = PickListHeader & { readonly lines: readonly PickLine[] };

/**
 * A list with its line counters (migration 003), as a use case that moves it reads it under lock: the counters, not a
 * count of its lines, say when its last open line closes (a count would be as of a snapshot taken before the lock).
 */
export type CountedPickList = PickListHeader & { readonly openLines: number; readonly shortLines: number };

/** The list as answered: the counters are picking's bookkeeping, not part of the API. */
export function headerOf(list: CountedPickList): PickListHeader {
  const { openLines: _open, shortLines: _short, ...header } = list;
  return header;
}

export type NewPickLine = Omit<PickLine, 'picked' | 'shortQuantity' | 'shortReason' | 'toteId' | 'status' | 'updatedAt'>;

/** What a floor action does to an open line. */
export type LineAction =
  | {
    readonly kind: 'confirm'; readonly quantity: number; readonly toteId: string; readonly locationCode: string; readonly barcode: string;
    /** The serials scanned, one per unit (a serial-controlled product, ADR 0058); absent otherwise. */
    readonly serials?: readonly string[];
  }
  | { readonly kind: 'short'; readonly reason: ShortReason };

/** A scan recorded under its client scanId: which line it acted on and the action as sent. */
export interface RecordedScan {
  readonly pickLineId: string;
  readonly action: LineAction;
}

/** A row as a use case found it (locked) and as it decided it: the store writes `after` only if the row is still `before`. */
export interface Change<T> {
  readonly before: T;
  readonly after: T;
}

/** A serial picking knows at a site (ADR 0058): received or put back (in stock), or picked since. */
export interface SerialUnit {
  readonly sku: string;
  readonly serial: string;
  readonly inStock: boolean;
}
