import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import {
  IntegrationsEvents, PAKLOG_SIGNATURE_HEADER, signPakLog, verifyShopifyHmac, type StorefrontChangeRefused,
} from '../../contracts/integrations.ts';
import { PublishedEvents } from '../../contracts/events.ts';
import { resolveOwnerId, type InventoryApi } from '../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import type { OrderCommands, OrderStatus } from '../../contracts/orders.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { EventEnvelope, EventMeta } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import { backgroundWork } from '../../platform/jobs.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import {
  mapStorefrontOrder, orderIdError, payloadFieldErrors, shopUpdatedAt, STOREFRONT_TOPICS, storefrontExternalId, withExactOrderId, type StorefrontOrder,
} from './domain/storefront.ts';
import { DestinationRefused, guardedLookup, urlProblem, type DestinationPolicy } from './domain/destination.ts';
import { eventOwner, matchesType, retryDelayMs, subscriptionLifecycle, unknownPatterns, type RetryPolicy } from './domain/webhooks.ts';
import { integrationsStore as store, type Channel, type Delivery, type DeliveryFilter, type DueDelivery, type Subscription } from './store.ts';

export interface WebhookSettings extends RetryPolicy {
  /** Failed attempts in a row after which a subscription is disabled (PAKLOG_WEBHOOK_MAX_FAILURES). */
  readonly maxFailures: number;
  /** How long a receiver may take to answer, milliseconds (PAKLOG_WEBHOOK_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Delivery attempts under way at once in a process, side by side (a run of the delivery job claims into the room left). */
  readonly batch: number;
  /** Where deliveries may go (PAKLOG_WEBHOOK_ALLOW_PRIVATE; link-local never). */
  readonly destinations: DestinationPolicy;
}

export interface SubscriptionInput {
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly siteId?: string | undefined;
  readonly ownerId?: string | undefined;
  readonly description?: string | undefined;
}

/** What a storefront webhook request carries, as the route read it. */
export interface StorefrontRequest {
  readonly shopDomain: string | undefined;
  readonly webhookId: string | undefined;
  readonly hmac: string | undefined;
  /** X-Shopify-Topic: `orders/create` (also when absent), `orders/updated`, `orders/cancelled`. */
  readonly topic?: string | undefined;
  readonly rawBody: string;
  readonly body: unknown;
}

/** The event types whose payload declares an `ownerId` (absent there: the default owner). */
const OWNER_AWARE_TYPES: ReadonlySet<string> = new Set(Object.entries(PublishedEvents.schemas)
  .filter(([, schema]) => Object.hasOwn((schema as { properties?: object }).properties ?? {}, 'ownerId')).map(([type]) => type));

/**
 * An ORDER_CONFLICT of a storefront order whose differences are only what changes an order after its intake — its lines
 * and ship-to (an `orders/updated`, a line change), its priority (a supervisor's reprioritise): the shop's order is the
 * one received. A site, owner or carrier of its own is another channel's order (409 as it was). The intake compares a
 * create with the create that made the order (ADR 0040 addendum integ4): what remains here is an order an
 * `orders/updated` made (its late create differs in lines or ship-to), and `/priority` of an order from before orders
 * migration 011.
 */
const onlyChangedSinceIntake = (errors: readonly { field: string }[] | undefined): boolean =>
  errors !== undefined && errors.length > 0 && errors.every((e) => e.field === '/lines' || e.field === '/shipTo' || e.field === '/priority');

/** An order's refusals of a storefront change no retry can ever lift: the order is cancelled or has shipped. */
const FINAL_ORDER_REFUSALS: ReadonlySet<string> = new Set(['ORDER_CANCELLED', 'ORDER_SHIPPED']);

const newSecret = (prefix: string): string => `${prefix}_${randomBytes(24).toString('hex')}`;

/** What a shop's order ids start with (`<PREFIX>-<id>`): its domain's first label, upper-cased; one shop per prefix. */
export const channelPrefix = (shopDomain: string): string => `${shopDomain.split('.')[0]?.toUpperCase() ?? 'SHOP'}-`;

/** The URL without credentials, for messages (a refused URL's user:password is not echoed back). */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'the URL';
  }
}

/**
 * integrations: webhook subscriptions, the deliveries their events become (written in the event handler's transaction)
 * and the job that sends them; storefront channels and their inbound order webhooks.
 */
export function integrationsService(
  deps: PlatformDeps,
  apis: {
    locations: Pick<LocationMasterApi, 'getSite'>; orders: () => OrderCommands | undefined;
    /** Inventory's owners, in this process or over gRPC (undefined: neither): a subscription's `ownerId` names one of them. */
    inventory: () => Pick<InventoryApi, 'getOwner'> | undefined;
    /** The carriers pack & ship can book, here or over gRPC: a storefront channel's carrier is one of them. */
    packShip: Pick<PackShipApi, 'bookableCarriers'>;
  },
  settings: WebhookSettings,
) {
  const now = (): Date => deps.clock.now();
  /** The delivery attempts under way in this process: at most `batch` at once. */
  const attempts = backgroundWork(settings.batch);

  /** The owner filter as an owner inventory knows (null: none); 422 UNKNOWN_OWNER on `/ownerId` otherwise, nothing written. */
  async function checkOwner(ownerId: string | undefined): Promise<Outcome<string | null>> {
    if (ownerId === undefined) return ok(null);
    let inventory: Pick<InventoryApi, 'getOwner'> | undefined;
    try {
      inventory = apis.inventory();
    } catch {
      inventory = undefined; // a split process without inventory in PAKLOG_RPC_PEERS
    }
    if (inventory === undefined) {
      return reject('INVENTORY_UNAVAILABLE', 'a subscription\'s ownerId is checked against the owners inventory knows: run the inventory context in this process, '
        + 'or name its gRPC address in PAKLOG_RPC_PEERS');
    }
    return resolveOwnerId(inventory, ownerId, null);
  }

  async function checkSubscription(input: SubscriptionInput): Promise<Outcome<{ siteId: string | null; ownerId: string | null }>> {
    const problem = urlProblem(input.url, settings.destinations);
    if (problem !== undefined) return reject('WEBHOOK_URL_INVALID', `${redactedUrl(input.url)}: ${problem}`, [{ field: '/url', message: problem }]);
    const unknown = unknownPatterns(input.eventTypes);
    if (unknown.length > 0) {
      return reject('UNKNOWN_EVENT_TYPE', `no offered event type matches ${unknown.join(', ')}`,
        unknown.map((p) => ({ field: `/eventTypes/${input.eventTypes.indexOf(p)}`, message: `${p} matches no event type PakLog offers (see docs/operations/webhooks.md)` })));
    }
    const site = input.siteId === undefined ? ok(null) : await resolveSiteId(apis.locations, input.siteId);
    if (!site.ok) return site;
    const owner = await checkOwner(input.ownerId);
    return owner.ok ? ok({ siteId: site.value, ownerId: owner.value }) : owner;
  }

  async function createSubscription(input: SubscriptionInput): Promise<Outcome<Subscription & { secret: string }>> {
    const checked = await checkSubscription(input);
    if (!checked.ok) return checked;
    const secret = newSecret('whsec');
    const sub = await store.insertSubscription(deps.db, {
      id: deps.ids.next('whs'), url: input.url, eventTypes: [...new Set(input.eventTypes)], siteId: checked.value.siteId,
      ownerId: checked.value.ownerId, description: input.description ?? null, secret, now: now(),
    });
    return ok({ ...sub, secret });
  }

  async function updateSubscription(id: string, input: SubscriptionInput): Promise<Outcome<Subscription>> {
    const checked = await checkSubscription(input);
    if (!checked.ok) return checked;
    const sub = await store.updateSubscription(deps.db, id, {
      url: input.url, eventTypes: [...new Set(input.eventTypes)], siteId: checked.value.siteId, ownerId: checked.value.ownerId,
      description: input.description ?? null, now: now(),
    });
    return sub === undefined ? reject('NOT_FOUND', `no webhook subscription ${id}`) : ok(sub);
  }

  async function getSubscription(id: string): Promise<Outcome<Subscription>> {
    const sub = await store.subscription(deps.db, id);
    return sub === undefined ? reject('NOT_FOUND', `no webhook subscription ${id}`) : ok(sub);
  }

  /**
   * Deletes a subscription and, in the same transaction, ends its PENDING deliveries CANCELLED (`by`, when, why):
   * nothing would ever send them, and the delivery log says so instead of a next attempt that never comes.
   */
  async function deleteSubscription(id: string, by: string): Promise<Outcome<{ id: string; deleted: true; cancelledDeliveries: number }>> {
    return deps.db.tx(async (tx) => {
      const at = now();
      const deleted = await store.deleteSubscription(tx, id, at);
      if (deleted === undefined) return reject('NOT_FOUND', `no webhook subscription ${id}`);
      const cancelledDeliveries = await store.cancelPending(tx, id, by, 'its webhook subscription was deleted', at);
      // A WEBHOOK_DISABLED case about it clears (orchestration hears this): nothing is sent to it any more.
      await deps.bus.append(tx, 'integrations', [{
        type: IntegrationsEvents.subscriptionDeleted, subject: id, ...(deleted.siteId === null ? {} : { siteId: deleted.siteId }),
        data: { subscriptionId: id, url: deleted.url, cancelledDeliveries },
      }], {});
      return ok({ id, deleted: true as const, cancelledDeliveries });
    });
  }

  /** A disabled subscription made ACTIVE again: its failure run starts over, its waiting deliveries are due at once. */
  async function enableSubscription(id: string): Promise<Outcome<Subscription>> {
    return deps.db.tx(async (tx) => {
      const sub = await store.subscription(tx, id, true);
      if (sub === undefined) return reject('NOT_FOUND', `no webhook subscription ${id}`);
      if (sub.status === 'ACTIVE') return ok(sub);
      const move = subscriptionLifecycle.check(sub.status, 'ACTIVE');
      if (!move.ok) return move;
      const enabled = await store.setStatus(tx, id, 'ACTIVE', null, now());
      await store.dueNow(tx, id, now());
      // The supervisors' WEBHOOK_DISABLED case about it clears (orchestration hears this).
      await deps.bus.append(tx, 'integrations', [{
        type: IntegrationsEvents.subscriptionEnabled, subject: id, ...(enabled.siteId === null ? {} : { siteId: enabled.siteId }),
        data: { subscriptionId: id, url: enabled.url },
      }], {});
      return ok(enabled);
    });
  }

  /**
   * Each event becomes one delivery per live subscription that takes its type, site and owner, in the handler's
   * transaction (the events' inbox entries commit with it: a redelivered event adds nothing, and the unique key holds
   * too). A run of events reads the subscriptions once and writes its deliveries in one statement, in the run's order:
   * a subscription takes the events handled after it is committed, a run's events all as of its first.
   */
  async function recordEvents(tx: Tx, events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const subs = await store.liveSubscriptions(tx);
    const deliveries: Parameters<typeof store.insertDeliveries>[1][number][] = [];
    for (const event of events) {
      const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
      const siteId = event.siteid ?? (typeof data.siteId === 'string' ? data.siteId : undefined);
      const ownerId = eventOwner(event.type, data, OWNER_AWARE_TYPES);
      let body: string | undefined;
      for (const s of subs) {
        if (!matchesType(s.eventTypes, event.type)) continue;
        if (s.siteId !== null && s.siteId !== siteId) continue;
        if (s.ownerId !== null && s.ownerId !== ownerId) continue;
        body ??= JSON.stringify(event);
        deliveries.push({ id: deps.ids.next('whd'), subscriptionId: s.id, eventId: event.id, eventType: event.type, subject: event.subject, body });
      }
    }
    await store.insertDeliveries(tx, deliveries, now());
  }

  /**
   * One POST of a delivery: the status code, or the network error. Through node:http(s) with `guardedLookup`, so the
   * address connected to is the one the destination policy judged; redirects are not followed.
   */
  function post(d: { url: string; secret: string; id: string; eventId: string; eventType: string; body: string }): Promise<{ status: number | null; error: string | null; ms: number }> {
    const t0 = performance.now();
    const ms = (): number => Math.round(performance.now() - t0);
    return new Promise((resolve) => {
      let settled = false;
      const done = (status: number | null, error: string | null): void => {
        if (settled) return;
        settled = true;
        resolve({ status, error, ms: ms() });
      };
      const problem = urlProblem(d.url, settings.destinations);
      if (problem !== undefined) {
        done(null, `DESTINATION_REFUSED: ${problem}`);
        return;
      }
      const url = new URL(d.url);
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        // One deadline for the whole exchange (the receiver's answer may trickle), and one for a silent socket.
        method: 'POST', lookup: guardedLookup(settings.destinations), timeout: settings.timeoutMs, signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'content-type': 'application/json', 'content-length': Buffer.byteLength(d.body), 'user-agent': 'PakLog-Webhooks/1',
          [PAKLOG_SIGNATURE_HEADER]: signPakLog(d.secret, d.body, Math.floor(now().getTime() / 1000)),
          'PakLog-Event-Id': d.eventId, 'PakLog-Event-Type': d.eventType, 'PakLog-Delivery-Id': d.id,
        },
      }, (res) => {
        res.resume();
        res.on('error', () => undefined);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          done(status, status >= 200 && status < 300 ? null : `HTTP ${status}`);
        });
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer in ${settings.timeoutMs} ms`), { code: 'TIMEOUT' })));
      request.on('error', (e: Error & { code?: string }) => {
        const timedOut = e.code === 'TIMEOUT' || e.name === 'AbortError';
        done(null, e instanceof DestinationRefused ? `DESTINATION_REFUSED: ${e.message}` : timedOut ? `no answer in ${settings.timeoutMs} ms` : (e.code ?? e.message));
      });
      request.end(d.body);
    });
  }

  /**
   * The delivery job: claims the due heads of their chains (lease: another process does not send them meanwhile) into
   * the room left of `batch` attempts under way, and starts them side by side; each records its answer when it comes: a
   * failure schedules the next attempt with backoff and jitter, and the subscription's run of failures reaching
   * `maxFailures` disables it (event + visible state). The run does not wait for the answers (`settled` does): waiting,
   * one receiver holding its request held every other delivery until its timeout, the ones a killed process had leased
   * too (ADR 0034 addendum webhookflake). Answers how many attempts it started; throws what failed in earlier ones.
   */
  async function deliverDue(): Promise<number> {
    const room = attempts.room();
    const claimed = room === 0 ? [] : await store.claimDue(deps.db, now(), settings.timeoutMs + 10_000, room);
    for (const d of claimed) attempts.start(() => sendOne(d));
    attempts.rethrow();
    return claimed.length;
  }

  /** One attempt of a claimed delivery, and its answer recorded. */
  async function sendOne(d: DueDelivery): Promise<void> {
    const answer = await post(d);
    const attempt = d.attempts + 1;
    const at = now();
    await deps.db.tx(async (tx) => {
      await store.recordAttempt(tx, { deliveryId: d.id, attempt, at, statusCode: answer.status, error: answer.error, durationMs: answer.ms });
      if (answer.error === null) {
        await store.markDelivered(tx, d.id, attempt, answer.status ?? 0, at);
        await store.succeeded(tx, d.subscriptionId);
        return;
      }
      await store.markFailed(tx, d.id, attempt, answer.status, answer.error, new Date(at.getTime() + retryDelayMs(settings, attempt, Math.random())));
      // A subscription deleted while this attempt was under way: nothing is sent to it any more, so it is not disabled
      // (a WEBHOOK_DISABLED case raised now would name a subscription no enable or delete can clear).
      const run = await store.failed(tx, d.subscriptionId);
      if (run !== undefined && run.status === 'ACTIVE' && run.consecutiveFailures >= settings.maxFailures) {
        const reason = `${run.consecutiveFailures} failed deliveries in a row, the last: ${answer.error}`;
        subscriptionLifecycle.assertCan('ACTIVE', 'DISABLED');
        await store.setStatus(tx, d.subscriptionId, 'DISABLED', reason, at);
        deps.log.warn({ subscriptionId: d.subscriptionId, url: run.url, reason }, 'webhook subscription disabled');
        await deps.bus.append(tx, 'integrations', [{
          type: IntegrationsEvents.subscriptionDisabled, subject: d.subscriptionId, ...(run.siteId === null ? {} : { siteId: run.siteId }),
          data: { subscriptionId: d.subscriptionId, url: run.url, consecutiveFailures: run.consecutiveFailures, reason: answer.error },
        }], {});
      }
    });
  }

  async function getDelivery(id: string): Promise<Outcome<Delivery & { body: string; attemptLog: Awaited<ReturnType<typeof store.attempts>> }>> {
    const d = await store.delivery(deps.db, id);
    if (d === undefined) return reject('NOT_FOUND', `no webhook delivery ${id}`);
    return ok({ ...d, attemptLog: await store.attempts(deps.db, id) });
  }

  /**
   * Manual replay: the delivery is sent again (a DELIVERED or ABANDONED one too, PENDING again with its end cleared), as
   * soon as it heads its chain. One of a deleted subscription (CANCELLED, or ended before) is refused (409 WEBHOOK_SUBSCRIPTION_DELETED, unchanged): nothing would ever send it.
   */
  async function replayDelivery(id: string): Promise<Outcome<Delivery>> {
    const d = await store.requeue(deps.db, id, now());
    if (d !== undefined) return ok(d);
    const seen = await store.delivery(deps.db, id);
    if (seen === undefined) return reject('NOT_FOUND', `no webhook delivery ${id}`);
    return reject('WEBHOOK_SUBSCRIPTION_DELETED', `delivery ${id} belongs to webhook subscription ${seen.subscriptionId}, which was deleted: nothing sends its `
      + 'deliveries. Subscribe the URL again for new events; the body of this one is in GET /integrations/webhook-deliveries/{id}');
  }

  /**
   * A person gives a PENDING delivery up (a receiver that refuses it for good): ABANDONED with who, when and why, final
   * unless replayed; the later deliveries of its subscription and subject are no longer held behind it. The subscription
   * keeps its state (a DISABLED one is enabled apart). 409 WEBHOOK_DELIVERY_NOT_PENDING for one that is not PENDING.
   */
  async function abandonDelivery(id: string, by: string, reason: string): Promise<Outcome<Delivery>> {
    return deps.db.tx(async (tx) => {
      const d = await store.lockDelivery(tx, id);
      if (d === undefined) return reject('NOT_FOUND', `no webhook delivery ${id}`);
      if (d.status !== 'PENDING') {
        return reject('WEBHOOK_DELIVERY_NOT_PENDING', `delivery ${id} is ${d.status}${d.endedBy === null ? '' : ` (by ${d.endedBy}: ${d.endReason ?? ''})`}: `
          + (d.status === 'CANCELLED' ? 'its subscription was deleted' : 'only a PENDING delivery can be abandoned'));
      }
      return ok(await store.abandon(tx, id, by, reason, now()));
    });
  }

  const listDeliveries = (f: DeliveryFilter, after: string | null, limit: number) => store.deliveries(deps.db, f, after, limit);

  async function createChannel(input: { shopDomain: string; siteId: string; carrier?: string | undefined; secret?: string | undefined }): Promise<Outcome<Channel & { secret: string }>> {
    // A deactivated site takes no new orders (ADR 0045): a channel to it could only bring orders it refuses.
    const site = await resolveSiteId(apis.locations, input.siteId, '/siteId', { active: true });
    if (!site.ok) return site;
    // The order intake refuses a carrier pack & ship cannot book: a channel naming one could only bring orders it refuses.
    const carrier = input.carrier ?? 'OWN_FLEET';
    const bookable = await apis.packShip.bookableCarriers();
    if (!bookable.includes(carrier)) {
      return reject('UNKNOWN_CARRIER', `PakLog cannot book carrier ${carrier}; bookable carriers: ${bookable.join(', ')}`, [
        { field: '/carrier', message: `is not a bookable carrier (${bookable.join(', ')})` },
      ]);
    }
    const secret = input.secret ?? newSecret('sfsec');
    const shopDomain = input.shopDomain.toLowerCase();
    return deps.db.tx(async (tx) => {
      // A shop's orders are known by `<PREFIX>-<id>` (the domain's first label): two shops of one prefix would send one
      // another's order ids, so the second could never bring an order of its own in, and could cancel the first's.
      // A trading partner's orders are `EDI-<ISA id>-<number>`: a shop labelled edi-<ISA id>… would name its orders alike
      // (the partner's 940 cancel would cancel the shop's order). Both locks, in the order createPartner takes them.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.edi-isa-id'))`);
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.storefront-prefix'))`);
      const prefix = channelPrefix(shopDomain);
      const taken = await store.channelDomainWithPrefix(tx, prefix);
      if (taken !== undefined && taken !== shopDomain) {
        return reject('CHANNEL_PREFIX_TAKEN', `the channel of ${taken} names its orders ${prefix}…: a channel for ${shopDomain} would name its own alike`, [
          { field: '/shopDomain', message: `its first label (${prefix.slice(0, -1).toLowerCase()}) is another connected shop's` },
        ]);
      }
      const partnerId = await store.partnerIsaIdUnder(tx, prefix);
      if (partnerId !== undefined) {
        return reject('CHANNEL_PREFIX_TAKEN', `the EDI trading partner ${partnerId} names its orders EDI-${partnerId}-…: a channel for ${shopDomain} would name its own ${prefix}…`, [
          { field: '/shopDomain', message: `its first label (${prefix.slice(0, -1).toLowerCase()}) names orders as a trading partner's (EDI-${partnerId}-…)` },
        ]);
      }
      const ch = await store.insertChannel(tx, { id: deps.ids.next('sfc'), shopDomain, siteId: site.value, carrier, secret, now: now() });
      return ch === undefined ? reject('CHANNEL_EXISTS', `a channel for ${input.shopDomain} exists`, [{ field: '/shopDomain', message: 'has a channel already' }]) : ok({ ...ch, secret });
    });
  }

  /**
   * Disconnects a storefront channel, the way out of one made with the wrong site or carrier, whose secret leaked, or
   * whose site was deactivated (every order it brought refused): the shop's webhooks are then 401 as an unknown shop's,
   * and the shop may be connected again (POST) with what it should have. Orders it brought stay as they are.
   */
  async function deleteChannel(id: string): Promise<Outcome<Channel & { deleted: true }>> {
    const gone = await deps.db.tx((tx) => store.deleteChannel(tx, id));
    return gone === undefined ? reject('NOT_FOUND', `no storefront channel ${id}`) : ok({ ...gone, deleted: true as const });
  }

  /**
   * An inbound storefront order webhook: the shop's channel, the HMAC of the raw body with its secret, then — unless
   * this webhook id was answered already — by topic: `orders/create` maps the payload and hands it to the order intake
   * (idempotent on externalId: two deliveries racing still make one order); `orders/updated` changes the order's
   * ship-to before it is waved (ADR 0040; an order never received is received); `orders/cancelled` cancels it at any
   * stage before dispatch (a cancelled order's cancel again: answered as it is). A refusal (409 ORDER_IN_FULFILMENT,
   * ORDER_SHIPPING…) is answered as such: the storefront sees the failure and retries. Except a change of an order that
   * is cancelled or shipped (ORDER_CANCELLED, ORDER_SHIPPED), and a cancel of a shipped one (ORDER_SHIPPED): no retry can
   * ever apply it, and a shop retries a non-2xx delivery for ever, so it is acknowledged 200 with `refused` (code and message),
   * changing nothing, and recorded as `integrations.storefront-change.refused.v1` — a STOREFRONT_CHANGE_REFUSED exception
   * in the supervisors' queue — with the delivery's webhook id, in one transaction (ADR 0011 addendum 2026-12-07 bis).
   */
  async function storefrontOrder(req: StorefrontRequest, meta: EventMeta): Promise<Outcome<{ orderId: string; externalId: string; status: OrderStatus | null; duplicate: boolean; topic: string; refused?: { code: string; message: string } }>> {
    const channel = req.shopDomain === undefined ? undefined : await store.channelByDomain(deps.db, req.shopDomain.toLowerCase());
    // An unknown shop and a bad signature get the same answer: a forger learns nothing about which shops exist.
    if (channel === undefined || !verifyShopifyHmac(channel.secret, req.hmac, req.rawBody)) {
      return reject('WEBHOOK_SIGNATURE_INVALID', 'the X-Shopify-Hmac-Sha256 header does not sign this body for this shop (X-Shopify-Shop-Domain)');
    }
    const topic = req.topic ?? STOREFRONT_TOPICS.create;
    if (!(Object.values(STOREFRONT_TOPICS) as string[]).includes(topic)) {
      return reject('STOREFRONT_PAYLOAD_INVALID', `topic ${topic} is not taken (${Object.values(STOREFRONT_TOPICS).join(', ')})`, [{ field: '/headers/x-shopify-topic', message: 'is not a topic PakLog takes' }]);
    }
    if (req.webhookId !== undefined) {
      const seen = await store.inbound(deps.db, channel.id, req.webhookId);
      if (seen !== undefined) return ok({ orderId: seen.orderId, externalId: seen.externalId, status: null, duplicate: true, topic });
    }
    const orders = apis.orders();
    if (orders === undefined) return reject('ORDER_INTAKE_UNAVAILABLE', 'run the orders context in the process that runs integrations');
    const body = withExactOrderId((typeof req.body === 'object' && req.body !== null ? req.body : {}), req.rawBody);
    const prefix = channelPrefix(channel.shopDomain);
    const answered = await inShopOrder(orders, topic, body, { siteId: channel.siteId, carrier: channel.carrier, prefix }, meta);
    if (!answered.ok) return answered;
    const refused = answered.value.refused;
    if (refused !== undefined) {
      const v = answered.value;
      const data: StorefrontChangeRefused = {
        channelId: channel.id, shopDomain: channel.shopDomain, siteId: channel.siteId, orderId: v.orderId, externalId: v.externalId, topic,
        ...(req.webhookId === undefined ? {} : { webhookId: req.webhookId }), code: refused.code, message: refused.message,
      };
      deps.log.warn({ shop: channel.shopDomain, orderId: v.orderId, topic, code: refused.code }, 'storefront: a change of a final order was acknowledged and not applied');
      await deps.db.tx(async (tx) => {
        if (req.webhookId !== undefined) {
          // A delivery answered already (two racing) is refused once: only the one that records its webhook id publishes.
          const seen = await store.inbound(tx, channel.id, req.webhookId);
          if (seen !== undefined) return;
          await store.recordInbound(tx, { channelId: channel.id, webhookId: req.webhookId, orderId: v.orderId, externalId: v.externalId, now: now() });
        }
        await deps.bus.append(tx, 'integrations', [{ type: IntegrationsEvents.storefrontChangeRefused, subject: v.orderId, siteId: channel.siteId, data }], meta);
      });
      return ok({ ...v, topic });
    }
    if (req.webhookId !== undefined) {
      await store.recordInbound(deps.db, { channelId: channel.id, webhookId: req.webhookId, orderId: answered.value.orderId, externalId: answered.value.externalId, now: now() });
    }
    return ok({ ...answered.value, topic });
  }

  /**
   * Shopify does not deliver a shop's webhooks in order, and retries a failed one for up to 48 hours: an `orders/updated`
   * that carries the shop's `updated_at` is applied only when it is no older than the last change applied to the order
   * (`storefront_order_versions`), decided and applied under a lock of the order's externalId in ONE unit of work (the
   * order's change joins it); an older one is acknowledged as a duplicate and changes nothing — the shop's later edit
   * stays. Before, the last to arrive won: a retried first edit put back the address or lines a second edit had changed.
   */
  async function inShopOrder(
    orders: OrderCommands, topic: string, body: StorefrontOrder, channel: { siteId: string; carrier: string; prefix: string }, meta: EventMeta,
  ): ReturnType<typeof storefrontTopic> {
    const at = topic === STOREFRONT_TOPICS.updated ? shopUpdatedAt(body) : undefined;
    const externalId = storefrontExternalId(body, channel.prefix);
    if (at === undefined || externalId === undefined) return storefrontTopic(orders, topic, body, channel, meta);
    const inOrder = async (): ReturnType<typeof storefrontTopic> => {
      await deps.db.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.storefront-order'), hashtext($1))`, [externalId]);
      const last = await store.shopVersion(deps.db, externalId);
      if (last !== undefined && last.getTime() > at.getTime()) {
        const orderId = await orders.orderIdOf(externalId, channel.siteId);
        if (orderId !== undefined) {
          deps.log.info({ externalId, updatedAt: at.toISOString(), applied: last.toISOString() }, 'storefront: an update older than the one applied was acknowledged and not applied');
          return ok({ orderId, externalId, status: null, duplicate: true });
        }
      }
      const answered = await storefrontTopic(orders, topic, body, channel, meta);
      if (answered.ok && answered.value.refused === undefined) await store.recordShopVersion(deps.db, externalId, at, now());
      return answered;
    };
    return deps.db.openTx() === undefined ? deps.db.unitOfWork(inOrder) : inOrder();
  }

  async function storefrontTopic(
    orders: OrderCommands, topic: string, body: StorefrontOrder, channel: { siteId: string; carrier: string; prefix: string }, meta: EventMeta,
    again = false,
  ): Promise<Outcome<{ orderId: string; externalId: string; status: OrderStatus | null; duplicate: boolean; refused?: { code: string; message: string } }>> {
    if (topic === STOREFRONT_TOPICS.cancelled) {
      const externalId = storefrontExternalId(body, channel.prefix);
      if (externalId === undefined) {
        const error = orderIdError(body) ?? { field: '/id', message: 'is required' };
        return reject('STOREFRONT_PAYLOAD_INVALID', `the storefront order's id ${error.message}`, [error]);
      }
      const orderId = await orders.orderIdOf(externalId, channel.siteId);
      if (orderId === undefined) return reject('NOT_FOUND', `no order ${externalId} was received from this shop`);
      const reason = typeof body.cancel_reason === 'string' && body.cancel_reason !== '' ? `storefront: ${body.cancel_reason}` : 'cancelled by the storefront';
      const cancelled = await orders.cancel(orderId, reason, meta);
      if (cancelled.ok) return ok({ orderId, externalId, status: cancelled.value.status, duplicate: false });
      // Shipped: the cancel can never apply, as a change of a final order cannot. Acknowledged (refused), so the shop stops
      // retrying. ORDER_SHIPPING (a SHIP scan deciding at the dock) is answered 409: a retry gets the final answer.
      if (cancelled.code === 'ORDER_SHIPPED') return ok({ orderId, externalId, status: null, duplicate: false, refused: { code: cancelled.code, message: cancelled.message } });
      return cancelled;
    }
    const mapped = mapStorefrontOrder(body, channel);
    if (mapped.intake === undefined) return reject('STOREFRONT_PAYLOAD_INVALID', 'the storefront order cannot be mapped', mapped.errors);
    const externalId = mapped.intake.externalId;
    if (topic === STOREFRONT_TOPICS.updated) {
      const updated = await orders.update(mapped.intake, meta);
      if (updated.ok) return ok({ orderId: updated.value.orderId, externalId, status: updated.value.status, duplicate: !updated.value.changed });
      if (FINAL_ORDER_REFUSALS.has(updated.code)) {
        // The order is cancelled or shipped: the change can never apply. Acknowledged (refused), so the shop stops retrying.
        const orderId = await orders.orderIdOf(externalId, channel.siteId);
        if (orderId !== undefined) {
          return ok({ orderId, externalId, status: updated.code === 'ORDER_CANCELLED' ? 'CANCELLED' : null, duplicate: false, refused: { code: updated.code, message: updated.message } });
        }
      }
      if (updated.code !== 'NOT_FOUND') return updated.errors === undefined ? updated : { ...updated, errors: payloadFieldErrors(body, mapped.intake, updated.errors) };
      // An update of an order never received (its create was lost or is late): the order as it is now is received.
    }
    const received = await orders.receive(mapped.intake, meta);
    if (!received.ok && received.code === 'ORDER_CONFLICT' && onlyChangedSinceIntake(received.errors)) {
      // The shop's order was received since with other lines or ship-to: by a create racing this update, or by an
      // update that came before this (late) create. An update applies to it now; a create is the same order, acknowledged
      // as a duplicate (its content is older than what an update brought). Before, 409 ORDER_CONFLICT for ever.
      if (topic === STOREFRONT_TOPICS.updated && !again) return storefrontTopic(orders, topic, body, channel, meta, true);
      const orderId = await orders.orderIdOf(externalId, channel.siteId);
      if (orderId !== undefined) return ok({ orderId, externalId, status: null, duplicate: true });
    }
    if (!received.ok) return received.errors === undefined ? received : { ...received, errors: payloadFieldErrors(body, mapped.intake, received.errors) };
    return ok({ orderId: received.value.orderId, externalId, status: received.value.status, duplicate: !received.value.created });
  }

  return {
    createSubscription, updateSubscription, getSubscription, deleteSubscription, enableSubscription,
    listSubscriptions: (after: string | null, limit: number, siteId?: string) => store.subscriptions(deps.db, after, limit, siteId),
    /** The site of a live subscription (null: every site's events); undefined when there is none. */
    siteOfSubscription: async (id: string): Promise<{ siteId: string | null } | undefined> => {
      const s = await store.subscription(deps.db, id);
      return s === undefined ? undefined : { siteId: s.siteId };
    },
    siteOfDelivery: (id: string) => store.siteOfDelivery(deps.db, id),
    /** The id of the site a reference (id or code) names, or UNKNOWN_SITE naming `field`. */
    resolveSite: (ref: string, field: string) => resolveSiteId(apis.locations, ref, field),
    recordEvents, deliverDue,
    /** Resolves once the delivery attempts under way have ended (the delivery job's `settle`). */
    deliveriesSettled: () => attempts.settled(),
    getDelivery, replayDelivery, abandonDelivery, listDeliveries,
    createChannel, deleteChannel, siteOfChannel: (id: string) => store.siteOfChannel(deps.db, id),
    listChannels: (after: string | null, limit: number, siteId?: string) => store.channels(deps.db, after, limit, siteId),
    storefrontOrder,
  };
}

export type IntegrationsService = ReturnType<typeof integrationsService>;
