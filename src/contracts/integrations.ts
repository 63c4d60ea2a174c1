/**
 * integrations: outbound webhooks (subscriptions, signed deliveries, retries) and inbound storefront webhooks
 * (ADR 0034, docs/operations/webhooks.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { ErrorSpecs } from '../platform/errors.ts';
import { InventoryEvents } from './inventory.ts';
import { OrderEvents } from './orders.ts';
import { PackShipEvents } from './pack-ship.ts';

export const WEBHOOK_SUBSCRIPTION_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookSubscriptionStatus = (typeof WEBHOOK_SUBSCRIPTION_STATUSES)[number];

/**
 * PENDING until sent; DELIVERED on a 2xx; ABANDONED by a person (POST …/abandon: its subject's later deliveries go on);
 * CANCELLED when its subscription is deleted. The last two are final unless replayed (an ABANDONED one only).
 */
export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'ABANDONED', 'CANCELLED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const IntegrationsEvents = {
  subscriptionDisabled: 'integrations.subscription.disabled.v1',
  subscriptionEnabled: 'integrations.subscription.enabled.v1',
  subscriptionDeleted: 'integrations.subscription.deleted.v1',
  partnerMessageFailed: 'integrations.partner-message.failed.v1',
  partnerMessageRecovered: 'integrations.partner-message.recovered.v1',
  ediDocumentRecorded: 'integrations.edi-document.recorded.v1',
  erpFileRejected: 'integrations.erp-inbound-file.rejected.v1',
  erpFileImported: 'integrations.erp-inbound-file.imported.v1',
  storefrontChangeRefused: 'integrations.storefront-change.refused.v1',
} as const;

/**
 * The event types a webhook subscription may ask for: every order event, the shipment events of pack & ship, inventory's
 * stock events and the EDI document events. A subscription may also name a family with a trailing `*` (`orders.order.*`).
 */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...Object.values(OrderEvents),
  PackShipEvents.shipmentCreated, PackShipEvents.shipmentDispatched, PackShipEvents.orderPacked, PackShipEvents.shippingStopped,
  ...Object.values(InventoryEvents).filter((t) => t.startsWith('inventory.stock.')),
  // Each EDI document received or written (a 997, TA1, 945, 856 to fetch), so a partner's system need not poll (ADR 0040).
  IntegrationsEvents.ediDocumentRecorded,
];

/** EDI X12 documents PakLog reads (940, 943) and writes (997, 945, 856, 944, TA1) (ADR 0037, 0040). */
export const EDI_DOCUMENT_TYPES = ['940', '943', '997', '945', '856', '944', 'TA1'] as const;
export const EDI_DIRECTIONS = ['IN', 'OUT'] as const;
export const EDI_DOCUMENT_STATUSES = ['ACCEPTED', 'PARTLY_ACCEPTED', 'REJECTED', 'GENERATED'] as const;

/** What a CSV import loads (ADR 0037) and what `paklog export` writes. */
export const IMPORT_KINDS = ['products', 'locations', 'stock', 'orders'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The payload of every integrations event, by type name; the description says when it is emitted. */
export const IntegrationsEventSchemas = {
  [IntegrationsEvents.subscriptionDisabled]: Type.Object({
    subscriptionId: Type.String(), url: Type.String(),
    consecutiveFailures: Type.Integer({ description: 'Failed attempts in a row when it was disabled (PAKLOG_WEBHOOK_MAX_FAILURES)' }),
    reason: Type.String({ description: 'The last failure: an HTTP status or a network error' }),
  }, { description: 'A webhook subscription failed PAKLOG_WEBHOOK_MAX_FAILURES deliveries in a row and was disabled; its deliveries wait until it is enabled again.' }),
  [IntegrationsEvents.subscriptionEnabled]: Type.Object({
    subscriptionId: Type.String(), url: Type.String(),
  }, { description: 'A DISABLED webhook subscription was enabled again (POST /integrations/webhook-subscriptions/{id}/enable): its waiting deliveries are sent.' }),
  [IntegrationsEvents.subscriptionDeleted]: Type.Object({
    subscriptionId: Type.String(), url: Type.String(),
    cancelledDeliveries: Type.Integer({ description: 'Its PENDING deliveries, ended CANCELLED with it' }),
  }, { description: 'A webhook subscription was deleted (DELETE /integrations/webhook-subscriptions/{id}): nothing is sent to it any more.' }),
  [IntegrationsEvents.partnerMessageFailed]: Type.Object({
    messageId: Type.String(), partner: Type.String({ description: 'ERP or TMS' }), kind: Type.String({ description: 'What the message is (SHIPMENT_CONFIRMATION, LOAD_BOOKING, …)' }),
    subject: Type.String({ description: 'What it is about (a shipment id, …)' }), idempotencyKey: Type.String(),
    attempts: Type.Integer(), error: Type.String({ description: 'The last attempt\'s error' }),
  }, { description: 'A message to the ERP or TMS failed PAKLOG_PARTNER_MAX_ATTEMPTS attempts and is FAILED: nothing sends it until it is replayed (POST /integrations/partner-messages/{id}/replay).' }),
  [IntegrationsEvents.partnerMessageRecovered]: Type.Object({
    messageId: Type.String(), partner: Type.String(), kind: Type.String(), subject: Type.String(), attempts: Type.Integer(),
  }, { description: 'A message to the ERP or TMS that had FAILED was delivered after its replay.' }),
  [IntegrationsEvents.ediDocumentRecorded]: Type.Object({
    documentId: Type.String(), partnerId: Type.String(),
    direction: Type.Enum(EDI_DIRECTIONS), docType: Type.String({ description: 'X12 transaction set: 940, 943 in; 997, 945, 856, 944 out; TA1 (interchange acknowledgement) out' }),
    status: Type.Enum(EDI_DOCUMENT_STATUSES, { description: 'For a 940 or 943: ACCEPTED, PARTLY_ACCEPTED or REJECTED (its 997 says why); GENERATED for what PakLog wrote' }),
    orderIds: List(Type.String()), references: List(Type.String({ description: "The partner's order numbers (W05-02, W05-03) and PakLog's shipment ids" })),
  }, { description: 'An EDI document was received (POST /edi/x12) or generated (a 997 for each interchange, a 945 and an 856 when an EDI order ships); fetch it with GET /edi/documents/{id}.' }),
  [IntegrationsEvents.erpFileRejected]: Type.Object({
    fileId: Type.String({ description: 'The file in GET /integrations/erp/inbound-files' }),
    name: Type.String({ description: 'The dropped file\'s name: it is in error/ (a suffix .1, .2… when that name was there), beside <name>.errors.json' }),
    kind: Type.String({ description: 'items, asns or unknown (a name PakLog does not take)' }), rows: Type.Integer(),
    errorCount: Type.Integer(),
    errors: List(Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() }), { description: 'The first 10 row errors' }),
    siteIds: List(Type.String(), { description: 'The sites its ASNs named (none for an item master)' }),
  }, { description: 'A file dropped into the file-drop ERP\'s inbox/ had rows in error and was moved to error/, nothing of it imported (an ERP_FILE_REJECTED exception).' }),
  [IntegrationsEvents.erpFileImported]: Type.Object({
    fileId: Type.String(), name: Type.String(), kind: Type.String({ description: 'items or asns' }), rows: Type.Integer(),
    siteIds: List(Type.String(), { description: 'The sites its ASNs named (none for an item master)' }),
  }, { description: 'A file dropped into the file-drop ERP\'s inbox/ was imported and moved to processed/ (an ERP_FILE_REJECTED case of the same file name clears).' }),
  [IntegrationsEvents.storefrontChangeRefused]: Type.Object({
    channelId: Type.String(), shopDomain: Type.String(), siteId: Type.String(),
    orderId: Type.String(), externalId: Type.String({ description: 'The order\'s externalId (`<SHOP>-<id>`)' }),
    topic: Type.String({ description: 'The webhook topic: orders/updated (a change of an order cancelled or shipped), orders/cancelled (a cancel of an order shipped)' }),
    webhookId: Type.Optional(Type.String({ description: 'X-Shopify-Webhook-Id of the delivery, when sent' })),
    code: Type.String({ description: 'Why the order did not take the change: ORDER_CANCELLED or ORDER_SHIPPED (always ORDER_SHIPPED for orders/cancelled)' }), message: Type.String(),
  }, { description: 'A storefront webhook changing an order that is cancelled or shipped, or cancelling one that shipped, was acknowledged (200, so the shop stops retrying) and not applied (a STOREFRONT_CHANGE_REFUSED exception).' }),
} as const;

export type StorefrontChangeRefused = Static<(typeof IntegrationsEventSchemas)[typeof IntegrationsEvents.storefrontChangeRefused]>;
export type SubscriptionDisabled = Static<(typeof IntegrationsEventSchemas)[typeof IntegrationsEvents.subscriptionDisabled]>;

/** Coded errors of integrations. */
export const IntegrationsErrors = {
  WEBHOOK_SIGNATURE_INVALID: { status: 401, title: 'The webhook signature does not match the body' },
  UNKNOWN_EVENT_TYPE: { status: 422, title: 'A webhook subscription names an event type PakLog does not offer' },
  WEBHOOK_URL_INVALID: { status: 422, title: 'A webhook URL must be http(s), without credentials, to an address PakLog may send to' },
  STOREFRONT_PAYLOAD_INVALID: { status: 422, title: 'The storefront order cannot be mapped to an order' },
  CHANNEL_EXISTS: { status: 409, title: 'A storefront channel with this shop domain exists' },
  CHANNEL_PREFIX_TAKEN: { status: 409, title: 'Another connected shop\'s domain starts with the same label: its order ids would be this shop\'s' },
  WEBHOOK_SUBSCRIPTION_DELETED: { status: 409, title: 'The delivery\'s webhook subscription was deleted: nothing sends its deliveries' },
  WEBHOOK_DELIVERY_NOT_PENDING: { status: 409, title: 'The webhook delivery is no longer pending (DELIVERED, ABANDONED or CANCELLED): there is nothing to abandon' },
  ORDER_INTAKE_UNAVAILABLE: { status: 503, title: 'The orders context does not run in this process' },
  INVENTORY_UNAVAILABLE: { status: 503, title: 'The inventory context is not reachable from this process (EDI 943 → ASN, a webhook\'s owner filter)' },
  EDI_INTERCHANGE_INVALID: { status: 422, title: 'The X12 interchange envelope (ISA … IEA) cannot be read; no 997 can answer it' },
  EDI_PARTNER_UNKNOWN: { status: 422, title: 'The interchange sender (ISA05/ISA06) is not a trading partner' },
  EDI_PARTNER_EXISTS: { status: 409, title: 'A trading partner with this ISA qualifier and id exists' },
  EDI_PARTNER_ID_TAKEN: { status: 409, title: 'A trading partner with this ISA id (under another qualifier) exists: its order ids would be this partner\'s' },
  PARTNER_PORT_OFF: { status: 409, title: 'No ERP or TMS of this kind is configured (PAKLOG_ERP, PAKLOG_TMS)' },
  ERP_INBOUND_INVALID: { status: 422, title: 'The ERP document has rows in error; nothing was imported' },
  SNAPSHOT_UNAVAILABLE: { status: 503, title: 'The inventory context does not run in this process' },
  TRACKING_UNAVAILABLE: { status: 503, title: 'The pack-ship context does not run in this process' },
  IMPORT_ROWS_INVALID: { status: 422, title: 'The CSV file has rows in error; nothing was imported' },
  IMPORT_UNAVAILABLE: { status: 503, title: 'The context this import writes to does not run in this process' },
} as const satisfies ErrorSpecs;

/** The header PakLog signs every webhook delivery with. */
export const PAKLOG_SIGNATURE_HEADER = 'PakLog-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` — the value of the PakLog-Signature header. */
export function signPakLog(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * For receivers: true when `header` (PakLog-Signature) signs the raw `body` with `secret` and its timestamp is within
 * `toleranceS` seconds of `now` (replay protection). Compares in constant time; any `v1=` of the header may match
 * (several are sent while a secret is rotated).
 */
export function verifyPakLogSignature(secret: string, header: string | undefined, body: string, toleranceS = 300, now: Date = new Date()): boolean {
  if (header === undefined) return false;
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceS) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  return parts.filter(([k]) => k === 'v1').some(([, v]) => {
    const given = Buffer.from(v ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Shopify's scheme: base64 HMAC-SHA256 of the raw body (X-Shopify-Hmac-Sha256), compared in constant time. */
export function verifyShopifyHmac(secret: string, header: string | undefined, rawBody: string | Buffer): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('base64'));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
