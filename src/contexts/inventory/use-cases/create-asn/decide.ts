import { expiryRule, inactiveSkuErrors, lotRule, type Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AsnCreated } from '../../../../contracts/inventory.ts';
import { isLpnLabel } from '../../../../contracts/physical-tracking.ts';
import { isDay } from '../../../../platform/days.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject, type FieldError } from '../../../../platform/errors.ts';
import { IDENTIFIER_MESSAGE, isIdentifier, isText, TEXT_MESSAGE } from '../../../../platform/text.ts';
import { lpnLabelCode, MAX_ASN_LINES } from '../../domain/inbound.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import type { NewAsn } from '../../inbound-store.ts';

export interface AsnLineInput {
  readonly sku: string;
  readonly quantity: number;
  readonly lot?: string | undefined;
  readonly expiresOn?: string | undefined;
  readonly serials?: readonly string[] | undefined;
  /** The LPN or SSCC the supplier's label carries, as plain text. */
  readonly expectedLpn?: string | undefined;
}

export interface CreateAsnInput {
  readonly siteId: string;
  /** Whose units (ADR 0028), resolved at the edge: the default owner when the request names none. */
  readonly ownerId: string;
  readonly supplier: string;
  readonly reference?: string | undefined;
  readonly expectedOn?: string | undefined;
  readonly lines: readonly AsnLineInput[];
}

export type CreateAsnCommand = CreateAsnInput & { readonly asnId: string };

export interface CreateAsnState {
  /** The products the lines name, as catalog answered (absent: unknown SKU). */
  readonly products: ReadonlyMap<string, Pick<Product, 'lotControlled' | 'expiryControlled'> & { readonly active?: boolean }>;
  /**
   * The pallet labels (as `lpnLabelCode` reads them) another OPEN or RECEIVING ASN of the site still expects: none of
   * its LPNs of that label scanned in yet. Absent: none.
   */
  readonly labelsExpected?: ReadonlySet<string> | undefined;
}

export interface CreateAsnDecision {
  readonly asn: NewAsn;
  readonly events: readonly PublishedEvent[];
}

/** The most units one ASN line announces (the REST schema's `lines[].quantity` maximum). */
export const MAX_ASN_LINE_UNITS = 1_000_000;

export type CreateAsnRejection = 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'PRODUCT_INACTIVE' | 'UNPROCESSABLE' | 'LPN_ALREADY_EXPECTED';

/** A day of the calendar in the years the API takes: an EDI 943's W06-03 20260230 arrives here unchecked by a JSON schema. */
const isDate = isDay;

/**
 * An expected receipt from a supplier: lines of known SKUs with positive quantities, numbered from 1 in the order given.
 * Serial numbers, when announced, are one per unit and unique in the ASN. A lot- or expiry-controlled SKU may be
 * announced without them: the receipt scan must carry them (the receive rules check it). A product that is not
 * lot-controlled is announced without a lot (`lotRule`): its scan could give none, and its stock is not kept by lot; one
 * neither lot- nor expiry-controlled without an expiry (`expiryRule`), for the same reason.
 */
export const decideCreateAsn: Decide<CreateAsnState, CreateAsnCommand, CreateAsnDecision, CreateAsnRejection> = (state, input) => {
  const errors: FieldError[] = [];
  if (input.supplier.trim() === '') errors.push({ field: '/supplier', message: 'must not be blank' });
  // The REST schema's rules, for the ASNs that do not pass it (ERP files, EDI 943s; ADR 0007, 2026-12-06): a control or
  // bidi character in a supplier, lot or label would reach the dock's screens, the 944 and the LPN labels.
  else if (!isText(input.supplier.trim())) errors.push({ field: '/supplier', message: TEXT_MESSAGE });
  if (input.reference !== undefined && !isIdentifier(input.reference)) errors.push({ field: '/reference', message: IDENTIFIER_MESSAGE });
  if (input.expectedOn !== undefined && !isDate(input.expectedOn)) errors.push({ field: '/expectedOn', message: 'must be a date (YYYY-MM-DD)' });
  if (input.lines.length === 0) errors.push({ field: '/lines', message: 'an ASN has at least one line' });
  // The REST schema's maxItems, for the ASNs that do not pass it (ERP files, EDI 943s): a receipt names a line up to it.
  else if (input.lines.length > MAX_ASN_LINES) errors.push({ field: '/lines', message: `an ASN has at most ${MAX_ASN_LINES} lines` });
  const serialsSeen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) errors.push({ field: `/lines/${i}/quantity`, message: 'must be a positive integer' });
    // The REST schema's maximum, for the ASNs that do not pass it: an EDI 943's W04-01 takes 9 digits (999999999 was an
    // ASN line of as many units, edge7).
    else if (l.quantity > MAX_ASN_LINE_UNITS) errors.push({ field: `/lines/${i}/quantity`, message: `must be an integer from 1 to ${MAX_ASN_LINE_UNITS}` });
    if (l.expiresOn !== undefined && !isDate(l.expiresOn)) errors.push({ field: `/lines/${i}/expiresOn`, message: 'must be a date (YYYY-MM-DD)' });
    if (l.lot !== undefined && !isIdentifier(l.lot)) errors.push({ field: `/lines/${i}/lot`, message: IDENTIFIER_MESSAGE });
    if (l.expectedLpn !== undefined && !isIdentifier(l.expectedLpn)) errors.push({ field: `/lines/${i}/expectedLpn`, message: IDENTIFIER_MESSAGE });
    // Its LPN would be refused at the dock's scan (INVALID_SSCC): the supplier's label is misread or mistyped.
    else if (l.expectedLpn !== undefined && !isLpnLabel(l.expectedLpn)) {
      errors.push({ field: `/lines/${i}/expectedLpn`, message: 'reads as an SSCC-18 but its GS1 check digit is wrong' });
    }
    const serials = l.serials ?? [];
    if (serials.length > 0 && serials.length !== l.quantity) {
      errors.push({ field: `/lines/${i}/serials`, message: `one serial per unit: ${l.quantity} expected, ${serials.length} given` });
    }
    serials.forEach((s, j) => { if (!isIdentifier(s)) errors.push({ field: `/lines/${i}/serials/${j}`, message: IDENTIFIER_MESSAGE }); });
    for (const s of serials) {
      if (serialsSeen.has(s)) errors.push({ field: `/lines/${i}/serials`, message: `serial ${s} is announced twice` });
      serialsSeen.add(s);
    }
  });
  if (errors.length > 0) return reject('VALIDATION_FAILED', 'The ASN is not valid', errors);
  const unknown = input.lines.flatMap((l, i) => (state.products.has(l.sku) ? [] : [{ field: `/lines/${i}/sku`, message: `unknown SKU ${l.sku}` }]));
  if (unknown.length > 0) return reject('UNKNOWN_SKU', `Unknown SKU ${input.lines.find((l) => !state.products.has(l.sku))?.sku ?? ''}`, unknown);
  // A deactivated product is announced no more (ADR 0045).
  const inactive = inactiveSkuErrors(input.lines, state.products, (i) => `/lines/${i}/sku`);
  if (inactive.length > 0) return reject('PRODUCT_INACTIVE', inactive.map((e) => e.message).join('; '), inactive);
  // A product that is not lot-controlled is announced without a lot, and one that is neither lot- nor expiry-controlled
  // without an expiry (`expiryRule`): the dock's scan could give neither.
  const unfit = input.lines.flatMap((l, i) => {
    const product = state.products.get(l.sku);
    if (product === undefined) return [];
    const broken = lotRule(product, l.lot);
    const undated = expiryRule(product, l.expiresOn);
    return [
      ...(broken?.breach === 'LOT_NOT_ALLOWED' ? [{ i, field: 'lot', message: broken.message, detail: `${l.sku} is not lot-controlled: give no lot on line ${i + 1}` }] : []),
      ...(undated === undefined ? [] : [{ i, field: 'expiresOn', message: undated, detail: `${l.sku} is not expiry- or lot-controlled: give no expiry on line ${i + 1}` }]),
    ];
  });
  if (unfit.length > 0) {
    return reject('UNPROCESSABLE', unfit.map((e) => e.detail).join('; '), unfit.map((e) => ({ field: `/lines/${e.i}/${e.field}`, message: e.message })));
  }
  // A pallet label is expected by one open ASN of a site at a time (ADR 0025 addendum asn10): its RECEIVE_LPN scan builds
  // the pallet of every ASN expecting it, so a second ASN announcing it would have its lines received from a pallet that
  // does not hold them (another owner's, too). Once that ASN's pallet was scanned in, or it ended, the label is free.
  // The refusal names the label only: the other ASN may be another owner's.
  const taken = input.lines.flatMap((l, i) => (l.expectedLpn !== undefined && state.labelsExpected?.has(lpnLabelCode(l.expectedLpn)) === true
    ? [{ field: `/lines/${i}/expectedLpn`, message: 'another open ASN of the site already expects this label' }] : []));
  if (taken.length > 0) {
    const labels = [...new Set(input.lines.flatMap((l) => (l.expectedLpn !== undefined && state.labelsExpected?.has(lpnLabelCode(l.expectedLpn)) === true ? [l.expectedLpn.trim()] : [])))];
    return reject('LPN_ALREADY_EXPECTED', `Another open ASN of the site already expects the pallet label ${labels.join(', ')}: a label is expected by one open ASN `
      + 'at a time (announce the pallet under its own label, or once that ASN\'s pallet was scanned in or the ASN ended)', taken);
  }

  const lines = input.lines.map((l, i) => ({
    lineNo: i + 1, sku: l.sku, lot: toLotKey(l.lot), expiresOn: l.expiresOn ?? null, quantity: l.quantity, serials: l.serials ?? [],
    expectedLpn: l.expectedLpn ?? null,
  }));
  const asn: NewAsn = {
    id: input.asnId, siteId: input.siteId, ownerId: input.ownerId, supplier: input.supplier.trim(), reference: input.reference ?? null, expectedOn: input.expectedOn ?? null, lines,
  };
  const data: AsnCreated = {
    asnId: asn.id, siteId: asn.siteId, ownerId: asn.ownerId, supplier: asn.supplier, reference: asn.reference, expectedOn: asn.expectedOn,
    lines: lines.map((l) => ({ ...l, lot: fromLotKey(l.lot) })),
  };
  return ok({ asn, events: [{ type: InventoryEvents.asnCreated, subject: asn.id, siteId: asn.siteId, data }] });
};
