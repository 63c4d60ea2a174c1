import { Type } from '@fastify/type-provider-typebox';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, WEBHOOK_SUBSCRIPTION_STATUSES } from '../../contracts/integrations.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { authorizeSiteOrAll, mayActEverywhere, type Principal } from '../../platform/http/auth.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { CAN } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, IdParam, Limit, Nullable, Page, SiteRef, Text, TextOrEmpty } from '../../platform/http/schemas.ts';
import { refuseJsonBody, utf8BodyText } from '../../platform/http/validation.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { ediRoutes } from './edi/http.ts';
import type { EdiService } from './edi/service.ts';
import { importRoutes } from './imports/http.ts';
import type { ImportService } from './imports/service.ts';
import type { IntegrationsService } from './service.ts';

const tags: Tag[] = ['Integrations'];
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

const EventTypes = Type.Array(Identifier(100), {
  minItems: 1, maxItems: 50,
  description: `Event types, or families ending in \`*\` (e.g. \`orders.order.*\`). Offered: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
});
const SubscriptionBody = Type.Object({
  // As an identifier: no white space at either end, no control nor invisible format character (a NUL failed as the
  // database's unnamed refusal; a bidi override was stored and shown to the next admin reading the list).
  url: Identifier(2000, { description: 'Where deliveries are POSTed (http or https)' }),
  eventTypes: EventTypes,
  siteId: Type.Optional(Identifier(64, { description: 'Only events of this site (id or code)' })),
  ownerId: Type.Optional(Identifier(64, { description: 'Only events of this owner (one of GET /owners; 422 UNKNOWN_OWNER otherwise)' })),
  description: Type.Optional(TextOrEmpty(500)),
}, {
  additionalProperties: false,
  examples: [{ url: 'http://localhost:9/paklog/webhooks', eventTypes: ['orders.order.*', 'pack-ship.shipment.dispatched.v1'], siteId: EXAMPLES.site }],
});
const SubscriptionSchema = Type.Object({
  id: Type.String(), url: Type.String(), eventTypes: Type.Array(Type.String()), siteId: Nullable(Type.String()), ownerId: Nullable(Type.String()),
  description: Nullable(Type.String()), status: Enum(WEBHOOK_SUBSCRIPTION_STATUSES),
  consecutiveFailures: Type.Integer({ description: 'Failed attempts in a row; at PAKLOG_WEBHOOK_MAX_FAILURES the subscription is DISABLED' }),
  disabledReason: Nullable(Type.String()), disabledAt: Nullable(DateTime), createdAt: DateTime, updatedAt: DateTime,
});
const CreatedSubscriptionSchema = Type.Object({
  ...SubscriptionSchema.properties,
  secret: Type.String({ description: 'The signing secret, shown this once: verify the PakLog-Signature header with it' }),
});
const DeliverySchema = Type.Object({
  id: Type.String(), subscriptionId: Type.String(), eventId: Type.String(), eventType: Type.String(),
  subject: Type.String({ description: 'The event subject; deliveries of one subscription and subject are sent in order' }),
  status: Enum(WEBHOOK_DELIVERY_STATUSES), attempts: Type.Integer(),
  nextAttemptAt: Nullable(DateTime), lastStatus: Nullable(Type.Integer({ description: 'The HTTP status of the last attempt; null for a network error' })),
  lastError: Nullable(Type.String()), createdAt: DateTime, deliveredAt: Nullable(DateTime),
  endedAt: Nullable(DateTime), // when it was ABANDONED or CANCELLED (null otherwise)
  endedBy: Nullable(Type.String({ description: 'Who abandoned it, or deleted its subscription' })),
  endReason: Nullable(Type.String({ description: 'Why: the reason given to abandon it, or "its webhook subscription was deleted"' })),
});
const DeliveryDetailSchema = Type.Object({
  ...DeliverySchema.properties,
  body: Type.String({ description: 'The JSON body sent (the event envelope)' }),
  attemptLog: Type.Array(Type.Object({
    attempt: Type.Integer(), at: DateTime, statusCode: Nullable(Type.Integer()), error: Nullable(Type.String()), durationMs: Type.Integer(),
  })),
});
const StorefrontAnswer = {
  orderId: Type.String(), externalId: Type.String(), duplicate: Type.Boolean({ description: 'Nothing changed: a redelivery, or the order as it was' }),
  topic: Type.String(), status: Nullable(Type.String({ description: "The order's status after it (null for a redelivery)" })),
  refused: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, {
    description: 'An orders/updated of an order that is cancelled or shipped (ORDER_CANCELLED, ORDER_SHIPPED), or an orders/cancelled of an order that '
      + 'shipped (ORDER_SHIPPED): acknowledged so the shop stops retrying, not applied, and raised as a STOREFRONT_CHANGE_REFUSED exception for the supervisors',
  })),
};
const ChannelSchema = Type.Object({ id: Type.String(), shopDomain: Type.String(), siteId: Type.String(), carrier: Type.String(), createdAt: DateTime });

type SubscriptionView = { disabledAt: Date | null; createdAt: Date; updatedAt: Date };
const subscriptionView = <S extends SubscriptionView>(s: S) => ({ ...s, disabledAt: iso(s.disabledAt), createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });
type DeliveryView = { seq: string | number; nextAttemptAt: Date; createdAt: Date; deliveredAt: Date | null; endedAt: Date | null; status: string };
const deliveryView = <D extends DeliveryView>({ seq: _seq, ...d }: D) => ({
  ...d, nextAttemptAt: d.status === 'PENDING' ? d.nextAttemptAt.toISOString() : null, createdAt: d.createdAt.toISOString(), deliveredAt: iso(d.deliveredAt),
  endedAt: iso(d.endedAt),
});
/** Who acts, as the delivery log shows it. */
const actor = (principal: Principal | undefined): string => principal?.name ?? 'unknown';

const SubscriptionParams = Type.Object({ id: IdParam('webhookSubscription', 'POST /integrations/webhook-subscriptions') }, { additionalProperties: false });
const DeliveryParams = Type.Object({ id: IdParam('webhookDelivery', 'GET /integrations/webhook-deliveries (items[].id)') }, { additionalProperties: false });

/** A Shopify `orders/create` payload, trimmed to what PakLog reads (other fields are accepted and ignored). */
const STOREFRONT_EXAMPLE = {
  id: 820982911946154500, name: '#1001', email: 'ada@example.com',
  line_items: [{ sku: EXAMPLES.newSku, quantity: 1, requires_shipping: true }],
  shipping_address: {
    name: 'Ada Lovelace', company: 'Analytical Engines Ltd', address1: '12 Analytical Row', address2: 'Floor 2', city: 'London',
    province: 'Greater London', zip: 'N1 7AA', country_code: 'GB', phone: '+44 20 7946 0000',
  },
};

export function integrationsRoutes(deps: PlatformDeps, service: IntegrationsService, edi: EdiService, imports: ImportService): (app: HttpApp) => Promise<void> {
  /** A list's site filter (id or code) as the site's id. */
  const siteOf = async (ref: string | undefined): Promise<string | undefined> =>
    (ref === undefined ? undefined : unwrap(await service.resolveSite(ref, '/querystring/siteId')));
  /** A subscription or delivery id names no site: the subscription's site decides (every site's: callers of every site only). */
  const ofSubscription = async (principal: Principal | undefined, id: string): Promise<void> => {
    const s = await service.siteOfSubscription(id);
    if (s !== undefined && principal !== undefined) authorizeSiteOrAll(principal, s.siteId, CAN.integrations);
  };
  const ofDelivery = async (principal: Principal | undefined, id: string): Promise<void> => {
    const s = await service.siteOfDelivery(id);
    if (s !== undefined && principal !== undefined) authorizeSiteOrAll(principal, s.siteId, CAN.integrations);
  };
  /** A subscription without a site receives every site's events: only a caller of every site may make one. */
  const everySiteNeedsAll = (principal: Principal | undefined, siteId: string | undefined): void => {
    if (siteId !== undefined || principal === undefined || mayActEverywhere(principal, CAN.integrations)) return;
    throw new AppError('SITE_REQUIRED', 'Name the site (siteId): a subscription without one receives every site\'s events, and this caller may act at some sites only', {
      errors: [{ field: '/siteId', message: 'is required of a caller of some sites only' }],
    });
  };
  return async (app) => {
    ediRoutes(deps, edi)(app);
    importRoutes(deps, imports)(app);
    // The storefront's HMAC signs the raw body: this context's routes keep it beside the parsed JSON.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      let raw: string;
      try {
        raw = utf8BodyText(req.headers['content-type'], body);
      } catch (e) {
        done(e as Error, undefined);
        return;
      }
      (req as unknown as { rawBody: string }).rawBody = raw;
      if (raw === '') return done(null, undefined);
      try {
        const value = JSON.parse(raw) as unknown;
        done(refuseJsonBody(raw, value) ?? null, value);
      } catch (e) {
        done(Object.assign(new Error(`the body is not JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
      }
    });

    app.post('/integrations/webhook-subscriptions', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'createWebhookSubscription', tags, summary: 'Subscribe a URL to events (outbound webhook)',
        description: 'Every matching event is POSTed to the URL, signed (PakLog-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">), '
          + 'retried with exponential backoff and jitter, in order per subject. The answer carries the signing `secret` — the only time it is shown. '
          + '422 UNKNOWN_EVENT_TYPE, WEBHOOK_URL_INVALID, UNKNOWN_SITE, UNKNOWN_OWNER (an `ownerId` that is not one of GET /owners; 503 '
          + 'INVENTORY_UNAVAILABLE when the inventory context cannot be asked). A caller of some sites only subscribes to one of its sites (`siteId`): '
          + 'without one, 403 SITE_REQUIRED (it would receive every site\'s events). See docs/operations/webhooks.md.',
        body: SubscriptionBody,
        response: { 201: CreatedSubscriptionSchema, ...problems('UNKNOWN_EVENT_TYPE', 'WEBHOOK_URL_INVALID', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'SITE_REQUIRED', 'INVENTORY_UNAVAILABLE') },
      },
    }, async (req, reply) => {
      everySiteNeedsAll(req.principal, req.body.siteId);
      return deps.idempotency.run(req, reply, 201, async () => subscriptionView(unwrap(await service.createSubscription(req.body))));
    });

    app.get('/integrations/webhook-subscriptions', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listWebhookSubscriptions', tags, summary: 'Webhook subscriptions',
        description: 'In creation order, paged by `limit` and `cursor`; the secret is never shown again. `siteId` (id or code): the subscriptions '
          + 'to that site\'s events, which a caller of some sites only names (403 SITE_REQUIRED); it reads, changes, enables, deletes and replays '
          + 'the deliveries of those alone (403 FORBIDDEN_AT_SITE; subscriptions to every site\'s events are for callers of every site).',
        querystring: Type.Object({ siteId: Type.Optional(SiteRef), limit: Limit(500, 100), cursor: Cursor }, { additionalProperties: false }),
        response: { 200: Page(SubscriptionSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const rows = await service.listSubscriptions(unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.idOf('whs'))), req.query.limit, await siteOf(req.query.siteId));
      return { items: rows.map(subscriptionView), nextCursor: nextCursor(rows, req.query.limit, (r) => r.id) };
    });

    app.get('/integrations/webhook-subscriptions/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'getWebhookSubscription', tags, summary: 'One webhook subscription',
        description: 'Its state: ACTIVE, or DISABLED with the reason after too many failures in a row. 404 NOT_FOUND.',
        params: SubscriptionParams, response: { 200: SubscriptionSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      await ofSubscription(req.principal, req.params.id);
      return subscriptionView(unwrap(await service.getSubscription(req.params.id)));
    });

    app.put('/integrations/webhook-subscriptions/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'updateWebhookSubscription', tags, summary: 'Change a webhook subscription',
        description: 'Replaces URL, event types and filters (the secret stays). Deliveries already recorded keep going to the new URL. '
          + '422 UNKNOWN_OWNER for an `ownerId` that is not one of GET /owners, as on create.',
        params: SubscriptionParams, body: SubscriptionBody,
        response: { 200: SubscriptionSchema, ...problems('NOT_FOUND', 'UNKNOWN_EVENT_TYPE', 'WEBHOOK_URL_INVALID', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'SITE_REQUIRED', 'INVENTORY_UNAVAILABLE') },
      },
    }, async (req) => {
      // Both the subscription's site now and the one it is given (the site guard checked a siteId in the body).
      await ofSubscription(req.principal, req.params.id);
      everySiteNeedsAll(req.principal, req.body.siteId);
      return subscriptionView(unwrap(await service.updateSubscription(req.params.id, req.body)));
    });

    app.post('/integrations/webhook-subscriptions/:id/enable', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'enableWebhookSubscription', tags, summary: 'Enable a disabled webhook subscription',
        description: 'ACTIVE again with its failure run reset; the deliveries that waited are sent at once, in order. An ACTIVE one is answered as it is.',
        params: SubscriptionParams, response: { 200: SubscriptionSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
      },
    }, async (req, reply) => {
      await ofSubscription(req.principal, req.params.id);
      return deps.idempotency.run(req, reply, 200, async () => subscriptionView(unwrap(await service.enableSubscription(req.params.id))));
    });

    app.delete('/integrations/webhook-subscriptions/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'deleteWebhookSubscription', tags, summary: 'Delete a webhook subscription',
        description: 'No more deliveries are recorded or sent for it; its delivery log stays readable, and its PENDING deliveries end CANCELLED '
          + '(who, when, why) in the same transaction. 404 NOT_FOUND.',
        params: SubscriptionParams,
        response: {
          200: Type.Object({ id: Type.String(), deleted: Type.Literal(true), cancelledDeliveries: Type.Integer({ description: 'Its PENDING deliveries, now CANCELLED' }) }),
          ...problems('NOT_FOUND'),
        },
      },
    }, async (req) => {
      await ofSubscription(req.principal, req.params.id);
      return unwrap(await service.deleteSubscription(req.params.id, actor(req.principal)));
    });

    app.get('/integrations/webhook-deliveries', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listWebhookDeliveries', tags, summary: 'The delivery log',
        description: 'Deliveries in creation order with their attempts, last status and next attempt; filtered by subscription, status, subject and '
          + 'site (`siteId`: the deliveries of the subscriptions to that site\'s events), which a caller of some sites only names (403 SITE_REQUIRED).',
        querystring: Type.Object({
          subscriptionId: Type.Optional(Identifier(64)),
          status: Type.Optional(Enum(WEBHOOK_DELIVERY_STATUSES)),
          subject: Type.Optional(Identifier(100)),
          siteId: Type.Optional(SiteRef),
          limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(DeliverySchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const q = req.query;
      const rows = await service.listDeliveries({ subscriptionId: q.subscriptionId, status: q.status, subject: q.subject, siteId: await siteOf(q.siteId) }, unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('whd'))), q.limit);
      return { items: rows.map(deliveryView), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    });

    app.get('/integrations/webhook-deliveries/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'getWebhookDelivery', tags, summary: 'One delivery with every attempt',
        description: 'The body sent and each attempt: when, the HTTP status (null for a network error), the error, how long it took. 404 NOT_FOUND.',
        params: DeliveryParams, response: { 200: DeliveryDetailSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      await ofDelivery(req.principal, req.params.id);
      const d = unwrap(await service.getDelivery(req.params.id));
      return { ...deliveryView(d), attemptLog: d.attemptLog.map((a) => ({ ...a, at: a.at.toISOString() })) };
    });

    app.post('/integrations/webhook-deliveries/:id/replay', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'replayWebhookDelivery', tags, summary: 'Send a delivery again',
        description: 'Manual replay: the delivery is PENDING and due now (a delivered one is sent again with the same event id; receivers '
          + 'deduplicate on it). It still waits for older deliveries of its subscription and subject (and, while the subscription is DISABLED, for it '
          + 'to be enabled). An ABANDONED one is PENDING again, its end cleared. One whose attempt is under way is answered alike and sent again '
          + 'once that attempt has ended (never twice at once). 404 NOT_FOUND; 409 WEBHOOK_SUBSCRIPTION_DELETED for a delivery of '
          + 'a deleted subscription (CANCELLED: nothing would send it).',
        params: DeliveryParams, response: { 200: DeliverySchema, ...problems('NOT_FOUND', 'WEBHOOK_SUBSCRIPTION_DELETED') },
      },
    }, async (req, reply) => {
      await ofDelivery(req.principal, req.params.id);
      return deps.idempotency.run(req, reply, 200, async () => deliveryView(unwrap(await service.replayDelivery(req.params.id))));
    });

    app.post('/integrations/webhook-deliveries/:id/abandon', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'abandonWebhookDelivery', tags, summary: 'Give a delivery up',
        description: 'For a delivery its receiver refuses for good: it ends ABANDONED (endedAt, endedBy, endReason) and is never sent again '
          + 'unless replayed, and the later deliveries of its subscription and subject, which waited behind it, go on. A DISABLED subscription '
          + 'stays so until it is enabled. 404 NOT_FOUND; 409 WEBHOOK_DELIVERY_NOT_PENDING for one DELIVERED, ABANDONED or CANCELLED.',
        params: DeliveryParams,
        body: Type.Object({
          reason: Text(500, { description: 'Why it is given up (shown in the delivery log)' }),
        }, { additionalProperties: false, examples: [{ reason: 'The ERP refuses this order for good (unknown customer); keyed in by hand' }] }),
        response: { 200: DeliverySchema, ...problems('NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_PENDING') },
      },
    }, async (req, reply) => {
      await ofDelivery(req.principal, req.params.id);
      return deps.idempotency.run(req, reply, 200, async () => deliveryView(unwrap(await service.abandonDelivery(req.params.id, actor(req.principal), req.body.reason))));
    });

    app.post('/integrations/storefront-channels', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'createStorefrontChannel', tags, summary: 'Connect a storefront (shop) to a site',
        description: 'Orders its webhooks send (POST /integrations/storefront/orders, X-Shopify-Shop-Domain = shopDomain) go to this site and carrier. '
          + 'The `secret` (given, e.g. the shop\'s webhook signing secret, or generated) is answered this once. 409 CHANNEL_EXISTS, 422 UNKNOWN_SITE, 422 SITE_INACTIVE (a deactivated site takes no orders), 422 UNKNOWN_CARRIER (a carrier pack & ship cannot book), '
          + '409 CHANNEL_PREFIX_TAKEN (another connected shop\'s domain starts with the same label, or the label is `edi-<ISA id>…` of an EDI '
          + 'trading partner: its order ids, `<LABEL>-<id>` or `EDI-<ISA id>-<number>`, would be this shop\'s).',
        body: Type.Object({
          shopDomain: Identifier(255, { description: 'e.g. my-shop.myshopify.com' }),
          siteId: Identifier(64, { description: 'Site id or code' }),
          carrier: Type.Optional(Identifier(64, { description: 'A carrier PakLog can book; default OWN_FLEET' })),
          secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200, description: 'The shared secret; generated when absent' })),
        }, { additionalProperties: false, examples: [{ shopDomain: 'walkthrough-shop.myshopify.com', siteId: EXAMPLES.site, secret: 'shpss_walkthrough_secret_0001' }] }),
        response: { 201: Type.Object({ ...ChannelSchema.properties, secret: Type.String() }), ...problems('CHANNEL_EXISTS', 'CHANNEL_PREFIX_TAKEN', 'UNKNOWN_SITE', 'SITE_INACTIVE', 'UNKNOWN_CARRIER') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => {
      const ch = unwrap(await service.createChannel(req.body));
      return { ...ch, createdAt: ch.createdAt.toISOString() };
    }));

    app.get('/integrations/storefront-channels', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listStorefrontChannels', tags, summary: 'Storefront channels',
        description: 'Shops connected to sites, in creation order (secrets are never shown again); `siteId` (id or code): the shops of one site, '
          + 'which a caller of some sites only names (403 SITE_REQUIRED otherwise).',
        querystring: Type.Object({ siteId: Type.Optional(SiteRef), limit: Limit(500, 100), cursor: Cursor }, { additionalProperties: false }),
        response: { 200: Page(ChannelSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const rows = await service.listChannels(unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.idOf('sfc'))), req.query.limit, await siteOf(req.query.siteId));
      return { items: rows.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })), nextCursor: nextCursor(rows, req.query.limit, (r) => r.id) };
    });

    app.delete('/integrations/storefront-channels/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'deleteStorefrontChannel', tags, summary: 'Disconnect a storefront channel',
        description: 'The way to change a channel (its site, carrier or secret) or retire it: the shop\'s webhooks are answered 401 '
          + 'WEBHOOK_SIGNATURE_INVALID from now on, as an unknown shop\'s, and the shop may be connected again (POST) with what it should have. '
          + 'Orders it brought stay as they are; a webhook it delivered before and sends again after a reconnection is answered by the order '
          + 'intake\'s idempotency on the order id (the same order, or 409 ORDER_CONFLICT when the channel now names another site: never a '
          + 'second order). A caller of some sites disconnects only its sites\' channels. 404 NOT_FOUND.',
        params: Type.Object({ id: IdParam('storefrontChannel', 'POST /integrations/storefront-channels') }, { additionalProperties: false }),
        response: { 200: Type.Object({ ...ChannelSchema.properties, deleted: Type.Literal(true) }), ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      const s = await service.siteOfChannel(req.params.id);
      if (s !== undefined && req.principal !== undefined) authorizeSiteOrAll(req.principal, s.siteId, CAN.integrations);
      const ch = unwrap(await service.deleteChannel(req.params.id));
      return { ...ch, createdAt: ch.createdAt.toISOString() };
    });

    app.post('/integrations/storefront/orders', {
      // Public: the storefront signs the body instead (X-Shopify-Hmac-Sha256 with the channel's secret).
      config: { public: true },
      schema: {
        operationId: 'receiveStorefrontOrder', tags, summary: 'Inbound storefront order webhook (Shopify style)',
        description: 'Authenticated by the base64 HMAC-SHA256 of the raw body with the channel\'s secret (X-Shopify-Hmac-Sha256) for the shop '
          + 'named by X-Shopify-Shop-Domain: 401 WEBHOOK_SIGNATURE_INVALID otherwise. Idempotent on X-Shopify-Webhook-Id (a replayed delivery '
          + 'answers 200 with the same order, duplicate true) and on the order id (externalId `<SHOP>-<id>`: an orders/create of an order received '
          + 'already is 200 duplicate true, also when an orders/updated or a reprioritise changed its lines, ship-to or priority since). The payload is mapped to '
          + 'POST /orders: line_items (sku, quantity) and shipping_address (name, company, address1/2, city, province, zip, country_code, phone), '
          + 'email. 422 STOREFRONT_PAYLOAD_INVALID or the intake\'s codes. X-Shopify-Topic `orders/updated` replaces the ship-to and the lines of an '
          + 'order not yet waved (changed lines are allocated anew; 409 ORDER_IN_FULFILMENT after; an unknown order is received; one whose updated_at is older than the last applied update\'s is 200 duplicate true and changes nothing; a change of a cancelled or shipped order is answered 200 with `refused`, changes nothing and raises a STOREFRONT_CHANGE_REFUSED exception, since no retry could apply it); '
          + '`orders/cancelled` cancels it at any stage before dispatch (a cancelled order: answered as it is; once shipped: 200 with `refused` ORDER_SHIPPED, '
          + 'nothing changed, a STOREFRONT_CHANGE_REFUSED exception; 409 ORDER_SHIPPING while a SHIP scan decides at the dock). Absent: `orders/create`. See ADRs 0040, 0046.',
        headers: Type.Object({
          'x-shopify-shop-domain': Type.String({ minLength: 1, maxLength: 255 }),
          'x-shopify-hmac-sha256': Type.String({ minLength: 1, maxLength: 200 }),
          'x-shopify-webhook-id': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          'x-shopify-topic': Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'orders/create (default), orders/updated, orders/cancelled' })),
        }),
        // A third party's payload: fields PakLog does not read are accepted (and ignored), unlike PakLog's own bodies.
        body: Type.Object({}, { additionalProperties: true, examples: [STOREFRONT_EXAMPLE], description: 'A Shopify orders/create payload' }),
        response: {
          200: Type.Object(StorefrontAnswer, { description: 'Answered before (same webhook id or order), or an update or cancellation applied' }),
          201: Type.Object(StorefrontAnswer, { description: 'The order was received' }),
          ...problems('WEBHOOK_SIGNATURE_INVALID', 'NOT_FOUND', 'ORDER_IN_FULFILMENT', 'ORDER_ON_HOLD', 'ORDER_CHANGE_NOT_SUPPORTED', 'ORDER_CANCELLED', 'ORDER_SHIPPED', 'ORDER_SHIPPING', 'STOREFRONT_PAYLOAD_INVALID', 'ORDER_INTAKE_UNAVAILABLE', 'UNKNOWN_SITE', 'SITE_INACTIVE', 'UNKNOWN_SKU', 'PRODUCT_INACTIVE', 'UNKNOWN_CARRIER', 'ORDER_CONFLICT', 'UNPROCESSABLE'),
        },
      },
    }, async (req, reply) => {
      const header = (name: string): string | undefined => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const answer = unwrap(await service.storefrontOrder({
        shopDomain: header('x-shopify-shop-domain'), hmac: header('x-shopify-hmac-sha256'), webhookId: header('x-shopify-webhook-id'), topic: header('x-shopify-topic'),
        rawBody: (req as unknown as { rawBody?: string }).rawBody ?? '', body: req.body,
      }, requestMeta(req)));
      const created = answer.topic === 'orders/create' && !answer.duplicate;
      return reply.status(created ? 201 : 200).send({ orderId: answer.orderId, externalId: answer.externalId, duplicate: answer.duplicate, topic: answer.topic, status: answer.status, ...(answer.refused === undefined ? {} : { refused: answer.refused }) });
    });
  };
}
