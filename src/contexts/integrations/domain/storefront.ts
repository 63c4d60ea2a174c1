import type { OrderIntake } from '../../../contracts/orders.ts';
import type { FieldError } from '../../../platform/errors.ts';

/** The fields of a Shopify-style order webhook PakLog reads (everything else is ignored). */
export interface StorefrontOrder {
  readonly id?: unknown;
  readonly name?: unknown;
  readonly email?: unknown;
  readonly line_items?: unknown;
  readonly shipping_address?: unknown;
  readonly cancel_reason?: unknown;
  readonly updated_at?: unknown;
}

/**
 * The shop's `updated_at` of the order (an ISO 8601 instant with its offset, as Shopify writes it), undefined when the
 * payload carries none that reads as one: then changes are applied in the order they arrive, as before.
 */
export function shopUpdatedAt(o: StorefrontOrder): Date | undefined {
  if (typeof o.updated_at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(o.updated_at)) return undefined;
  const at = new Date(o.updated_at);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** The order webhook topics (X-Shopify-Topic) PakLog takes. */
export const STOREFRONT_TOPICS = { create: 'orders/create', updated: 'orders/updated', cancelled: 'orders/cancelled' } as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/**
 * A storefront order's id as text: a non-blank string, or a whole number ≥ 0 written in digits (a number beyond 2^53 − 1
 * is read exactly by {@link withExactOrderId} first). A fraction or a negative number is no order id (undefined).
 */
const orderIdText = (v: unknown): string | undefined => (typeof v === 'number' ? (Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined) : str(v));

/** The field error of a storefront order's id, undefined when it has a usable one. */
export function orderIdError(o: StorefrontOrder): FieldError | undefined {
  if (orderIdText(o.id) !== undefined) return undefined;
  return typeof o.id === 'number' ? { field: '/id', message: 'must be a whole number ≥ 0 or a string' } : { field: '/id', message: 'is required' };
}

/** The PakLog externalId of a storefront order: `<prefix><id>`, as the intake received it. */
export function storefrontExternalId(o: StorefrontOrder, prefix: string): string | undefined {
  const id = orderIdText(o.id);
  return id === undefined ? undefined : `${prefix}${id}`.slice(0, 100);
}

/**
 * The payload with its top-level `id` as the digits the shop sent, when that id is a JSON integer above 2^53 − 1: a
 * JavaScript number holds such an integer only to about 16 digits, so Shopify's own test order 820982911946154508 was
 * read as 820982911946154500 — and so was 820982911946154555, another order: the second was answered as a duplicate of
 * the first and never received. Read from the raw body (the one the HMAC signs); anything else is left as parsed.
 */
export function withExactOrderId(o: StorefrontOrder, rawBody: string): StorefrontOrder {
  if (typeof o.id !== 'number' || Number.isSafeInteger(o.id)) return o;
  const digits = topLevelNumber(rawBody, 'id');
  return digits !== undefined && /^(0|[1-9][0-9]*)$/.test(digits) ? { ...o, id: digits } : o;
}

/** The text of the number a JSON object's top-level member `key` holds (its key written without escapes), or undefined. */
function topLevelNumber(json: string, key: string): string | undefined {
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const text = json.slice(i + 1, j);
      i = j;
      if (depth === 1 && expectKey) {
        expectKey = false;
        const value = /^\s*:\s*(-?[0-9][0-9.eE+-]*)/.exec(json.slice(j + 1, j + 1 + 400));
        if (text === key && value !== null) return value[1];
      }
    } else if (c === '{' || c === '[') {
      depth += 1;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth -= 1;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return undefined;
}

/**
 * A Shopify-style order → PakLog's order intake: externalId `<prefix><id>`, one line per SKU (quantities of repeated
 * SKUs added up), the shipping address as the ship-to. Field errors name the payload's JSON pointers.
 */
export function mapStorefrontOrder(o: StorefrontOrder, channel: { siteId: string; carrier: string; prefix: string }): { intake?: OrderIntake; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const id = orderIdText(o.id);
  const idError = orderIdError(o);
  if (idError !== undefined) errors.push(idError);
  const quantities = new Map<string, number>();
  if (!Array.isArray(o.line_items) || o.line_items.length === 0) errors.push({ field: '/line_items', message: 'must list at least one item' });
  else {
    o.line_items.forEach((raw: unknown, i) => {
      const item = (typeof raw === 'object' && raw !== null ? raw : {}) as { sku?: unknown; quantity?: unknown; requires_shipping?: unknown };
      if (item.requires_shipping === false) return;
      const sku = str(item.sku);
      if (sku === undefined) errors.push({ field: `/line_items/${i}/sku`, message: 'is required (PakLog ships by SKU)' });
      if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity) || item.quantity < 1) errors.push({ field: `/line_items/${i}/quantity`, message: 'must be a positive integer' });
      else if (sku !== undefined) quantities.set(sku, (quantities.get(sku) ?? 0) + item.quantity);
    });
  }
  const a = (typeof o.shipping_address === 'object' && o.shipping_address !== null ? o.shipping_address : undefined) as Record<string, unknown> | undefined;
  if (a === undefined) errors.push({ field: '/shipping_address', message: 'is required' });
  const name = str(a?.name) ?? ([str(a?.first_name), str(a?.last_name)].filter((x) => x !== undefined).join(' ') || undefined);
  for (const [field, value] of [['name', name], ['address1', str(a?.address1)], ['city', str(a?.city)], ['zip', str(a?.zip)]] as const) {
    if (a !== undefined && value === undefined) errors.push({ field: `/shipping_address/${field}`, message: 'is required' });
  }
  const country = str(a?.country_code)?.toUpperCase();
  if (a !== undefined && (country === undefined || !/^[A-Z]{2}$/.test(country))) errors.push({ field: '/shipping_address/country_code', message: 'must be an ISO 3166-1 alpha-2 code' });
  if (errors.length > 0 || id === undefined || a === undefined) return { errors };
  const optional = (key: string, value: string | undefined): Record<string, string> => (value === undefined ? {} : { [key]: value });
  const intake: OrderIntake = {
    externalId: storefrontExternalId(o, channel.prefix) ?? '',
    siteId: channel.siteId,
    carrier: channel.carrier,
    shipTo: {
      name: name ?? '', line1: str(a.address1) ?? '', city: str(a.city) ?? '', postalCode: str(a.zip) ?? '', country: country ?? '',
      ...optional('company', str(a.company)), ...optional('line2', str(a.address2)),
      ...optional('state', str(a.province_code) ?? str(a.province)),
      ...optional('phone', str(a.phone)), ...optional('email', str(o.email)),
    },
    lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })),
  };
  return { intake, errors };
}

/** The payload's member each intake ship-to field is read from (`mapStorefrontOrder`). */
const SHIP_TO_MEMBERS: Readonly<Record<string, string>> = {
  name: '/shipping_address/name', company: '/shipping_address/company', line1: '/shipping_address/address1', line2: '/shipping_address/address2',
  city: '/shipping_address/city', state: '/shipping_address/province_code', postalCode: '/shipping_address/zip', country: '/shipping_address/country_code',
  phone: '/shipping_address/phone', email: '/email',
};

/**
 * The order intake's field errors as pointers into the shop's payload, the fields its sender knows: `/lines/0/quantity`
 * is the SKU's last line item that ships (`/line_items/1/quantity`; several items of one SKU are one line of their sum,
 * said in the message), `/shipTo/postalCode` is `/shipping_address/zip`. Others are left as they are.
 */
export function payloadFieldErrors(o: StorefrontOrder, intake: OrderIntake, errors: readonly FieldError[]): FieldError[] {
  const items = Array.isArray(o.line_items) ? o.line_items as unknown[] : [];
  return errors.map((e) => {
    const line = /^\/lines\/([0-9]+)\/(quantity|sku)$/.exec(e.field);
    if (line !== null) {
      const sku = intake.lines[Number(line[1])]?.sku;
      const of = items.flatMap((raw, i) => {
        const item = (typeof raw === 'object' && raw !== null ? raw : {}) as { sku?: unknown; quantity?: unknown; requires_shipping?: unknown };
        return item.requires_shipping !== false && str(item.sku) === sku ? [{ i, quantity: typeof item.quantity === 'number' ? item.quantity : 0 }] : [];
      });
      const last = of.at(-1);
      if (last === undefined) return e;
      const sum = of.length > 1 && line[2] === 'quantity'
        ? ` (${sku ?? ''} on line items ${of.map((x) => x.i).join(', ')} adds up to ${of.reduce((a, x) => a + x.quantity, 0)})` : '';
      return { field: `/line_items/${last.i}/${line[2]}`, message: `${e.message}${sum}` };
    }
    const shipTo = /^\/shipTo\/([A-Za-z0-9]+)$/.exec(e.field);
    const member = shipTo === null ? undefined : SHIP_TO_MEMBERS[shipTo[1]!];
    return member === undefined ? e : { field: member, message: e.message };
  });
}

