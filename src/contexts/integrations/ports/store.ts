import type { Executor } from '../../../platform/db/database.ts';
import type { Camelized, Narrowed, Selectable } from '../../../platform/db/row-types.ts';
import type {
  IntegrationsErpInboundFiles, IntegrationsPartnerMessageAttempts, IntegrationsPartnerMessages, IntegrationsTmsLoads, IntegrationsTmsTrackingEvents,
} from '../db-types.ts';
import type { MessageDocument, Partner, PartnerMessageKind, PartnerMessageStatus, RowError } from './port.ts';

/** What the delivery log is filtered by; `siteId`: the messages about that site (never those that name none). */
export interface MessageFilter {
  readonly partner?: Partner | undefined;
  readonly kind?: PartnerMessageKind | undefined;
  readonly status?: PartnerMessageStatus | undefined;
  readonly subject?: string | undefined;
  readonly siteId?: string | undefined;
}

/** An outbound message to a partner, as the delivery log shows it; `siteId` null: it names no site (migration 007). */
export type PartnerMessage = Narrowed<Camelized<Pick<Selectable<IntegrationsPartnerMessages>,
  'id' | 'partner' | 'kind' | 'site_id' | 'idempotency_key' | 'subject' | 'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'result' | 'created_at' | 'delivered_at'>>,
  { partner: Partner; kind: PartnerMessageKind; status: PartnerMessageStatus; result: Record<string, unknown> | null }>;

export type MessageAttempt = Camelized<Pick<Selectable<IntegrationsPartnerMessageAttempts>, 'attempt' | 'at' | 'error' | 'duration_ms'>>;

export type InboundFileRecord = Narrowed<Omit<Camelized<Selectable<IntegrationsErpInboundFiles>>, 'fingerprint'>,
  { kind: 'items' | 'asns' | 'unknown'; status: 'PROCESSED' | 'REJECTED'; summary: Record<string, number>; errors: RowError[] }>;

export type TmsLoad = Camelized<Selectable<IntegrationsTmsLoads>>;

export type TrackingEventRecord = Camelized<Selectable<IntegrationsTmsTrackingEvents>>;

const MSG = `id, partner, kind, site_id AS "siteId", idempotency_key AS "idempotencyKey", subject, status, attempts, next_attempt_at AS "nextAttemptAt",
  last_error AS "lastError", result, created_at AS "createdAt", delivered_at AS "deliveredAt"`;
const FILE = `id, name, kind, status, rows, summary, errors, site_ids AS "siteIds", received_at AS "receivedAt"`;
const LOAD = `shipment_id AS "shipmentId", order_id AS "orderId", site_id AS "siteId", carrier, tracking_number AS "trackingNumber",
  message_id AS "messageId", load_id AS "loadId", status, created_at AS "createdAt", booked_at AS "bookedAt"`;

/** SQL of the partner ports (integrations schema, migration 003). */
export const portsStore = {
  /** One message per partner and idempotency key: the same key again (a redelivered event) inserts nothing. */
  async insertMessage(db: Executor, m: {
    id: string; partner: Partner; kind: PartnerMessageKind; siteId: string | null; idempotencyKey: string; subject: string; document: MessageDocument; now: Date;
  }): Promise<PartnerMessage | undefined> {
    return (await db.query<PartnerMessage>(
      `INSERT INTO integrations.partner_messages (id, partner, kind, site_id, idempotency_key, subject, body, status, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $8, $4, $5, $6, 'PENDING', $7, $7) ON CONFLICT (partner, idempotency_key) DO NOTHING RETURNING ${MSG}`,
      [m.id, m.partner, m.kind, m.idempotencyKey, m.subject, JSON.stringify(m.document), m.now, m.siteId]))[0];
  },
  /**
   * Claims up to `limit` due messages of these partners for `leaseMs`: PENDING, due, not leased, and the oldest PENDING
   * message of their partner and subject (a later one waits: in order per subject). A replay queued behind an attempt
   * whose lease lapsed (its process died) is this send: the claim takes it (`replay_queued` cleared).
   */
  async claimDue(db: Executor, partners: readonly Partner[], now: Date, leaseMs: number, limit: number): Promise<(PartnerMessage & { document: MessageDocument })[]> {
    return db.query<PartnerMessage & { document: MessageDocument }>(
      `WITH due AS (
         SELECT m.id FROM integrations.partner_messages m
         WHERE m.status = 'PENDING' AND m.partner = ANY($4::text[]) AND m.next_attempt_at <= $1 AND (m.lease_until IS NULL OR m.lease_until < $1)
           AND NOT EXISTS (SELECT 1 FROM integrations.partner_messages e
                           WHERE e.partner = m.partner AND e.subject = m.subject AND e.status = 'PENDING' AND e.seq < m.seq)
         ORDER BY m.next_attempt_at, m.seq LIMIT $3 FOR UPDATE OF m SKIP LOCKED)
       UPDATE integrations.partner_messages m SET lease_until = $1::timestamptz + make_interval(secs => $2::float8 / 1000), replay_queued = false
       FROM due WHERE m.id = due.id
       RETURNING ${MSG.replace(/^id, /, 'm.id, ')}, m.body AS document`,
      [now, leaseMs, limit, partners]);
  },
  async recordAttempt(db: Executor, a: { messageId: string; attempt: number; at: Date; error: string | null; durationMs: number }): Promise<void> {
    await db.query(
      `INSERT INTO integrations.partner_message_attempts (message_id, attempt, at, error, duration_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [a.messageId, a.attempt, a.at, a.error, a.durationMs]);
  },
  /**
   * The partner took it: DELIVERED; replayed meanwhile, PENDING and due (the replay's time): sent again after this attempt.
   * Answers whether its failure had been raised (`integrations.partner-message.failed`, not answered yet): then it is
   * recovered, and said so once (migration 015).
   */
  async markDelivered(db: Executor, id: string, attempts: number, result: Record<string, unknown> | null, now: Date): Promise<boolean> {
    const rows = await db.query<{ recovered: boolean }>(
      `UPDATE integrations.partner_messages m SET status = CASE WHEN m.replay_queued THEN 'PENDING' ELSE 'DELIVERED' END, attempts = $2, result = $3,
         last_error = NULL, lease_until = NULL, delivered_at = $4, replay_queued = false, failure_raised = false
       FROM (SELECT failure_raised FROM integrations.partner_messages WHERE id = $1 FOR UPDATE) before
       WHERE m.id = $1 RETURNING before.failure_raised AS recovered`, [id, attempts, result === null ? null : JSON.stringify(result), now]);
    return rows[0]?.recovered === true;
  },
  /**
   * A failed attempt: due again at `nextAttemptAt`, or FAILED (kept, shown, replayable) when attempts ran out; replayed
   * meanwhile, due at the replay's time and never FAILED by this attempt (the replay asked for another). Answers whether
   * it is FAILED now (its failure raised: `failure_raised`, until a delivery recovers it).
   */
  async markFailed(db: Executor, id: string, attempts: number, error: string, nextAttemptAt: Date, giveUp: boolean): Promise<boolean> {
    const rows = await db.query<{ status: string }>(
      `UPDATE integrations.partner_messages SET attempts = $2, last_error = $3, lease_until = NULL,
         next_attempt_at = CASE WHEN replay_queued THEN next_attempt_at ELSE $4 END,
         status = CASE WHEN $5 AND NOT replay_queued THEN 'FAILED' ELSE status END,
         failure_raised = failure_raised OR ($5 AND NOT replay_queued), replay_queued = false
       WHERE id = $1 RETURNING status`, [id, attempts, error, nextAttemptAt, giveUp]);
    return rows[0]?.status === 'FAILED';
  },
  /**
   * Replay: PENDING and due now (a DELIVERED or FAILED one too); the same idempotency key goes out again. One whose
   * attempt is under way (leased) keeps its lease, so no job claims it meanwhile (before: another process's job sent it
   * at once, an attempt of the same number, and the attempt's end, DELIVERED, lost the replay): `replay_queued`, the
   * attempt's end makes it due again (markDelivered, markFailed).
   */
  async requeue(db: Executor, id: string, now: Date): Promise<PartnerMessage | undefined> {
    return (await db.query<PartnerMessage>(
      `UPDATE integrations.partner_messages SET status = 'PENDING', next_attempt_at = $2,
         replay_queued = lease_until IS NOT NULL AND lease_until >= $2, lease_until = CASE WHEN lease_until >= $2 THEN lease_until END
       WHERE id = $1 RETURNING ${MSG}`, [id, now]))[0];
  },
  async message(db: Executor, id: string): Promise<(PartnerMessage & { document: MessageDocument }) | undefined> {
    return (await db.query<PartnerMessage & { document: MessageDocument }>(`SELECT ${MSG}, body AS document FROM integrations.partner_messages WHERE id = $1`, [id]))[0];
  },
  async attempts(db: Executor, id: string): Promise<MessageAttempt[]> {
    return db.query<MessageAttempt>(
      `SELECT attempt, at, error, duration_ms AS "durationMs" FROM integrations.partner_message_attempts WHERE message_id = $1 ORDER BY attempt`, [id]);
  },
  async messages(db: Executor, f: MessageFilter, after: string | null, limit: number): Promise<PartnerMessage[]> {
    return db.query<PartnerMessage>(
      `SELECT ${MSG} FROM integrations.partner_messages
       WHERE ($1::text IS NULL OR partner = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::text IS NULL OR subject = $4) AND ($5::text IS NULL OR id > $5) AND ($7::text IS NULL OR site_id = $7)
       ORDER BY id LIMIT $6`, [f.partner ?? null, f.kind ?? null, f.status ?? null, f.subject ?? null, after, limit, f.siteId ?? null]);
  },
  /** Counts per partner and status (of one site's messages), and the oldest waiting message's age: the health of the ports at a glance. */
  async health(db: Executor, siteId: string | undefined): Promise<{ partner: Partner; status: PartnerMessageStatus; count: number; oldest: Date | null }[]> {
    return db.query(
      `SELECT partner, status, count(*)::int AS count, min(created_at) AS oldest FROM integrations.partner_messages
       WHERE ($1::text IS NULL OR site_id = $1) GROUP BY partner, status ORDER BY partner, status`, [siteId ?? null]);
  },

  /**
   * Logs an inbound file; one with a `fingerprint` logged already (another process picked the same file up at once)
   * is not logged twice: false then.
   */
  async insertFile(db: Executor, f: InboundFileRecord, fingerprint: string | null = null): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO integrations.erp_inbound_files (id, name, kind, status, rows, summary, errors, site_ids, received_at, fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8, $10) ON CONFLICT (fingerprint) WHERE fingerprint IS NOT NULL DO NOTHING RETURNING 1`,
      [f.id, f.name, f.kind, f.status, f.rows, JSON.stringify(f.summary), JSON.stringify(f.errors), f.receivedAt, f.siteIds, fingerprint]);
    return rows.length > 0;
  },
  /** The inbound file logged with this fingerprint (a dropped file handled already), if any. */
  async fileByFingerprint(db: Executor, fingerprint: string): Promise<InboundFileRecord | undefined> {
    return (await db.query<InboundFileRecord>(`SELECT ${FILE} FROM integrations.erp_inbound_files WHERE fingerprint = $1`, [fingerprint]))[0];
  },
  /** `siteId`: the documents that named that site (never an item master, which names none). */
  async files(db: Executor, f: { status?: 'PROCESSED' | 'REJECTED' | undefined; siteId?: string | undefined }, after: string | null, limit: number): Promise<InboundFileRecord[]> {
    return db.query<InboundFileRecord>(
      `SELECT ${FILE} FROM integrations.erp_inbound_files WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR id > $2)
         AND ($4::text IS NULL OR site_ids @> ARRAY[$4]) ORDER BY id LIMIT $3`,
      [f.status ?? null, after, limit, f.siteId ?? null]);
  },
  async erpAsns(db: Executor, siteId: string, numbers: readonly string[]): Promise<Map<string, string>> {
    const rows = await db.query<{ asnNumber: string; asnId: string }>(
      `SELECT asn_number AS "asnNumber", asn_id AS "asnId" FROM integrations.erp_asns WHERE site_id = $1 AND asn_number = ANY($2::text[])`, [siteId, numbers]);
    return new Map(rows.map((r) => [r.asnNumber, r.asnId]));
  },
  async insertErpAsn(db: Executor, a: { siteId: string; asnNumber: string; asnId: string; now: Date }): Promise<void> {
    await db.query(`INSERT INTO integrations.erp_asns (site_id, asn_number, asn_id, created_at) VALUES ($1, $2, $3, $4)`, [a.siteId, a.asnNumber, a.asnId, a.now]);
  },

  async insertLoad(db: Executor, l: Omit<TmsLoad, 'loadId' | 'status' | 'bookedAt'>): Promise<void> {
    await db.query(
      `INSERT INTO integrations.tms_loads (shipment_id, order_id, site_id, carrier, tracking_number, message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (shipment_id) DO NOTHING`, [l.shipmentId, l.orderId, l.siteId, l.carrier, l.trackingNumber, l.messageId, l.createdAt]);
  },
  async booked(db: Executor, messageId: string, loadId: string, status: string | null, now: Date): Promise<void> {
    await db.query(`UPDATE integrations.tms_loads SET load_id = $2, status = $3, booked_at = coalesce(booked_at, $4) WHERE message_id = $1`, [messageId, loadId, status, now]);
  },
  async load(db: Executor, by: { shipmentId?: string | undefined; loadId?: string | undefined }): Promise<TmsLoad | undefined> {
    return (await db.query<TmsLoad>(
      `SELECT ${LOAD} FROM integrations.tms_loads WHERE ($1::text IS NOT NULL AND shipment_id = $1) OR ($2::text IS NOT NULL AND load_id = $2) LIMIT 1`,
      [by.shipmentId ?? null, by.loadId ?? null]))[0];
  },
  async loads(db: Executor, f: { booked?: boolean | undefined; siteId?: string | undefined }, after: string | null, limit: number): Promise<TmsLoad[]> {
    return db.query<TmsLoad>(
      `SELECT ${LOAD} FROM integrations.tms_loads WHERE ($1::boolean IS NULL OR (load_id IS NOT NULL) = $1) AND ($2::text IS NULL OR shipment_id > $2)
         AND ($4::text IS NULL OR site_id = $4)
       ORDER BY shipment_id LIMIT $3`, [f.booked ?? null, after, limit, f.siteId ?? null]);
  },
  /** Stores a tracking event once (the same shipment, status and instant again: false). */
  async insertTracking(db: Executor, t: { shipmentId: string; status: string; at: Date; detail: string | null; now: Date }): Promise<boolean> {
    return (await db.query(
      `INSERT INTO integrations.tms_tracking_events (shipment_id, status, at, detail, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [t.shipmentId, t.status, t.at, t.detail, t.now])).length === 1;
  },
  async tracking(db: Executor, shipmentId: string): Promise<TrackingEventRecord[]> {
    return db.query<TrackingEventRecord>(
      `SELECT shipment_id AS "shipmentId", status, at, detail, received_at AS "receivedAt" FROM integrations.tms_tracking_events WHERE shipment_id = $1 ORDER BY at, status`,
      [shipmentId]);
  },
};
