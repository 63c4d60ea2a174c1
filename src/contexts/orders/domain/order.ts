import { ORDER_PRIORITY } from '../../../contracts/orders.ts';
import type { ShipTo } from '../../../contracts/orders.ts';
import type { FieldError } from '../../../platform/errors.ts';
import { IDENTIFIER_MESSAGE, isIdentifier, isText, TEXT_MESSAGE } from '../../../platform/text.ts';

export const MAX_LINES = 500;
export const MAX_LINE_QUANTITY = 100_000;
export const DEFAULT_CARRIER = 'OWN_FLEET';
export const DEFAULT_PRIORITY = ORDER_PRIORITY.default;
export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

// ISO 3166-1 alpha-2, officially assigned codes (249). Intl.DisplayNames also knows UK, EU, UN, …, which are not.
const COUNTRIES = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '),
);

export function isCountryCode(code: string): boolean {
  return COUNTRIES.has(code);
}

export interface NewOrderLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface NewOrder {
  readonly externalId: string;
  readonly siteId: string;
  /** The owner (3PL client, ADR 0028) the order is fulfilled for, resolved before it is received (default owner when none is named). */
  readonly ownerId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly shipBy: string | null;
  readonly shipTo: ShipTo;
  /** Never ship partial (ADR 0024); false when the client leaves it out. */
  readonly shipComplete: boolean;
  readonly lines: readonly NewOrderLine[];
}

const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

/** The longest each ship-to field may be, in characters (the REST schema's maxLength of POST /orders' shipTo). */
export const SHIP_TO_MAX_LENGTHS: readonly (readonly ['name' | 'company' | 'line1' | 'line2' | 'line3' | 'city' | 'state' | 'postalCode' | 'phone' | 'email', number])[] = [
  ['name', 200], ['company', 200], ['line1', 200], ['line2', 200], ['line3', 200], ['city', 100], ['state', 100], ['postalCode', 20], ['phone', 40], ['email', 254],
];

/** Rules an order must meet before it is received (SKUs exist, address complete, quantities positive). */
export function validateNewOrder(o: NewOrder): FieldError[] {
  const errors: FieldError[] = [];
  if (blank(o.externalId)) errors.push({ field: '/externalId', message: 'is required' });
  if (blank(o.siteId)) errors.push({ field: '/siteId', message: 'is required' });
  if (blank(o.carrier)) errors.push({ field: '/carrier', message: 'must not be blank' });
  if (!Number.isInteger(o.priority) || o.priority < 1 || o.priority > 9) errors.push({ field: '/priority', message: 'must be an integer from 1 to 9' });
  // Year 0000 parses in JavaScript but PostgreSQL has no year zero: refused here rather than failing the insert.
  if (o.shipBy !== null && (Number.isNaN(Date.parse(o.shipBy)) || o.shipBy.startsWith('0000'))) errors.push({ field: '/shipBy', message: 'must be an ISO-8601 date-time' });
  for (const f of ['name', 'line1', 'city', 'postalCode'] as const) {
    if (blank(o.shipTo[f])) errors.push({ field: `/shipTo/${f}`, message: 'is required' });
  }
  // The REST schema says the same; an order read from a CSV file, an EDI 940 or a storefront payload is checked here
  // (ADR 0007, 2026-12-06): a control character or bidi override in an address reaches labels, EDI 856s and CSV exports.
  if (!blank(o.externalId) && !isIdentifier(o.externalId)) errors.push({ field: '/externalId', message: IDENTIFIER_MESSAGE });
  if (!blank(o.carrier) && !isIdentifier(o.carrier)) errors.push({ field: '/carrier', message: IDENTIFIER_MESSAGE });
  for (const f of ['name', 'company', 'line1', 'line2', 'line3', 'city', 'state', 'postalCode', 'phone', 'email'] as const) {
    const v = o.shipTo[f];
    const required = f === 'name' || f === 'line1' || f === 'city' || f === 'postalCode';
    if (v !== undefined && v !== '' && !(required && blank(v)) && !isText(v)) errors.push({ field: `/shipTo/${f}`, message: TEXT_MESSAGE });
  }
  // The REST schema's lengths, for the orders that do not pass it (a storefront payload's 300-character zip was received).
  for (const [f, max] of SHIP_TO_MAX_LENGTHS) {
    const v = o.shipTo[f];
    if (v !== undefined && [...v].length > max) errors.push({ field: `/shipTo/${f}`, message: `must be at most ${max} characters` });
  }
  if (!isCountryCode(o.shipTo.country)) errors.push({ field: '/shipTo/country', message: 'must be an ISO 3166-1 alpha-2 country code' });
  if (o.lines.length === 0 || o.lines.length > MAX_LINES) errors.push({ field: '/lines', message: `must have 1 to ${MAX_LINES} lines` });
  const seen = new Map<string, number>();
  o.lines.forEach((l, i) => {
    if (!SKU_PATTERN.test(l.sku)) errors.push({ field: `/lines/${i}/sku`, message: 'is not a valid SKU' });
    const first = seen.get(l.sku);
    if (first !== undefined) errors.push({ field: `/lines/${i}/sku`, message: `duplicates line ${first}; one line per SKU` });
    else seen.set(l.sku, i);
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_LINE_QUANTITY) {
      errors.push({ field: `/lines/${i}/quantity`, message: `must be an integer from 1 to ${MAX_LINE_QUANTITY}` });
    }
  });
  return errors;
}

/** Lines whose SKU the catalog does not know, as field errors. */
export function unknownSkuErrors(lines: readonly NewOrderLine[], known: ReadonlySet<string>): FieldError[] {
  return lines.flatMap((l, i) => (known.has(l.sku) ? [] : [{ field: `/lines/${i}/sku`, message: `unknown SKU ${l.sku}` }]));
}

/** A shipment is partial when any line shipped less than was ordered (shorts, cancellations). */
export function isPartialShipment(lines: readonly { readonly ordered: number; readonly shipped: number }[]): boolean {
  return lines.some((l) => l.shipped < l.ordered);
}

/** What an order was received with: the content a re-sent order is compared against. */
export interface ReceivedContent {
  readonly siteId: string;
  readonly ownerId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly shipBy: string | null;
  readonly shipTo: ShipTo;
  readonly shipComplete: boolean;
  readonly lines: readonly { readonly sku: string; readonly ordered: number }[];
}

const instant = (t: string | null): number | null => (t === null ? null : Date.parse(t));
const shipToKey = (s: ShipTo): string =>
  JSON.stringify([s.name, s.line1, s.line2 ?? '', s.city, s.postalCode, s.country, s.company ?? '', s.line3 ?? '', s.state ?? '', s.phone ?? '', s.email ?? '']);
const linesKey = (lines: readonly { readonly sku: string; readonly quantity: number }[]): string =>
  JSON.stringify([...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map((l) => [l.sku, l.quantity]));

/**
 * The SKUs a change of an order's lines asks more units of than the order holds now (its lines' ordered less cancelled
 * units, per SKU): new demand. A SKU kept, lowered or dropped is not: a product deactivated since the order arrived
 * refuses only new demand (PRODUCT_INACTIVE), so the order's own units of it never keep a change out (ADR 0045).
 */
export function skusWithMoreUnits(
  current: readonly { readonly sku: string; readonly ordered: number; readonly cancelled?: number }[],
  next: readonly { readonly sku: string; readonly quantity: number }[],
): Set<string> {
  const held = new Map<string, number>();
  for (const l of current) held.set(l.sku, (held.get(l.sku) ?? 0) + l.ordered - (l.cancelled ?? 0));
  const asked = new Map<string, number>();
  for (const l of next) asked.set(l.sku, (asked.get(l.sku) ?? 0) + l.quantity);
  return new Set([...asked].filter(([sku, q]) => q > (held.get(sku) ?? 0)).map(([sku]) => sku));
}

/**
 * Where a re-sent order (same external id) differs from the one received; empty when it is the same order. "The same"
 * is what the warehouse would do with it: the same site (by id, after resolving a code), carrier, priority, ship-by
 * instant (`…Z` and `+00:00` are one instant), ship-to (an absent `line2` equals an empty one) and the same quantity
 * per SKU (one line per SKU, so the order of the lines does not matter). Defaults are applied before comparing.
 */
export function orderDifferences(received: ReceivedContent, again: NewOrder): FieldError[] {
  const differs: FieldError[] = [];
  if (received.siteId !== again.siteId) differs.push({ field: '/siteId', message: 'differs from the order received with this externalId' });
  if (received.ownerId !== again.ownerId) differs.push({ field: '/ownerId', message: 'differs from the order received with this externalId' });
  if (received.carrier !== again.carrier) differs.push({ field: '/carrier', message: 'differs from the order received with this externalId' });
  if (received.priority !== again.priority) differs.push({ field: '/priority', message: 'differs from the order received with this externalId' });
  if (instant(received.shipBy) !== instant(again.shipBy)) differs.push({ field: '/shipBy', message: 'differs from the order received with this externalId' });
  if (shipToKey(received.shipTo) !== shipToKey(again.shipTo)) differs.push({ field: '/shipTo', message: 'differs from the order received with this externalId' });
  if (received.shipComplete !== again.shipComplete) differs.push({ field: '/shipComplete', message: 'differs from the order received with this externalId' });
  if (linesKey(received.lines.map((l) => ({ sku: l.sku, quantity: l.ordered }))) !== linesKey(again.lines)) {
    differs.push({ field: '/lines', message: 'differ from the order received with this externalId' });
  }
  return differs;
}
