import type { CatalogApi } from '../../../contracts/catalog.ts';
import { IntegrationsEvents } from '../../../contracts/integrations.ts';
import type { InventoryCommands, StockAdjusted } from '../../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../../contracts/location-master.ts';
import type { PackShipCommands, ShipmentDispatched, TrackingReport } from '../../../contracts/pack-ship.ts';
import type { EventEnvelope, EventMeta } from '../../../platform/bus/envelope.ts';
import type { PartnerPortsConfig } from '../../../platform/config/ports.ts';
import type { Executor, Tx } from '../../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import { backgroundWork } from '../../../platform/jobs.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { retryDelayMs } from '../domain/webhooks.ts';
import { fileDropErp } from '../erp/file-drop.ts';
import { itemsAsCsv, kindOfFile, oneDraftPerAsn, readAsns, type InboundFormat, type InboundKind } from '../erp/inbound.ts';
import { restErp } from '../erp/rest-erp.ts';
import type { ImportService } from '../imports/service.ts';
import { restTms } from '../tms/rest-tms.ts';
import {
  MESSAGE_TYPES, PartnerUnavailable, type ErpPort, type InboundOutcome, type MessageDocument, type Partner, type PartnerMessageKind,
  type RowError, type TmsPort,
} from './port.ts';
import { portsStore as store, type MessageFilter, type PartnerMessage } from './store.ts';

export interface PortsApis {
  readonly locations: Pick<LocationMasterApi, 'getSite'>;
  readonly catalog: () => Pick<CatalogApi, 'getBySkus'> | undefined;
  readonly inventory: () => Pick<InventoryCommands, 'createAsn' | 'stockSnapshot'> | undefined;
  readonly packShip: () => PackShipCommands | undefined;
  readonly imports: ImportService;
}

/** The adapters from the configuration (tests may pass their own). */
export function portsFromConfig(c: PartnerPortsConfig): { erp?: ErpPort; tms?: TmsPort } {
  const timeoutMs = c.delivery.timeoutMs;
  return {
    ...(c.erp.kind === 'rest' ? { erp: restErp({ url: c.erp.url, token: c.erp.token, timeoutMs }) } : {}),
    ...(c.erp.kind === 'file-drop' ? { erp: fileDropErp(c.erp.dir) } : {}),
    ...(c.tms.kind === 'rest' ? { tms: restTms({ url: c.tms.url, token: c.tms.token, timeoutMs }) } : {}),
  };
}

const PORT_OFF = (partner: Partner) => reject('PARTNER_PORT_OFF', `no ${partner} is configured (PAKLOG_${partner}, docs/integrations/${partner.toLowerCase()}.md)`);

/**
 * The ERP and TMS ports (ADR 0039). Events become messages in the handler's transaction (an outbox, one per partner
 * and idempotency key, so a redelivered event adds nothing); the partner-delivery job sends them through the adapter,
 * retries with backoff and jitter, logs every attempt, and marks a message FAILED — kept, listed, replayable — after
 * `maxAttempts`. Inbound items and ASNs are checked whole before anything is written.
 */
export function portsService(deps: PlatformDeps, apis: PortsApis, config: PartnerPortsConfig, adapters: { erp?: ErpPort | undefined; tms?: TmsPort | undefined }) {
  const now = (): Date => deps.clock.now();
  const { erp, tms } = adapters;
  /** The attempts under way in this process (ERP and TMS alike): at most 20 at once. */
  const attempts = backgroundWork(20);
  const partners: Partner[] = [...(erp === undefined ? [] : ['ERP' as const]), ...(tms === undefined ? [] : ['TMS' as const])];
  const tmsCarriers = config.tms.kind === 'rest' && config.tms.carriers !== undefined ? new Set(config.tms.carriers) : undefined;

  /** A message about `siteId` (every kind sent today is about one site: the log is filtered by it, ADR 0039 addendum). */
  async function enqueue(db: Executor, m: { partner: Partner; kind: PartnerMessageKind; siteId: string; key: string; subject: string; data: Record<string, unknown> }): Promise<PartnerMessage | undefined> {
    const id = deps.ids.next('pms');
    const at = now();
    const document: MessageDocument = { type: MESSAGE_TYPES[m.kind], messageId: id, idempotencyKey: m.key, createdAt: at.toISOString(), data: m.data };
    return store.insertMessage(db, { id, partner: m.partner, kind: m.kind, siteId: m.siteId, idempotencyKey: m.key, subject: m.subject, document, now: at });
  }

  /** A shipment left the dock: its confirmation for the ERP, its load for the TMS (when its carrier is the TMS's). */
  async function shipmentDispatched(tx: Tx, d: ShipmentDispatched, e: EventEnvelope): Promise<void> {
    const data = {
      shipmentId: d.shipmentId, orderId: d.orderId, siteId: d.siteId, carrier: d.carrier, trackingNumber: d.trackingNumber,
      packageIds: d.packageIds, lines: d.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })), dispatchedAt: e.time,
    };
    if (erp !== undefined) await enqueue(tx, { partner: 'ERP', kind: 'SHIPMENT_CONFIRMATION', siteId: d.siteId, key: `shipment-confirmation.${d.shipmentId}`, subject: d.shipmentId, data });
    if (tms !== undefined && (tmsCarriers === undefined || tmsCarriers.has(d.carrier))) {
      const m = await enqueue(tx, { partner: 'TMS', kind: 'LOAD_BOOKING', siteId: d.siteId, key: `load.${d.shipmentId}`, subject: d.shipmentId, data });
      if (m !== undefined) {
        await store.insertLoad(tx, { shipmentId: d.shipmentId, orderId: d.orderId, siteId: d.siteId, carrier: d.carrier, trackingNumber: d.trackingNumber, messageId: m.id, createdAt: now() });
      }
    }
  }

  /** On-hand was adjusted with a reason: the adjustment for the ERP (in order per site and SKU). */
  async function stockAdjusted(tx: Tx, d: StockAdjusted, e: EventEnvelope): Promise<void> {
    if (erp === undefined) return;
    await enqueue(tx, {
      partner: 'ERP', kind: 'INVENTORY_ADJUSTMENT', siteId: d.siteId, key: `inventory-adjustment.${d.movementId}`, subject: `${d.siteId}/${d.sku}`,
      data: {
        movementId: d.movementId, siteId: d.siteId, ownerId: d.ownerId ?? 'own_default', sku: d.sku, locationId: d.locationId, lot: d.lot,
        delta: d.delta, reason: d.reason, adjustedAt: e.time,
      },
    });
  }

  /** An inventory snapshot of a site for the ERP, now: every balance with units on hand or reserved. */
  async function snapshot(siteRef: string): Promise<Outcome<PartnerMessage & { lines: number }>> {
    if (erp === undefined) return PORT_OFF('ERP');
    const inventory = apis.inventory();
    if (inventory === undefined) return reject('SNAPSHOT_UNAVAILABLE', 'run the inventory context in the process that runs integrations');
    const site = await resolveSiteId(apis.locations, siteRef);
    if (!site.ok) return site;
    const asOf = now();
    const lines = await inventory.stockSnapshot(site.value);
    const m = await enqueue(deps.db, {
      partner: 'ERP', kind: 'INVENTORY_SNAPSHOT', siteId: site.value, key: `inventory-snapshot.${site.value}.${asOf.toISOString()}`, subject: `snapshot/${site.value}`,
      data: { siteId: site.value, asOf: asOf.toISOString(), lines },
    });
    if (m === undefined) return reject('CONFLICT', `a snapshot of ${site.value} at ${asOf.toISOString()} exists`);
    return ok({ ...m, lines: lines.length });
  }

  /** The scheduled snapshots (PAKLOG_ERP_SNAPSHOT_SITES every PAKLOG_ERP_SNAPSHOT_EVERY_MS). */
  async function scheduledSnapshots(): Promise<void> {
    for (const site of config.snapshotSites) {
      const s = await snapshot(site);
      if (!s.ok) deps.log.warn({ site, code: s.code, message: s.message }, 'erp: no inventory snapshot');
    }
  }

  async function sendOne(m: PartnerMessage & { document: MessageDocument }): Promise<{ error: string | null; result: Record<string, unknown> | null }> {
    try {
      const message = { id: m.id, kind: m.kind, idempotencyKey: m.idempotencyKey, document: m.document };
      if (m.partner === 'TMS') {
        if (tms === undefined) return { error: 'no TMS is configured', result: null };
        const booked = await tms.bookLoad(message);
        return { error: null, result: { loadId: booked.loadId, status: booked.status ?? null } };
      }
      if (erp === undefined) return { error: 'no ERP is configured', result: null };
      await erp.send(message);
      return { error: null, result: null };
    } catch (e) {
      if (e instanceof PartnerUnavailable) return { error: e.message, result: null };
      throw e;
    }
  }

  /**
   * The partner-delivery job: claims the due heads of their chains (leased, so another process does not send them
   * too) into the room left of the attempts under way, and starts them side by side; each records its attempt when the
   * partner answers. The run does not wait for the answers (`settled` does): waiting, a TMS holding a booking held every
   * ERP message too, and the ones a killed process had leased once their lease ended (ADR 0034 addendum webhookflake).
   * Answers how many attempts it started; throws what failed in earlier ones. At least once: a crash after the partner
   * took a message and before its answer was recorded sends it again, with the same idempotency key.
   */
  async function deliverDue(): Promise<number> {
    if (partners.length === 0) return 0;
    const room = attempts.room();
    const claimed = room === 0 ? [] : await store.claimDue(deps.db, partners, now(), config.delivery.timeoutMs + 10_000, room);
    for (const m of claimed) attempts.start(() => sendAndRecord(m));
    attempts.rethrow();
    return claimed.length;
  }

  /** One attempt of a claimed message, and what the partner answered recorded. */
  async function sendAndRecord(m: PartnerMessage & { document: MessageDocument }): Promise<void> {
    const d = config.delivery;
    const t0 = performance.now();
    let answer = await sendOne(m);
    const attempt = m.attempts + 1;
    const at = now();
    await deps.db.tx(async (tx) => {
      // A load id the TMS gave another shipment's load already (it consolidated them, or reuses ids): refused as an answer
      // PakLog cannot record, with why. Recorded, the load id's unique key failed the attempt's transaction at every try:
      // the message stayed PENDING with no attempt counted, never FAILED, nowhere in the exception queue.
      const taken = answer.error === null && m.kind === 'LOAD_BOOKING' && answer.result !== null
        ? await store.load(tx, { loadId: String(answer.result.loadId) }) : undefined;
      if (taken !== undefined && taken.messageId !== m.id) {
        answer = { error: `the TMS answered loadId ${String(answer.result?.loadId)}, the load of shipment ${taken.shipmentId} already: one load per shipment (docs/integrations/tms.md)`, result: null };
      }
      await store.recordAttempt(tx, { messageId: m.id, attempt, at, error: answer.error, durationMs: Math.round(performance.now() - t0) });
      if (answer.error === null) {
        const recovered = await store.markDelivered(tx, m.id, attempt, answer.result, at);
        if (m.kind === 'LOAD_BOOKING' && answer.result !== null) await store.booked(tx, m.id, String(answer.result.loadId), (answer.result.status as string | null) ?? null, at);
        // One whose failure was raised (FAILED, then replayed): its PARTNER_MESSAGE_FAILED case clears. Said once per
        // failure: not again for a later replay, nor for one that ran out of attempts while a replay waited (never FAILED).
        if (recovered) {
          await deps.bus.append(tx, 'integrations', [{
            type: IntegrationsEvents.partnerMessageRecovered, subject: m.id, ...(m.siteId === null ? {} : { siteId: m.siteId }),
            data: { messageId: m.id, partner: m.partner, kind: m.kind, subject: m.subject, attempts: attempt },
          }], {});
        }
        return;
      }
      // Out of attempts: FAILED, unless it was replayed while this attempt was under way (it is sent again).
      const giveUp = await store.markFailed(tx, m.id, attempt, answer.error, new Date(at.getTime() + retryDelayMs({ baseMs: d.retryBaseMs, maxMs: d.retryMaxMs }, attempt, Math.random())), attempt >= d.maxAttempts);
      if (giveUp) {
        deps.log.error({ messageId: m.id, partner: m.partner, kind: m.kind, attempts: attempt, error: answer.error }, 'partner message FAILED: replay it once the partner is back');
        // The partner never got it: a PARTNER_MESSAGE_FAILED exception in the supervisors' queue says so.
        await deps.bus.append(tx, 'integrations', [{
          type: IntegrationsEvents.partnerMessageFailed, subject: m.id, ...(m.siteId === null ? {} : { siteId: m.siteId }),
          data: { messageId: m.id, partner: m.partner, kind: m.kind, subject: m.subject, idempotencyKey: m.idempotencyKey, attempts: attempt, error: answer.error },
        }], {});
      }
      else if (attempt === 1 || attempt % 10 === 0) deps.log.warn({ messageId: m.id, partner: m.partner, attempts: attempt, error: answer.error }, 'partner message not delivered yet');
    });
  }

  async function getMessage(id: string) {
    const m = await store.message(deps.db, id);
    if (m === undefined) return reject('NOT_FOUND', `no partner message ${id}`);
    return ok({ ...m, attemptLog: await store.attempts(deps.db, id) });
  }

  async function replay(id: string): Promise<Outcome<PartnerMessage>> {
    const m = await store.requeue(deps.db, id, now());
    return m === undefined ? reject('NOT_FOUND', `no partner message ${id}`) : ok(m);
  }

  /** Ports configured, and messages (of one site) per partner and status (PENDING with attempts > 0 and FAILED are the ones to look at). */
  async function status(siteId?: string) {
    return {
      erp: erp?.kind ?? 'off', tms: tms?.kind ?? 'off',
      messages: (await store.health(deps.db, siteId)).map((h) => ({ ...h, oldest: h.oldest?.toISOString() ?? null })),
    };
  }

  /**
   * `fn` in one transaction that the owning contexts' commands join: a unit of work, or a savepoint of the one open (a
   * POST with an Idempotency-Key runs in its key's; a second unit inside it was an error, 500 INTERNAL).
   */
  const atomically = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => (deps.db.openTx() === undefined ? deps.db.unitOfWork(fn) : deps.db.tx(fn));

  const outcome = (kind: InboundOutcome['kind'], rows: number, errors: readonly RowError[], summary: Record<string, number>): InboundOutcome =>
    ({ kind, accepted: errors.length === 0, rows, errors: [...errors].sort((a, b) => a.row - b.row), summary });

  async function importItems(text: string, format: InboundFormat, meta: EventMeta, mayActAt?: (siteId: string) => void): Promise<InboundOutcome> {
    const asCsv = itemsAsCsv(text, format);
    if (asCsv.errors.length > 0) return outcome('items', asCsv.rows, asCsv.errors, { created: 0, updated: 0, unchanged: 0 });
    const r = await apis.imports.importCsv('products', asCsv.csv, { dryRun: false, partial: false, mayActAt }, meta);
    if (!r.ok) return outcome('items', asCsv.rows, [{ row: 0, field: '', message: `${r.code}: ${r.message}` }], { created: 0, updated: 0, unchanged: 0 });
    const rep = r.value;
    const errors = rep.errors.map((e) => ({ row: asCsv.rowOf(e.row), field: format === 'json' && e.row > 1 ? `/items/${asCsv.rowOf(e.row) - 1}/${e.column}` : e.column, message: e.message }));
    return outcome('items', rep.rows, errors, { created: rep.created, updated: rep.updated, unchanged: rep.unchanged });
  }

  /**
   * ASNs: every one checked (fields, site, known SKUs) before any is written; then all of them in ONE transaction (a
   * unit of work: inventory's ASN creation joins it), so a refusal of any writes none. An ASN whose number the site
   * has from the ERP already is left alone (`unchanged`): sending a file again is safe.
   */
  async function importAsns(text: string, format: InboundFormat, meta: EventMeta, mayActAt?: (siteId: string) => void): Promise<InboundOutcome & { siteIds?: string[] }> {
    const read = readAsns(text, format);
    const errors: RowError[] = [...read.errors];
    const inventory = apis.inventory();
    if (inventory === undefined) return outcome('asns', read.rows, [{ row: 0, field: '', message: 'run the inventory context in the process that runs integrations' }], {});
    const sites = new Map<string, string | undefined>();
    for (const d of read.drafts) {
      if (!sites.has(d.siteRef)) {
        const s = await resolveSiteId(apis.locations, d.siteRef);
        sites.set(d.siteRef, s.ok ? s.value : undefined);
      }
      if (sites.get(d.siteRef) === undefined) errors.push({ row: d.row, field: d.lines[0]!.field('siteId'), message: `no site ${d.siteRef}` });
    }
    // A caller of some sites only: every site the document names is checked before anything is written (it throws).
    const siteIds = [...new Set([...sites.values()].filter((s): s is string => s !== undefined))].sort();
    for (const site of siteIds) mayActAt?.(site);
    const drafts = oneDraftPerAsn(read.drafts, (ref) => sites.get(ref), format, errors);
    const catalog = apis.catalog();
    if (catalog !== undefined) {
      const known = await catalog.getBySkus([...new Set(read.drafts.flatMap((d) => d.lines.map((l) => l.sku)))]);
      for (const d of read.drafts) for (const l of d.lines) if (!known.has(l.sku)) errors.push({ row: l.row, field: l.field('sku'), message: `no product with SKU ${l.sku}` });
    }
    if (errors.length > 0) return { ...outcome('asns', read.rows, errors, { created: 0, unchanged: 0 }), siteIds };
    let created = 0;
    let unchanged = 0;
    try {
      await atomically(async (tx) => {
        // The same ASN sent by two requests (or files) at once: the second waits for the first and finds its number
        // (`unchanged`), instead of failing on the number's key. Locked in one order, so two documents do not deadlock.
        const keys = [...new Set(drafts.map((d) => `${sites.get(d.siteRef)!} ${d.asnNumber}`))].sort();
        for (const key of keys) await tx.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.erp-asn'), hashtext($1))`, [key]);
        for (const d of drafts) {
          const siteId = sites.get(d.siteRef)!;
          if ((await store.erpAsns(tx, siteId, [d.asnNumber])).size > 0) {
            unchanged += 1;
            continue;
          }
          const made = await inventory.createAsn({
            siteId, ownerId: d.ownerId, supplier: d.supplier, reference: d.asnNumber, expectedOn: d.expectedOn,
            lines: d.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, lot: l.lot, expiresOn: l.expiresOn })),
          }, meta);
          if (!made.ok) {
            // Inventory names fields of its ASN (/ownerId, /lines/0/sku): as the file names them.
            const base = d.lines[0]!.field('asnNumber');
            const where = (f: string): string => (base.startsWith('/') ? `${base.replace(/\/asnNumber$/, '')}${f}` : f.split('/').pop() ?? f);
            errors.push(...(made.errors ?? []).map((e) => ({ row: d.row, field: where(e.field), message: e.message })));
            if (made.errors === undefined || made.errors.length === 0) errors.push({ row: d.row, field: d.lines[0]!.field('asnNumber'), message: `${made.code}: ${made.message}` });
            throw new Error('an ASN was refused');
          }
          await store.insertErpAsn(tx, { siteId, asnNumber: d.asnNumber, asnId: made.value.asnId, now: now() });
          created += 1;
        }
      });
    } catch (e) {
      if (errors.length === 0) throw e;
      return { ...outcome('asns', read.rows, errors, { created: 0, unchanged: 0 }), siteIds };
    }
    return { ...outcome('asns', read.rows, errors, { created, unchanged }), siteIds };
  }

  /**
   * Imports a document whole or not at all, and logs it (GET /integrations/erp/inbound-files). `mayActAt` (a POST's
   * caller) is called with each site the document names before anything is written or recorded, and throws to refuse
   * it. A rejected document is logged only when `logRejected` (a dropped file, moved to error/): a document POSTed is
   * answered 422 with its errors instead, and a refusal changes nothing.
   */
  async function receive(name: string, kind: InboundKind | undefined, format: InboundFormat, text: string, meta: EventMeta,
    o: { readonly logRejected: boolean; readonly mayActAt?: (siteId: string) => void; readonly fingerprint?: string | undefined } = { logRejected: true },
  ): Promise<InboundOutcome & { fileId: string | null }> {
    // The import and its log commit together: a process killed between two transactions had imported a dropped file
    // without logging it, and the file, taken up again, was logged with what the second import found ("created 0,
    // unchanged N"), hiding what the file did.
    return atomically(() => receiveOnce(name, kind, format, text, meta, o));
  }

  async function receiveOnce(name: string, kind: InboundKind | undefined, format: InboundFormat, text: string, meta: EventMeta,
    o: { readonly logRejected: boolean; readonly mayActAt?: (siteId: string) => void; readonly fingerprint?: string | undefined },
  ): Promise<InboundOutcome & { fileId: string | null }> {
    // A dropped file logged already was handled by a process that stopped before moving it out of inbox/ (or whose
    // move failed): answered as it was then, so that it is moved now, not imported and logged a second time.
    if (o.fingerprint !== undefined) {
      const seen = await store.fileByFingerprint(deps.db, o.fingerprint);
      if (seen !== undefined) {
        deps.log.info({ file: name, fileId: seen.id, status: seen.status }, 'erp: inbound file handled already (not moved out of inbox/ then); moved now');
        return { kind: seen.kind, accepted: seen.status === 'PROCESSED', rows: seen.rows, summary: seen.summary, errors: seen.errors, fileId: seen.id };
      }
    }
    const { siteIds = [], ...result }: InboundOutcome & { siteIds?: string[] } = kind === undefined
      ? outcome('unknown', 0, [{ row: 0, field: '', message: 'the file name must start with items or asns and end in .json or .csv' }], {})
      : kind === 'items' ? await importItems(text, format, meta, o.mayActAt) : await importAsns(text, format, meta, o.mayActAt);
    if (!result.accepted && !o.logRejected) return { ...result, fileId: null };
    const fileId = deps.ids.next('erf');
    const logged = await deps.db.tx(async (tx) => {
      const fresh = await store.insertFile(tx, {
        id: fileId, name, kind: result.kind, status: result.accepted ? 'PROCESSED' : 'REJECTED', rows: result.rows, summary: result.summary,
        errors: [...result.errors], siteIds, receivedAt: now(),
      }, o.fingerprint ?? null);
      // A dropped file (a POSTed one is answered instead): one rejected into error/ is an ERP_FILE_REJECTED exception
      // (nothing else tells anyone), one imported clears such a case of its name (the fixed file dropped again).
      if (fresh && o.fingerprint !== undefined) {
        const site = siteIds.length === 1 ? { siteId: siteIds[0]! } : {};
        await deps.bus.append(tx, 'integrations', [result.accepted
          ? { type: IntegrationsEvents.erpFileImported, subject: fileId, ...site, data: { fileId, name, kind: result.kind, rows: result.rows, siteIds } }
          : {
            type: IntegrationsEvents.erpFileRejected, subject: fileId, ...site,
            data: { fileId, name, kind: result.kind, rows: result.rows, errorCount: result.errors.length, errors: result.errors.slice(0, 10).map((e) => ({ row: e.row, field: e.field, message: e.message })), siteIds },
          }], meta);
      }
      return fresh;
    });
    if (!result.accepted) deps.log.warn({ file: name, kind: result.kind, errors: result.errors.length }, 'erp: inbound file rejected');
    // Another process logged the same dropped file first: its record stands.
    const first = logged || o.fingerprint === undefined ? undefined : await store.fileByFingerprint(deps.db, o.fingerprint);
    return { ...result, fileId: first?.id ?? fileId };
  }

  /** The file-drop job: every file waiting in the inbox. */
  async function pickUpFiles(): Promise<number> {
    if (erp?.pickUp === undefined) return 0;
    return erp.pickUp(async (file) => {
      const k = kindOfFile(file.name);
      return receive(file.name, k?.kind, k?.format ?? 'json', file.text, {}, { logRejected: true, fingerprint: file.fingerprint });
    });
  }

  /**
   * A tracking event from the TMS, by its load id or PakLog's shipment id: stored once, and recorded on the shipment
   * by pack & ship (as a carrier event: it moves forward or, repeated or late, changes nothing).
   */
  async function tracking(report: { loadId?: string | undefined; shipmentId?: string | undefined; status: TrackingReport['status']; at: string; detail?: string | undefined }, meta: EventMeta) {
    if (tms === undefined) return PORT_OFF('TMS');
    if (report.loadId === undefined && report.shipmentId === undefined) {
      return reject('VALIDATION_FAILED', 'name the load (loadId) or the shipment (shipmentId)', [{ field: '/loadId', message: 'loadId or shipmentId is required' }]);
    }
    const load = await store.load(deps.db, { shipmentId: report.shipmentId, loadId: report.loadId });
    if (load === undefined) return reject('NOT_FOUND', `no load ${report.loadId ?? report.shipmentId ?? ''} was booked with the TMS`);
    const packShip = apis.packShip();
    if (packShip === undefined) return reject('TRACKING_UNAVAILABLE', 'run the pack-ship context in the process that runs integrations');
    const at = new Date(report.at);
    // Pack & ship first: a crash between the two leaves the event unstored here, and the TMS's retry is a no-op there.
    const tracked = await packShip.track({ carrier: load.carrier, trackingNumber: load.trackingNumber, status: report.status, at: at.toISOString(), detail: report.detail }, meta);
    if (!tracked.ok) return tracked;
    const fresh = await store.insertTracking(deps.db, { shipmentId: load.shipmentId, status: report.status, at, detail: report.detail ?? null, now: now() });
    return ok({ shipmentId: load.shipmentId, loadId: load.loadId, shipmentStatus: tracked.value.status, duplicate: !fresh });
  }

  async function getLoad(shipmentId: string) {
    const load = await store.load(deps.db, { shipmentId });
    if (load === undefined) return reject('NOT_FOUND', `no TMS load for shipment ${shipmentId}`);
    return ok({ ...load, tracking: await store.tracking(deps.db, shipmentId) });
  }

  return {
    partners, erp, tms, shipmentDispatched, stockAdjusted, snapshot, scheduledSnapshots, deliverDue,
    /** Resolves once the attempts under way have ended (the partner-delivery job's `settle`). */
    deliveriesSettled: () => attempts.settled(),
    getMessage, replay, status, receive, pickUpFiles,
    tracking, getLoad,
    listMessages: (f: MessageFilter, after: string | null, limit: number) => store.messages(deps.db, f, after, limit),
    listFiles: (f: { status?: 'PROCESSED' | 'REJECTED' | undefined; siteId?: string | undefined }, after: string | null, limit: number) => store.files(deps.db, f, after, limit),
    listLoads: (f: { booked?: boolean | undefined; siteId?: string | undefined }, after: string | null, limit: number) => store.loads(deps.db, f, after, limit),
    /** The site of the load a TMS report names (by its load id or PakLog's shipment id); undefined when there is none. */
    siteOfLoad: async (by: { loadId?: string | undefined; shipmentId?: string | undefined }): Promise<string | undefined> =>
      (by.loadId === undefined && by.shipmentId === undefined ? undefined : (await store.load(deps.db, by))?.siteId),
    /** The id of the site a reference (id or code) names, or UNKNOWN_SITE naming `field`. */
    resolveSite: (ref: string, field: string) => resolveSiteId(apis.locations, ref, field),
  };
}

export type PortsService = ReturnType<typeof portsService>;
