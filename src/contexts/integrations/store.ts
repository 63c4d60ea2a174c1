import type { Executor } from '../../platform/db/database.ts';
import type { Camelized, Narrowed, Selectable } from '../../platform/db/row-types.ts';
import type { WebhookDeliveryStatus, WebhookSubscriptionStatus } from '../../contracts/integrations.ts';
import type {
  IntegrationsDeliveries, IntegrationsDeliveryAttempts, IntegrationsInboundWebhooks, IntegrationsStorefrontChannels, IntegrationsSubscriptions,
} from './db-types.ts';

type SubscriptionRow = Narrowed<Camelized<Pick<Selectable<IntegrationsSubscriptions>,
  'id' | 'url' | 'event_types' | 'site_id' | 'owner_id' | 'description' | 'status' | 'consecutive_failures' | 'disabled_reason' | 'disabled_at' | 'created_at' | 'updated_at'>>,
  { status: WebhookSubscriptionStatus }>;
export type Subscription = SubscriptionRow;
export type SubscriptionWithSecret = SubscriptionRow & { readonly secret: string };

const SUB_COLUMNS = `id, url, event_types AS "eventTypes", site_id AS "siteId", owner_id AS "ownerId", description, status,
  consecutive_failures AS "consecutiveFailures", disabled_reason AS "disabledReason", disabled_at AS "disabledAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export type Delivery = Narrowed<Camelized<Pick<Selectable<IntegrationsDeliveries>,
  'id' | 'seq' | 'subscription_id' | 'event_id' | 'event_type' | 'subject' | 'status' | 'attempts' | 'next_attempt_at' | 'last_status' | 'last_error' | 'created_at' | 'delivered_at'
  | 'ended_at' | 'ended_by' | 'end_reason'>>,
  { status: WebhookDeliveryStatus }>;
const DEL_COLUMNS = `id, seq, subscription_id AS "subscriptionId", event_id AS "eventId", event_type AS "eventType", subject, status, attempts,
  next_attempt_at AS "nextAttemptAt", last_status AS "lastStatus", last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt",
  ended_at AS "endedAt", ended_by AS "endedBy", end_reason AS "endReason"`;

/** DEL_COLUMNS of the delivery `d` in a statement that joins its subscription (whose id, status and created_at clash). */
const DEL_COLUMNS_D = `d.id, d.seq, d.subscription_id AS "subscriptionId", d.event_id AS "eventId", d.event_type AS "eventType", d.subject, d.status,
  d.attempts, d.next_attempt_at AS "nextAttemptAt", d.last_status AS "lastStatus", d.last_error AS "lastError", d.created_at AS "createdAt",
  d.delivered_at AS "deliveredAt", d.ended_at AS "endedAt", d.ended_by AS "endedBy", d.end_reason AS "endReason"`;

export type Attempt = Camelized<Pick<Selectable<IntegrationsDeliveryAttempts>, 'attempt' | 'at' | 'status_code' | 'error' | 'duration_ms'>>;

/** A delivery claimed for sending: what goes on the wire, with the subscription's URL and secret. */
export type DueDelivery = Camelized<Pick<Selectable<IntegrationsDeliveries>, 'id' | 'subscription_id' | 'event_id' | 'event_type' | 'body' | 'attempts'>>
  & Camelized<Pick<Selectable<IntegrationsSubscriptions>, 'url' | 'secret'>>;

export type Channel = Camelized<Pick<Selectable<IntegrationsStorefrontChannels>, 'id' | 'shop_domain' | 'site_id' | 'carrier' | 'created_at'>>;
export type ChannelWithSecret = Channel & { readonly secret: string };
const CH_COLUMNS = `id, shop_domain AS "shopDomain", site_id AS "siteId", carrier, created_at AS "createdAt"`;

export interface DeliveryFilter {
  readonly subscriptionId?: string | undefined;
  readonly status?: WebhookDeliveryStatus | undefined;
  readonly subject?: string | undefined;
  readonly siteId?: string | undefined;
}

export type InboundWebhook = Camelized<Pick<Selectable<IntegrationsInboundWebhooks>, 'order_id' | 'external_id'>>;

export const integrationsStore = {
  async insertSubscription(db: Executor, s: { id: string; url: string; eventTypes: readonly string[]; siteId: string | null; ownerId: string | null; description: string | null; secret: string; now: Date }): Promise<Subscription> {
    const rows = await db.query<Subscription>(
      `INSERT INTO integrations.subscriptions (id, url, event_types, site_id, owner_id, description, secret, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8, $8) RETURNING ${SUB_COLUMNS}`,
      [s.id, s.url, s.eventTypes, s.siteId, s.ownerId, s.description, s.secret, s.now]);
    return rows[0]!;
  },
  async subscription(db: Executor, id: string, lock = false): Promise<Subscription | undefined> {
    return (await db.query<Subscription>(`SELECT ${SUB_COLUMNS} FROM integrations.subscriptions WHERE id = $1 AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
  },
  /** `siteId`: the subscriptions to that site's events (not those to every site's). */
  async subscriptions(db: Executor, after: string | null, limit: number, siteId?: string): Promise<Subscription[]> {
    return db.query<Subscription>(
      `SELECT ${SUB_COLUMNS} FROM integrations.subscriptions WHERE deleted_at IS NULL AND ($1::text IS NULL OR id > $1) AND ($3::text IS NULL OR site_id = $3)
       ORDER BY id LIMIT $2`, [after, limit, siteId ?? null]);
  },
  /** The live subscriptions (ACTIVE or DISABLED: a disabled one still records deliveries, sent once it is enabled). */
  async liveSubscriptions(db: Executor): Promise<Subscription[]> {
    return db.query<Subscription>(`SELECT ${SUB_COLUMNS} FROM integrations.subscriptions WHERE deleted_at IS NULL ORDER BY id`);
  },
  async updateSubscription(db: Executor, id: string, s: { url: string; eventTypes: readonly string[]; siteId: string | null; ownerId: string | null; description: string | null; now: Date }): Promise<Subscription | undefined> {
    return (await db.query<Subscription>(
      `UPDATE integrations.subscriptions SET url = $2, event_types = $3, site_id = $4, owner_id = $5, description = $6, updated_at = $7
       WHERE id = $1 AND deleted_at IS NULL RETURNING ${SUB_COLUMNS}`, [id, s.url, s.eventTypes, s.siteId, s.ownerId, s.description, s.now]))[0];
  },
  /** Deletes it (soft): its URL and site, or undefined when there is no live subscription `id`. */
  async deleteSubscription(db: Executor, id: string, now: Date): Promise<{ url: string; siteId: string | null } | undefined> {
    return (await db.query<{ url: string; siteId: string | null }>(
      `UPDATE integrations.subscriptions SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING url, site_id AS "siteId"`, [id, now]))[0];
  },
  /** A deleted subscription's PENDING deliveries end CANCELLED (nothing would send them); answers how many. */
  async cancelPending(db: Executor, subscriptionId: string, by: string, reason: string, now: Date): Promise<number> {
    return (await db.query(
      `UPDATE integrations.deliveries SET status = 'CANCELLED', ended_at = $2, ended_by = $3, end_reason = $4, lease_until = NULL, replay_queued = false
       WHERE subscription_id = $1 AND status = 'PENDING' RETURNING id`, [subscriptionId, now, by, reason])).length;
  },
  /** The delivery, locked (undefined when there is none). */
  async lockDelivery(db: Executor, id: string): Promise<Delivery | undefined> {
    return (await db.query<Delivery>(`SELECT ${DEL_COLUMNS} FROM integrations.deliveries WHERE id = $1 FOR UPDATE`, [id]))[0];
  },
  /**
   * A PENDING delivery given up by a person: final, its subject's later deliveries go on. An attempt under way keeps its
   * lease (a replay meanwhile waits for it) and a replay queued behind it is dropped.
   */
  async abandon(db: Executor, id: string, by: string, reason: string, now: Date): Promise<Delivery> {
    return (await db.query<Delivery>(
      `UPDATE integrations.deliveries SET status = 'ABANDONED', ended_at = $2, ended_by = $3, end_reason = $4, replay_queued = false
       WHERE id = $1 RETURNING ${DEL_COLUMNS}`, [id, now, by, reason]))[0]!;
  },
  async setStatus(db: Executor, id: string, status: WebhookSubscriptionStatus, reason: string | null, now: Date): Promise<Subscription> {
    return (await db.query<Subscription>(
      `UPDATE integrations.subscriptions SET status = $2, disabled_reason = $3, disabled_at = CASE WHEN $2 = 'DISABLED' THEN $4::timestamptz END,
         consecutive_failures = CASE WHEN $2 = 'ACTIVE' THEN 0 ELSE consecutive_failures END, updated_at = $4
       WHERE id = $1 RETURNING ${SUB_COLUMNS}`, [id, status, reason, now]))[0]!;
  },
  /**
   * Adds a failure to the live subscription's run; answers the run's length and the status (undefined for a deleted
   * one: an attempt under way when it was deleted neither counts nor disables it).
   */
  async failed(db: Executor, id: string): Promise<{ consecutiveFailures: number; status: WebhookSubscriptionStatus; url: string; siteId: string | null } | undefined> {
    return (await db.query<{ consecutiveFailures: number; status: WebhookSubscriptionStatus; url: string; siteId: string | null }>(
      `UPDATE integrations.subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 AND deleted_at IS NULL
       RETURNING consecutive_failures AS "consecutiveFailures", status, url, site_id AS "siteId"`, [id]))[0];
  },
  async succeeded(db: Executor, id: string): Promise<void> {
    await db.query(`UPDATE integrations.subscriptions SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures > 0`, [id]);
  },

  /**
   * One delivery per subscription and event (a redelivered event inserts nothing), all in one statement; `seq`, which
   * orders a subject's deliveries, follows the list's order.
   */
  async insertDeliveries(db: Executor, ds: readonly { id: string; subscriptionId: string; eventId: string; eventType: string; subject: string; body: string }[], now: Date): Promise<void> {
    if (ds.length === 0) return;
    await db.query(
      `INSERT INTO integrations.deliveries (id, subscription_id, event_id, event_type, subject, body, status, next_attempt_at, created_at)
       SELECT d->>'id', d->>'subscriptionId', d->>'eventId', d->>'eventType', d->>'subject', d->>'body', 'PENDING', $2, $2
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(d, n) ORDER BY n
       ON CONFLICT (subscription_id, event_id) DO NOTHING`,
      [JSON.stringify(ds), now]);
  },
  /**
   * Claims up to `limit` due deliveries for `leaseMs`: PENDING, due, not leased, of an ACTIVE subscription, and the
   * oldest PENDING delivery of their subscription and subject (a later one waits for it: order per subject). A replay
   * queued behind an attempt whose lease lapsed (its process died: the attempt never ended) is this send: the claim
   * takes it (`replay_queued` cleared), else its end sent the delivery once more (crash6).
   */
  async claimDue(db: Executor, now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    return db.query<DueDelivery>(
      `WITH due AS (
         SELECT d.id FROM integrations.deliveries d JOIN integrations.subscriptions s ON s.id = d.subscription_id
         WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until < $1)
           AND s.status = 'ACTIVE' AND s.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM integrations.deliveries e
                           WHERE e.subscription_id = d.subscription_id AND e.subject = d.subject AND e.status = 'PENDING' AND e.seq < d.seq)
         ORDER BY d.next_attempt_at, d.seq LIMIT $3 FOR UPDATE OF d SKIP LOCKED)
       UPDATE integrations.deliveries d SET lease_until = $1::timestamptz + make_interval(secs => $2::float8 / 1000), replay_queued = false
       FROM due, integrations.subscriptions s WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.subscription_id AS "subscriptionId", d.event_id AS "eventId", d.event_type AS "eventType", d.body, d.attempts, s.url, s.secret`,
      [now, leaseMs, limit]);
  },
  async recordAttempt(db: Executor, a: { deliveryId: string; attempt: number; at: Date; statusCode: number | null; error: string | null; durationMs: number }): Promise<void> {
    await db.query(
      `INSERT INTO integrations.delivery_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`, [a.deliveryId, a.attempt, a.at, a.statusCode, a.error, a.durationMs]);
  },
  /**
   * The receiver took it: DELIVERED, with no end (one abandoned, or whose subscription was deleted, while the attempt was
   * under way reached the receiver all the same). Replayed meanwhile: PENDING and due, sent again after this attempt.
   */
  async markDelivered(db: Executor, id: string, attempts: number, statusCode: number, now: Date): Promise<void> {
    await db.query(
      `UPDATE integrations.deliveries SET status = CASE WHEN replay_queued AND status = 'PENDING' THEN 'PENDING' ELSE 'DELIVERED' END,
         attempts = $2, last_status = $3, last_error = NULL, lease_until = NULL, delivered_at = $4, replay_queued = false,
         ended_at = NULL, ended_by = NULL, end_reason = NULL
       WHERE id = $1`, [id, attempts, statusCode, now]);
  },
  /** A failed attempt: the next one after the backoff, or when it was replayed meanwhile at the replay's time (now). */
  async markFailed(db: Executor, id: string, attempts: number, statusCode: number | null, error: string, nextAttemptAt: Date): Promise<void> {
    await db.query(
      `UPDATE integrations.deliveries SET attempts = $2, last_status = $3, last_error = $4, lease_until = NULL,
         next_attempt_at = CASE WHEN replay_queued THEN next_attempt_at ELSE $5 END, replay_queued = false WHERE id = $1`,
      [id, attempts, statusCode, error, nextAttemptAt]);
  },
  /**
   * Sends a delivery again (a DELIVERED or ABANDONED one too, live again: its end is cleared), or a waiting one now: one
   * of a live subscription only (undefined otherwise; a CANCELLED one's subscription is deleted). One whose attempt is
   * under way (leased) keeps its lease, so no sender claims it meanwhile (before: sent twice at once, both attempts of
   * one number): `replay_queued`, the attempt's end makes it due again (markDelivered, markFailed).
   */
  async requeue(db: Executor, id: string, now: Date): Promise<Delivery | undefined> {
    return (await db.query<Delivery>(
      `UPDATE integrations.deliveries d SET status = 'PENDING', next_attempt_at = $2, ended_at = NULL, ended_by = NULL, end_reason = NULL,
         replay_queued = d.lease_until IS NOT NULL AND d.lease_until >= $2, lease_until = CASE WHEN d.lease_until >= $2 THEN d.lease_until END
         FROM integrations.subscriptions s WHERE d.id = $1 AND s.id = d.subscription_id AND s.deleted_at IS NULL
       RETURNING ${DEL_COLUMNS_D}`, [id, now]))[0];
  },
  /** After enabling a subscription: its waiting deliveries are due now. */
  async dueNow(db: Executor, subscriptionId: string, now: Date): Promise<void> {
    await db.query(`UPDATE integrations.deliveries SET next_attempt_at = $2 WHERE subscription_id = $1 AND status = 'PENDING'`, [subscriptionId, now]);
  },
  async delivery(db: Executor, id: string): Promise<(Delivery & { body: string }) | undefined> {
    return (await db.query<Delivery & { body: string }>(`SELECT ${DEL_COLUMNS}, body FROM integrations.deliveries WHERE id = $1`, [id]))[0];
  },
  async attempts(db: Executor, id: string): Promise<Attempt[]> {
    return db.query<Attempt>(
      `SELECT attempt, at, status_code AS "statusCode", error, duration_ms AS "durationMs" FROM integrations.delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`, [id]);
  },
  /** `siteId`: the deliveries of the subscriptions to that site's events. */
  async deliveries(db: Executor, f: DeliveryFilter, after: string | null, limit: number): Promise<Delivery[]> {
    return db.query<Delivery>(
      `SELECT ${DEL_COLUMNS} FROM integrations.deliveries
       WHERE ($1::text IS NULL OR subscription_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR subject = $3)
         AND ($4::text IS NULL OR id > $4)
         AND ($6::text IS NULL OR subscription_id IN (SELECT s.id FROM integrations.subscriptions s WHERE s.site_id = $6))
       ORDER BY id LIMIT $5`, [f.subscriptionId ?? null, f.status ?? null, f.subject ?? null, after, limit, f.siteId ?? null]);
  },
  /** The site of a delivery's subscription (null: every site's events); undefined when there is no such delivery. */
  async siteOfDelivery(db: Executor, id: string): Promise<{ siteId: string | null } | undefined> {
    return (await db.query<{ siteId: string | null }>(
      `SELECT s.site_id AS "siteId" FROM integrations.deliveries d JOIN integrations.subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`, [id]))[0];
  },

  async insertChannel(db: Executor, c: { id: string; shopDomain: string; siteId: string; carrier: string; secret: string; now: Date }): Promise<Channel | undefined> {
    return (await db.query<Channel>(
      `INSERT INTO integrations.storefront_channels (id, shop_domain, site_id, carrier, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (shop_domain) DO NOTHING RETURNING ${CH_COLUMNS}`, [c.id, c.shopDomain, c.siteId, c.carrier, c.secret, c.now]))[0];
  },
  /** The domain of a channel whose orders' ids start with `prefix` (`TWIN-`), if one does. */
  async channelDomainWithPrefix(db: Executor, prefix: string): Promise<string | undefined> {
    const rows = await db.query<{ shopDomain: string }>(
      `SELECT shop_domain AS "shopDomain" FROM integrations.storefront_channels WHERE upper(split_part(shop_domain, '.', 1)) || '-' = $1 ORDER BY id LIMIT 1`, [prefix]);
    return rows[0]?.shopDomain;
  },
  /** The ISA id of a trading partner whose order ids (`EDI-<ISA id>-<number>`) may be a shop's of this prefix, if any. */
  async partnerIsaIdUnder(db: Executor, prefix: string): Promise<string | undefined> {
    return (await db.query<{ isaId: string }>(
      `SELECT isa_id AS "isaId" FROM integrations.edi_partners WHERE starts_with($1, 'EDI-' || isa_id || '-') ORDER BY id LIMIT 1`, [prefix]))[0]?.isaId;
  },
  async channelByDomain(db: Executor, shopDomain: string): Promise<ChannelWithSecret | undefined> {
    return (await db.query<ChannelWithSecret>(`SELECT ${CH_COLUMNS}, secret FROM integrations.storefront_channels WHERE shop_domain = $1`, [shopDomain]))[0];
  },
  async channels(db: Executor, after: string | null, limit: number, siteId?: string): Promise<Channel[]> {
    return db.query<Channel>(
      `SELECT ${CH_COLUMNS} FROM integrations.storefront_channels WHERE ($1::text IS NULL OR id > $1) AND ($3::text IS NULL OR site_id = $3) ORDER BY id LIMIT $2`,
      [after, limit, siteId ?? null]);
  },
  async inbound(db: Executor, channelId: string, webhookId: string): Promise<InboundWebhook | undefined> {
    return (await db.query<InboundWebhook>(
      `SELECT order_id AS "orderId", external_id AS "externalId" FROM integrations.inbound_webhooks WHERE channel_id = $1 AND webhook_id = $2`, [channelId, webhookId]))[0];
  },
  async recordInbound(db: Executor, w: { channelId: string; webhookId: string; orderId: string; externalId: string; now: Date }): Promise<void> {
    try {
      await db.query(
        `INSERT INTO integrations.inbound_webhooks (channel_id, webhook_id, order_id, external_id, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [w.channelId, w.webhookId, w.orderId, w.externalId, w.now]);
    } catch (e) {
      // The channel was disconnected while its order was taken in: the order stands, there is no channel to answer replays for.
      if ((e as { code?: string }).code !== '23503') throw e;
    }
  },
  /** The shop's `updated_at` of the last change applied to the storefront order `externalId`, undefined when none. */
  async shopVersion(db: Executor, externalId: string): Promise<Date | undefined> {
    return (await db.query<{ at: Date }>(
      `SELECT shop_updated_at AS "at" FROM integrations.storefront_order_versions WHERE external_id = $1`, [externalId]))[0]?.at;
  },
  /** Records the shop's `updated_at` of a change applied to the storefront order (a later one only moves it on). */
  async recordShopVersion(db: Executor, externalId: string, at: Date, now: Date): Promise<void> {
    await db.query(
      `INSERT INTO integrations.storefront_order_versions (external_id, shop_updated_at, recorded_at) VALUES ($1, $2, $3)
       ON CONFLICT (external_id) DO UPDATE SET shop_updated_at = GREATEST(storefront_order_versions.shop_updated_at, EXCLUDED.shop_updated_at), recorded_at = EXCLUDED.recorded_at`,
      [externalId, at, now]);
  },
  /** The site of a channel, undefined when there is none. */
  async siteOfChannel(db: Executor, id: string): Promise<{ siteId: string } | undefined> {
    return (await db.query<{ siteId: string }>(`SELECT site_id AS "siteId" FROM integrations.storefront_channels WHERE id = $1`, [id]))[0];
  },
  /**
   * Disconnects a channel: it and the webhook ids it answered go; undefined when there was no such channel. Its row is
   * locked first, so a webhook id recorded meanwhile waits and then finds no channel (recordInbound).
   */
  async deleteChannel(tx: Executor, id: string): Promise<Channel | undefined> {
    const locked = await tx.query<{ id: string }>(`SELECT id FROM integrations.storefront_channels WHERE id = $1 FOR UPDATE`, [id]);
    if (locked.length === 0) return undefined;
    await tx.query(`DELETE FROM integrations.inbound_webhooks WHERE channel_id = $1`, [id]);
    return (await tx.query<Channel>(`DELETE FROM integrations.storefront_channels WHERE id = $1 RETURNING ${CH_COLUMNS}`, [id]))[0];
  },
};
