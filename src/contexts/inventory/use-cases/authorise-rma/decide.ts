import type { Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type RmaAuthorised } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import type { NewRma } from '../../rma-store.ts';

export interface AuthoriseRmaInput {
  readonly siteId: string;
  /** Whose units (ADR 0028), resolved at the edge: the default owner when the request names none. */
  readonly ownerId: string;
  readonly customerRef: string;
  readonly orderRef?: string | undefined;
  readonly notes?: string | undefined;
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly reason: string }[];
}

export type AuthoriseRmaCommand = AuthoriseRmaInput & { readonly rmaId: string };

export interface AuthoriseRmaState {
  /** The lines' products, as catalog answered (absent: unknown SKU). */
  readonly products: ReadonlyMap<string, Pick<Product, 'sku'>>;
}

export interface AuthoriseRmaDecision {
  readonly rma: NewRma;
  readonly events: readonly PublishedEvent[];
}

/**
 * A customer return is authorised: at least one line, each a known SKU with a positive quantity and a reason. Lines
 * are numbered `1`, `2`, … in the order given. Nothing moves until units arrive.
 */
export const decideAuthoriseRma: Decide<AuthoriseRmaState, AuthoriseRmaCommand, AuthoriseRmaDecision, 'VALIDATION_FAILED' | 'UNKNOWN_SKU'> = (
  state, cmd,
) => {
  if (cmd.lines.length === 0) return reject('VALIDATION_FAILED', 'An RMA needs at least one line', [{ field: '/lines', message: 'no lines' }]);
  const bad = cmd.lines.findIndex((l) => !Number.isInteger(l.quantity) || l.quantity <= 0);
  if (bad >= 0) return reject('VALIDATION_FAILED', 'Quantities must be positive integers', [{ field: `/lines/${bad}/quantity`, message: 'must be positive' }]);
  const unknown = cmd.lines.findIndex((l) => !state.products.has(l.sku));
  if (unknown >= 0) {
    return reject('UNKNOWN_SKU', `Unknown SKU ${cmd.lines[unknown]!.sku}`, [{ field: `/lines/${unknown}/sku`, message: 'unknown SKU' }]);
  }
  const lines = cmd.lines.map((l, i) => ({ line_id: String(i + 1), sku: l.sku, reason: l.reason, authorised: l.quantity }));
  const rma: NewRma = { id: cmd.rmaId, site_id: cmd.siteId, owner_id: cmd.ownerId, customer_ref: cmd.customerRef, order_ref: cmd.orderRef ?? null, notes: cmd.notes ?? null, lines };
  const data: RmaAuthorised = {
    rmaId: cmd.rmaId, siteId: cmd.siteId, ownerId: cmd.ownerId, customerRef: cmd.customerRef, orderRef: cmd.orderRef ?? null,
    lines: lines.map((l) => ({ lineId: l.line_id, sku: l.sku, quantity: l.authorised, reason: l.reason })),
  };
  return ok({ rma, events: [{ type: InventoryEvents.rmaAuthorised, subject: cmd.rmaId, siteId: cmd.siteId, data }] });
};
