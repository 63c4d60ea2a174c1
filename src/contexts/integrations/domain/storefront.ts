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
}

/** The order webhook topics (X-Shopify-Topic) PakLog takes. */
export const STOREFRONT_TOPICS = { create: 'orders/create', updated: 'orders/updated', cancelled: 'orders/cancelled' } as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** The PakLog externalId of a storefront order: `<prefix><id>`, as the intake received it. */
export function storefrontExternalId(o: StorefrontOrder, prefix: string): string | undefined {
  const id = str(o.id);
  return id === undefined ? undefined : `${prefix}${id}`.slice(0, 100);
}

/**
 * A Shopify-style order → PakLog's order intake: externalId `<prefix><id>`, one line per SKU (quantities of repeated
 * SKUs added up), the shipping address as the ship-to. Field errors name the payload's JSON pointers.
 */
export function mapStorefrontOrder(o: StorefrontOrder, channel: { siteId: string; carrier: string; prefix: string }): { intake?: OrderIntake; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const id = str(o.id);
  if (id === undefined) errors.push({ field: '/id', message: 'is required' });
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
