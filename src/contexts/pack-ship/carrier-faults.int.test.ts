import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCarrier } from '../../../test/support/fake-carrier.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { LIVE_PROCESS_LOCK_CLASS } from '../../platform/db/liveness.ts';
import { OrderEvents, type OrderCancelled, type OrderReceived } from '../../contracts/orders.ts';
import type { PackShipCommands } from '../../contracts/pack-ship.ts';
import { PickingEvents, type LinePicked, type PickListCompleted } from '../../contracts/picking.ts';
import { AppError } from '../../platform/errors.ts';
import { rpcClients, serveRpc } from '../../rpc/contract-rpc.ts';

/** A REST carrier that fails, answers late or loses its answer: what the packer sees, and that a retry gets out. */
let t: TestApp;
let fake: Awaited<ReturnType<typeof startFakeCarrier>>;
/** The carriers file (PAKLOG_CARRIERS_FILE), for a second process of the same installation. */
let carriersFile: string;
const siteId = 'sit_cf1';
const TIMEOUT_MS = 400;
const SHIP_TO = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

beforeAll(async () => {
  fake = await startFakeCarrier({ prefix: 'CF' });
  const dir = mkdtempSync(join(tmpdir(), 'paklog-carrier-faults-'));
  const file = join(dir, 'carriers.json');
  carriersFile = file;
  writeFileSync(file, JSON.stringify({
    carriers: [
      { kind: 'rest', code: 'RESTCO', baseUrl: fake.url, timeoutMs: TIMEOUT_MS, services: [{ code: 'NEXTDAY', name: 'Next day', transitDays: 1 }, { code: 'SAVER', name: 'Saver', transitDays: 3 }] },
      // The same carrier with a patient adapter: a request held at the carrier stays in flight for the whole test.
      { kind: 'rest', code: 'PATIENTCO', baseUrl: fake.url, timeoutMs: 60_000, services: [{ code: 'SAVER', name: 'Saver', transitDays: 3 }] },
    ],
  }));
  // The lease outlasts PATIENTCO's timeout (checked at start); the tests end an attempt's lease themselves (attemptGone).
  t = await startTestApp({ env: { PAKLOG_CARRIERS_FILE: file, PAKLOG_CARRIER_CALL_LEASE_S: '90', PAKLOG_CARRIER_CALL_ATTEMPTS: '3' } });
  await t.post('/api/v1/products', { sku: 'CF-BOOK', description: 'Paperback', lengthMm: 200, widthMm: 150, heightMm: 30, weightG: 300 });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

async function publish(source: string, type: string, subject: string, data: unknown): Promise<void> {
  await t.app.db.tx((tx) => t.app.bus.append(tx, source, [{ type, subject, siteId, data }]));
  await t.settle();
}
/** An order heard of, picked whole and packed into one package: ready to book with RESTCO. */
async function packedOrder(orderId: string, carrier = 'RESTCO'): Promise<void> {
  const received: OrderReceived = {
    orderId, externalId: orderId, siteId, carrier, priority: 0, shipTo: SHIP_TO,
    lines: [{ lineId: `oln_${orderId}_1`, lineNo: 1, sku: 'CF-BOOK', quantity: 1 }],
  };
  await publish('orders', OrderEvents.received, orderId, received);
  const picked: LinePicked = {
    pickListId: `pkl_${orderId}`, pickLineId: `pln_${orderId}_1`, orderId, lineId: `oln_${orderId}_1`, reservationId: `rsv_${orderId}_1`,
    siteId, sku: 'CF-BOOK', locationId: 'loc_1', lot: null, quantity: 1, toteId: `T-${orderId}`,
  };
  await publish('picking', PickingEvents.linePicked, `pkl_${orderId}`, picked);
  const done: PickListCompleted = { pickListId: `pkl_${orderId}`, waveId: 'wav_1', siteId, orderIds: [orderId], status: 'COMPLETED' };
  await publish('picking', PickingEvents.listCompleted, `pkl_${orderId}`, done);
  expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
}
const shipmentsOf = async (orderId: string): Promise<{ id: string; status: string; trackingNumber: string }[]> =>
  (await t.get(`/api/v1/shipments?orderIds=${orderId}`)).body.items;

describe('carrier faults at booking and voiding', () => {
  it('a carrier down at booking answers 503 CARRIER_UNAVAILABLE naming it, writes nothing; the same click again books once', async () => {
    await packedOrder('ord_cf_down');
    fake.failNext();
    const down = await t.post('/api/v1/shipments', { orderId: 'ord_cf_down', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-down-1' });
    expect([down.status, down.body.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    expect(down.body.detail).toContain('RESTCO');
    expect(await shipmentsOf('ord_cf_down')).toEqual([]);
    const again = await t.post('/api/v1/shipments', { orderId: 'ord_cf_down', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-down-1' });
    expect([again.status, again.body.status]).toEqual([201, 'LABELLED']);
    expect(fake.booked.has(again.body.trackingNumber)).toBe(true);
  });

  it('two clicks on "book" at the same moment: one shipment, one carrier booking, the other click 409 NOTHING_TO_SHIP', async () => {
    // PATIENTCO: the race is the point, not the timeout (RESTCO's 400 ms could pass under a loaded CI, a 503 for a slow answer).
    await packedOrder('ord_cf_twice', 'PATIENTCO');
    const before = fake.calls.filter((c) => c.method === 'POST' && c.path === '/shipments').length;
    const [a, b] = await Promise.all([
      t.post('/api/v1/shipments', { orderId: 'ord_cf_twice', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-twice-a' }),
      t.post('/api/v1/shipments', { orderId: 'ord_cf_twice', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-twice-b' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)?.body.code).toBe('NOTHING_TO_SHIP');
    expect(await shipmentsOf('ord_cf_twice')).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'POST' && c.path === '/shipments').length - before).toBe(1);
  });

  it('a void the carrier carried out but whose answer was lost: 503 first, then the retry voids it (the carrier knows no such label any more), not 503 for ever', async () => {
    await packedOrder('ord_cf_void');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_void', service: 'SAVER' }, 'operator');
    expect(booked.status).toBe(201);
    fake.delayNext(TIMEOUT_MS * 3);
    const lost = await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator');
    expect([lost.status, lost.body.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    // The carrier voided it all the same.
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(false);
    expect((await t.get(`/api/v1/shipments/${booked.body.id}`)).body.status).toBe('LABELLED');
    const retry = await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator');
    expect([retry.status, retry.body.status]).toEqual([200, 'VOIDED']);
    // Its package is bookable again.
    const rebooked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_void', service: 'SAVER' }, 'operator');
    expect([rebooked.status, rebooked.body.status]).toEqual([201, 'LABELLED']);
  });

  it('a booking the carrier made but whose answer was lost (a timeout): 503, and the retry gets that booking back (one label at the carrier), not a second one', async () => {
    await packedOrder('ord_cf_lost');
    const before = fake.booked.size;
    fake.delayNext(TIMEOUT_MS * 3, '/shipments');
    const lost = await t.post('/api/v1/shipments', { orderId: 'ord_cf_lost', service: 'SAVER' }, 'operator');
    expect([lost.status, lost.body.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    expect(fake.booked.size - before).toBe(1);
    const first = [...fake.booked.keys()].at(-1);
    expect(await shipmentsOf('ord_cf_lost')).toEqual([]);
    const retry = await t.post('/api/v1/shipments', { orderId: 'ord_cf_lost', service: 'SAVER' }, 'operator');
    expect([retry.status, retry.body.trackingNumber]).toEqual([201, first]);
    expect(fake.booked.size - before).toBe(1);
    // Voided, the same packages are booked anew under a new key: a new label.
    expect((await t.post(`/api/v1/shipments/${retry.body.id}/void`, undefined, 'operator')).status).toBe(200);
    const anew = await t.post('/api/v1/shipments', { orderId: 'ord_cf_lost', service: 'SAVER' }, 'operator');
    expect(anew.status).toBe(201);
    expect(anew.body.trackingNumber).not.toBe(first);
    expect(fake.booked.has(anew.body.trackingNumber)).toBe(true);
  });

  it('a void the carrier refuses (down) stays 503 with the label valid', async () => {
    await packedOrder('ord_cf_void_down');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_void_down', service: 'SAVER' }, 'operator');
    fake.failNext();
    const down = await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator');
    expect([down.status, down.body.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    expect(down.body.detail).toContain('the label stays valid');
    expect((await t.get(`/api/v1/shipments/${booked.body.id}`)).body.status).toBe('LABELLED');
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(true);
  });

  it('a void the carrier answers and refuses (a 4xx, its reason): 409 CARRIER_REFUSED_VOID quoting the reason, nothing changed (LABELLED, nothing owed, no event), asked once — not 503 "try again" (pack3)', async () => {
    await packedOrder('ord_cf_void_refused');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_void_refused', service: 'SAVER' }, 'operator');
    expect(booked.status).toBe(201);
    const asked = (): number => fake.calls.filter((c) => c.method === 'DELETE' && c.path === `/shipments/${booked.body.trackingNumber}`).length;
    const events = async (): Promise<number> =>
      (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE subject = $1`, [booked.body.id]))[0]!.n;
    const eventsBefore = await events();
    fake.refuseNext(`/shipments/${booked.body.trackingNumber}`, 422, { message: 'Label already scanned at pickup: it cannot be voided' });
    const refused = await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator', { 'idempotency-key': 'cf-void-refused-1' });
    expect([refused.status, refused.body.code]).toEqual([409, 'CARRIER_REFUSED_VOID']);
    expect(refused.body.detail).toContain('Label already scanned at pickup');
    expect(refused.body.detail).toContain('RESTCO');
    expect(asked()).toBe(1);
    const after = await t.get(`/api/v1/shipments/${booked.body.id}`);
    expect([after.body.status, after.body.voidedAt]).toEqual(['LABELLED', null]);
    const owed = await t.app.db.query<{ v: string | null; at: Date | null }>(`SELECT label_void AS v, void_asked_at AS at FROM pack_ship.shipments WHERE id = $1`, [booked.body.id]);
    expect(owed[0]).toEqual({ v: null, at: null });
    expect(await events()).toBe(eventsBefore);
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(true);
    // Nothing was left behind: a later void the carrier accepts goes through as ever.
    const later = await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator');
    expect([later.status, later.body.status]).toEqual([200, 'VOIDED']);
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(false);
  });
});

describe('a cancelled order\'s label the carrier does not void', () => {
  it('is not silent: pack-ship.label.void-failed, and LABEL_VOID_FAILED in the exception queue naming the label, whose retry voids it once the carrier answers', async () => {
    await packedOrder('ord_cf_cancel_void');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_cancel_void', service: 'SAVER' }, 'operator');
    expect(booked.status).toBe(201);
    fake.failNext();
    const cancelled: OrderCancelled = {
      orderId: 'ord_cf_cancel_void', siteId, previousStatus: 'PACKED', reason: 'customer changed their mind',
      lines: [{ lineId: 'oln_ord_cf_cancel_void_1', lineNo: 1, sku: 'CF-BOOK', quantity: 1 }],
    };
    await publish('orders', OrderEvents.cancelled, 'ord_cf_cancel_void', cancelled);
    expect((await t.get(`/api/v1/shipments/${booked.body.id}`)).body.status).toBe('CANCELLED');
    // The carrier refused the void: the label is still billed there.
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(true);
    type Case = { id: string; subject: string; reason: string; details: Record<string, unknown>; actions: string[] };
    let raised: Case[] = [];
    for (let i = 0; i < 50 && raised.length === 0; i++) {
      await t.settle();
      raised = ((await t.get('/api/v1/exceptions?kind=LABEL_VOID_FAILED&status=OPEN', 'manager')).body.items as Case[])
        .filter((c) => c.subject === booked.body.id);
      if (raised.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(raised).toHaveLength(1);
    expect(raised[0]!.reason).toContain(booked.body.trackingNumber);
    expect(raised[0]!.details).toMatchObject({ orderId: 'ord_cf_cancel_void', carrier: 'RESTCO', trackingNumber: booked.body.trackingNumber });
    const events = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'pack-ship.label.void-failed.v1' AND subject = $1`, [booked.body.id]);
    expect(events[0]!.n).toBe(1);
    const labelVoid = async (): Promise<string | null> =>
      (await t.app.db.query<{ v: string | null }>(`SELECT label_void AS v FROM pack_ship.shipments WHERE id = $1`, [booked.body.id]))[0]!.v;
    // Settled as refused: the label-voids job leaves it to the person (no second event, no silent retries).
    expect(await labelVoid()).toBe('FAILED');
    expect(raised[0]!.actions).toEqual(['retry', 'acknowledge']);
    // Retry while the carrier is still down: refused, the case stays open.
    fake.failNext();
    const still = await t.post(`/api/v1/exceptions/${raised[0]!.id}/actions/retry`, {}, 'manager');
    expect([still.status, still.body.code]).toEqual([409, 'ACTION_FAILED']);
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(true);
    // Retry once it is back: the label is voided at the carrier and the case resolved.
    const retried = await t.post(`/api/v1/exceptions/${raised[0]!.id}/actions/retry`, {}, 'manager');
    expect([retried.status, retried.body.status]).toEqual([200, 'RESOLVED']);
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(false);
    expect(await labelVoid()).toBe('DONE');
  });

  it('one the carrier answers and refuses (a 4xx, its reason): LABEL_VOID_FAILED quotes the reason, and a retry refused again is ACTION_FAILED quoting it (CARRIER_REFUSED_VOID), not "unavailable" (pack3)', async () => {
    await packedOrder('ord_cf_cancel_refused');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_cancel_refused', service: 'SAVER' }, 'operator');
    expect(booked.status).toBe(201);
    fake.refuseNext(`/shipments/${booked.body.trackingNumber}`, 422, { message: 'Parcel collected by the driver' });
    const cancelled: OrderCancelled = {
      orderId: 'ord_cf_cancel_refused', siteId, previousStatus: 'PACKED', reason: 'customer changed their mind',
      lines: [{ lineId: 'oln_ord_cf_cancel_refused_1', lineNo: 1, sku: 'CF-BOOK', quantity: 1 }],
    };
    await publish('orders', OrderEvents.cancelled, 'ord_cf_cancel_refused', cancelled);
    type Case = { id: string; subject: string; reason: string; details: Record<string, unknown> };
    let raised: Case[] = [];
    for (let i = 0; i < 50 && raised.length === 0; i++) {
      await t.settle();
      raised = ((await t.get('/api/v1/exceptions?kind=LABEL_VOID_FAILED&status=OPEN', 'manager')).body.items as Case[]).filter((c) => c.subject === booked.body.id);
      if (raised.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(raised).toHaveLength(1);
    expect(JSON.stringify(raised[0])).toContain('Parcel collected by the driver');
    fake.refuseNext(`/shipments/${booked.body.trackingNumber}`, 422, { message: 'Parcel collected by the driver' });
    const still = await t.post(`/api/v1/exceptions/${raised[0]!.id}/actions/retry`, {}, 'manager');
    expect([still.status, still.body.code]).toEqual([409, 'ACTION_FAILED']);
    expect(still.body.detail).toContain('refused to void');
    expect(still.body.detail).toContain('Parcel collected by the driver');
    // The command itself, in-process and over gRPC alike: the refusal with its code, the label still at the carrier.
    const local = (t.app.modules.find((m) => m.name === 'pack-ship') as unknown as { commands: PackShipCommands }).commands;
    const server = await serveRpc({ host: '127.0.0.1', port: 0, apis: { packShipCommands: local }, log: pino({ level: 'silent' }) });
    const remote = rpcClients(`127.0.0.1:${server.port}`, { deadlineMs: 10_000 });
    try {
      for (const commands of [local, remote.packShipCommands]) {
        fake.refuseNext(`/shipments/${booked.body.trackingNumber}`, 422, { message: 'Parcel collected by the driver' });
        const refused = await commands.retryLabelVoid(booked.body.id).catch((e: unknown) => ({ thrown: e instanceof AppError ? e.code : String(e) }));
        expect(refused).toMatchObject({ ok: false, code: 'CARRIER_REFUSED_VOID', message: expect.stringContaining('Parcel collected by the driver') });
      }
    } finally {
      remote.close();
      await server.close();
    }
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(true);
  });
});

describe('a cancelled order\'s label void that never settles (the process stops before the carrier answers)', () => {
  it('is owed from the cancellation\'s own commit, and the label-voids job voids it; the late first answer changes nothing', async () => {
    await packedOrder('ord_cf_owed', 'PATIENTCO');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_owed', service: 'SAVER' }, 'operator');
    expect([booked.status, booked.body.carrier]).toEqual([201, 'PATIENTCO']);
    const tracking = booked.body.trackingNumber as string;
    const voidsOf = (): number => fake.calls.filter((c) => c.method === 'DELETE' && c.path === `/shipments/${tracking}`).length;
    const labelVoid = async (): Promise<string | null> =>
      (await t.app.db.query<{ v: string | null }>(`SELECT label_void AS v FROM pack_ship.shipments WHERE id = $1`, [booked.body.id]))[0]!.v;
    // The first attempt, after the commit, reaches the carrier and waits there: a process stopped now would never hear.
    const release = fake.holdNext('/shipments/');
    const cancelled: OrderCancelled = {
      orderId: 'ord_cf_owed', siteId, previousStatus: 'PACKED', reason: 'customer changed their mind',
      lines: [{ lineId: 'oln_ord_cf_owed_1', lineNo: 1, sku: 'CF-BOOK', quantity: 1 }],
    };
    await publish('orders', OrderEvents.cancelled, 'ord_cf_owed', cancelled);
    for (let i = 0; i < 50 && voidsOf() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(voidsOf()).toBe(1);
    expect(fake.booked.has(tracking)).toBe(true);
    // What is owed is in the database, not only in the stopped process's memory.
    expect(await labelVoid()).toBe('OWED');
    const job = t.app.modules.find((m) => m.name === 'pack-ship')?.jobs?.find((j) => j.name === 'pack-ship.label-voids');
    expect(job).toBeDefined();
    // Within its grace the job leaves the first attempt be; past it (the clock moved on), it asks the carrier again.
    await job!.run();
    expect(voidsOf()).toBe(1);
    await t.app.db.query(`UPDATE pack_ship.shipments SET voided_at = voided_at - interval '5 minutes' WHERE id = $1`, [booked.body.id]);
    await job!.run();
    expect(voidsOf()).toBe(2);
    expect(fake.booked.has(tracking)).toBe(false);
    expect(await labelVoid()).toBe('DONE');
    // The first attempt's answer comes at last: the carrier no longer knows the label, which counts as voided.
    release();
    for (let i = 0; i < 50 && fake.calls.filter((c) => c.path === `/shipments/${tracking}`).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await t.settle();
    expect(await labelVoid()).toBe('DONE');
    const failed = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'pack-ship.label.void-failed.v1' AND subject = $1`, [booked.body.id]);
    expect(failed[0]!.n).toBe(0);
    await job!.run();
    expect(voidsOf()).toBe(2);
  });
});

describe('closing a manifest', () => {
  it('a carrier PakLog does not know answers 422 UNKNOWN_CARRIER with nothing written; a known carrier with nothing waiting stays 409 NOTHING_TO_MANIFEST', async () => {
    const manifests = async (): Promise<number> => (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pack_ship.manifests WHERE carrier = 'NOSUCHCO'`))[0]!.n;
    const site = (await t.post('/api/v1/sites', { code: 'CFM', name: 'Manifest site' })).body.id as string;
    const unknown = await t.post('/api/v1/manifests', { siteId: site, carrier: 'NOSUCHCO' }, 'operator');
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_CARRIER']);
    expect(unknown.body.detail).toContain('NOSUCHCO');
    expect(await manifests()).toBe(0);
    const own = await t.post('/api/v1/manifests', { siteId: site, carrier: 'RESTCO' }, 'operator');
    expect([own.status, own.body.code]).toEqual([409, 'NOTHING_TO_MANIFEST']);
  });
});

describe('a booking the carrier made that PakLog never recorded (the process stopped, or the commit failed, after the carrier answered)', () => {
  type Call = { state: string; call_key: string; attempts: number; tracking_number: string | null };
  const callsOf = async (orderId: string): Promise<Call[]> => t.app.db.query<Call>(
    `SELECT state, call_key, attempts, tracking_number FROM pack_ship.carrier_calls WHERE order_id = $1 ORDER BY created_at`, [orderId],
  );
  const carrierCallsJob = () => t.app.modules.find((m) => m.name === 'pack-ship')?.jobs?.find((j) => j.name === 'pack-ship.carrier-calls');
  /** The attempt that asked is gone (its process stopped): its lease is over, and a minute has passed since it was asked. */
  const attemptGone = async (orderId: string): Promise<void> => {
    await t.app.db.query(`UPDATE pack_ship.carrier_calls SET leased_until = NULL, created_at = created_at - interval '5 minutes' WHERE order_id = $1`, [orderId]);
  };
  const until = async (what: () => boolean | Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200 && !await what(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  const bookingsAtCarrier = (): number => fake.calls.filter((c) => c.method === 'POST' && c.path === '/shipments').length;

  it('is owed from a commit made before the carrier was asked, and the carrier-calls job records it (the same key: one label) with no retry from the client; the late first answer gets that shipment', async () => {
    await packedOrder('ord_cf_unrecorded', 'PATIENTCO');
    const before = fake.booked.size;
    // The carrier books at once but its answer comes late: meanwhile PakLog has recorded nothing (a process killed now never would).
    fake.delayNext(2_000, '/shipments');
    const first = t.post('/api/v1/shipments', { orderId: 'ord_cf_unrecorded', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-unrecorded-1' });
    await until(() => fake.booked.size > before);
    expect(fake.booked.size - before).toBe(1);
    const label = [...fake.booked.keys()].at(-1)!;
    expect(await shipmentsOf('ord_cf_unrecorded')).toEqual([]);
    // What is owed is in the database, not only in the asking process's memory.
    const owed = await callsOf('ord_cf_unrecorded');
    expect(owed.map((c) => c.state)).toEqual(['OWED']);
    const job = carrierCallsJob();
    expect(job).toBeDefined();
    // While the asking attempt holds it, the job leaves it be.
    await job!.run();
    expect(await shipmentsOf('ord_cf_unrecorded')).toEqual([]);
    await attemptGone('ord_cf_unrecorded');
    const asked = bookingsAtCarrier();
    await job!.run();
    // Asked again with the same key: the carrier answers the booking it made, which is recorded, labelled, announced.
    expect(bookingsAtCarrier() - asked).toBe(1);
    expect(fake.booked.size - before).toBe(1);
    const recorded = await shipmentsOf('ord_cf_unrecorded');
    expect(recorded.map((s) => [s.status, s.trackingNumber])).toEqual([['LABELLED', label]]);
    expect((await callsOf('ord_cf_unrecorded')).map((c) => [c.state, c.tracking_number])).toEqual([['DONE', label]]);
    const created = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'pack-ship.shipment.created.v1' AND subject = $1`, [recorded[0]!.id]);
    expect(created[0]!.n).toBe(1);
    // The first request's answer comes at last: it gets the shipment the job recorded, nothing twice.
    const answered = await first;
    expect([answered.status, answered.body.id, answered.body.trackingNumber]).toEqual([201, recorded[0]!.id, label]);
    expect(await shipmentsOf('ord_cf_unrecorded')).toHaveLength(1);
    await job!.run();
    expect(fake.booked.size - before).toBe(1);
  });

  it('whose recording transaction failed after the carrier answered: the request fails, the call stays owed, and the carrier-calls job records the carrier\'s label', async () => {
    await packedOrder('ord_cf_abort', 'RESTCO');
    const before = fake.booked.size;
    // The commit that records the carrier's answer fails (as a killed process's never comes).
    await t.app.db.query(`CREATE FUNCTION pack_ship.cf_abort() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.order_id = 'ord_cf_abort' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$`);
    await t.app.db.query(`CREATE TRIGGER cf_abort BEFORE INSERT ON pack_ship.shipments FOR EACH ROW EXECUTE FUNCTION pack_ship.cf_abort()`);
    let failed;
    try {
      failed = await t.post('/api/v1/shipments', { orderId: 'ord_cf_abort', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-abort-1' });
    } finally {
      await t.app.db.query(`DROP TRIGGER cf_abort ON pack_ship.shipments`);
      await t.app.db.query(`DROP FUNCTION pack_ship.cf_abort()`);
    }
    expect(failed.status).toBe(500);
    expect(fake.booked.size - before).toBe(1);
    const label = [...fake.booked.keys()].at(-1)!;
    expect(await shipmentsOf('ord_cf_abort')).toEqual([]);
    expect((await callsOf('ord_cf_abort')).map((c) => c.state)).toEqual(['OWED']);
    // Nobody retries: the job does.
    await attemptGone('ord_cf_abort');
    const job = carrierCallsJob();
    expect(job).toBeDefined();
    await job!.run();
    expect((await shipmentsOf('ord_cf_abort')).map((s) => [s.status, s.trackingNumber])).toEqual([['LABELLED', label]]);
    expect(fake.booked.size - before).toBe(1);
  });

  it('whose order was cancelled meanwhile: the carrier-calls job voids the label with the carrier and keeps it as a CANCELLED shipment (nothing billed, nothing hidden)', async () => {
    await packedOrder('ord_cf_unrecorded_cancel', 'PATIENTCO');
    const before = fake.booked.size;
    fake.delayNext(2_000, '/shipments');
    const first = t.post('/api/v1/shipments', { orderId: 'ord_cf_unrecorded_cancel', service: 'SAVER' }, 'operator');
    await until(() => fake.booked.size > before);
    const label = [...fake.booked.keys()].at(-1)!;
    const cancelled: OrderCancelled = {
      orderId: 'ord_cf_unrecorded_cancel', siteId, previousStatus: 'PACKED', reason: 'the client gave up',
      lines: [{ lineId: 'oln_ord_cf_unrecorded_cancel_1', lineNo: 1, sku: 'CF-BOOK', quantity: 1 }],
    };
    await publish('orders', OrderEvents.cancelled, 'ord_cf_unrecorded_cancel', cancelled);
    await attemptGone('ord_cf_unrecorded_cancel');
    const job = carrierCallsJob();
    expect(job).toBeDefined();
    await job!.run();
    await until(() => !fake.booked.has(label));
    expect(fake.booked.has(label)).toBe(false);
    const kept = await shipmentsOf('ord_cf_unrecorded_cancel');
    expect(kept.map((s) => [s.status, s.trackingNumber])).toEqual([['CANCELLED', label]]);
    await until(async () => (await t.app.db.query<{ v: string | null }>(`SELECT label_void AS v FROM pack_ship.shipments WHERE id = $1`, [kept[0]!.id]))[0]!.v === 'DONE');
    expect((await t.app.db.query<{ v: string | null }>(`SELECT label_void AS v FROM pack_ship.shipments WHERE id = $1`, [kept[0]!.id]))[0]!.v).toBe('DONE');
    const answered = await first;
    expect([answered.status, answered.body.code]).toEqual([409, 'ORDER_CANCELLED']);
    expect(fake.booked.size - before).toBe(0);
  });

  it('a client\'s retry with the same key racing the carrier-calls job: one label at the carrier, one shipment', async () => {
    await packedOrder('ord_cf_race_job', 'RESTCO');
    const before = fake.booked.size;
    fake.failNext('/shipments');
    const down = await t.post('/api/v1/shipments', { orderId: 'ord_cf_race_job', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-race-job' });
    expect([down.status, down.body.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    expect((await callsOf('ord_cf_race_job')).map((c) => c.state)).toEqual(['OWED']);
    await attemptGone('ord_cf_race_job');
    const job = carrierCallsJob();
    expect(job).toBeDefined();
    const [retry] = await Promise.all([
      t.post('/api/v1/shipments', { orderId: 'ord_cf_race_job', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-race-job' }),
      job!.run(),
    ]);
    const shipments = await shipmentsOf('ord_cf_race_job');
    expect(shipments.map((s) => s.status)).toEqual(['LABELLED']);
    expect(fake.booked.size - before).toBe(1);
    expect(fake.booked.has(shipments[0]!.trackingNumber)).toBe(true);
    // The retry got that booking, or found it booked by the job: never a second one.
    if (retry.status === 201) expect(retry.body.id).toBe(shipments[0]!.id);
    else expect([retry.status, retry.body.code]).toEqual([409, 'NOTHING_TO_SHIP']);
    expect((await callsOf('ord_cf_race_job')).map((c) => c.state)).toEqual(['DONE']);
  });

  it('two retries of a booking left owed, at once: one asks the carrier, the other waits for it; one label, one shipment', async () => {
    await packedOrder('ord_cf_race_two', 'RESTCO');
    const before = fake.booked.size;
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_cf_race_two', service: 'SAVER' }, 'operator')).status).toBe(503);
    const asked = bookingsAtCarrier();
    const [a, b] = await Promise.all([
      t.post('/api/v1/shipments', { orderId: 'ord_cf_race_two', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-race-two-a' }),
      t.post('/api/v1/shipments', { orderId: 'ord_cf_race_two', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-race-two-b' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)?.body.code).toBe('NOTHING_TO_SHIP');
    expect(bookingsAtCarrier() - asked).toBe(1);
    expect(fake.booked.size - before).toBe(1);
    expect(await shipmentsOf('ord_cf_race_two')).toHaveLength(1);
  });

  it('a lease held by a process that is gone is taken over at once by the retry (same key, one label); held by a live process, the retry waits and the job leaves it (cancel6)', async () => {
    await packedOrder('ord_cf_holder', 'RESTCO');
    const before = fake.booked.size;
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_cf_holder', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-holder-1' })).status).toBe(503);
    const [owed] = await t.app.db.query<{ call_key: string }>(`SELECT call_key FROM pack_ship.carrier_calls WHERE order_id = $1`, ['ord_cf_holder']);
    // Another process asks the carrier for it now: its liveness lock held on its own connection, the call leased to it
    // for the whole 90 s lease, and older than the job's grace.
    const other = new pg.Client({ connectionString: t.app.db.connectionString });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock($1, 4242)`, [LIVE_PROCESS_LOCK_CLASS]);
      await t.app.db.query(
        `UPDATE pack_ship.carrier_calls SET leased_by = 4242, leased_until = now() + interval '90 seconds', created_at = created_at - interval '5 minutes' WHERE order_id = $1`,
        ['ord_cf_holder']);
      const asked = bookingsAtCarrier();
      // The job leaves it to that process, and a retry waits for it: the carrier is not asked while it lives.
      await carrierCallsJob()!.run();
      let answered = false;
      const retry = t.post('/api/v1/shipments', { orderId: 'ord_cf_holder', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-holder-1' })
        .finally(() => { answered = true; });
      await new Promise((r) => setTimeout(r, 600));
      expect([answered, bookingsAtCarrier() - asked]).toEqual([false, 0]);
      // That process dies (its lock freed with its connection): the waiting retry takes the call over at once — not
      // after the 90 s lease — and asks with the same key.
      const gone = Date.now();
      await other.end();
      const r = await retry;
      expect(Date.now() - gone).toBeLessThan(10_000);
      expect([r.status, r.body.status]).toEqual([201, 'LABELLED']);
      expect(bookingsAtCarrier() - asked).toBe(1);
      expect(fake.booked.size - before).toBe(1);
      expect((await callsOf('ord_cf_holder')).map((c) => [c.state, c.call_key])).toEqual([['DONE', owed!.call_key]]);
    } finally {
      await other.end().catch(() => undefined);
    }
  });

  it('two live processes booking one order at the same moment: one asks the carrier, the other waits for it — one call, one label (cancel6)', async () => {
    await packedOrder('ord_cf_two_procs', 'PATIENTCO');
    const second = await buildApp(loadConfig({ LOG_LEVEL: 'silent', PAKLOG_CARRIERS_FILE: carriersFile, PAKLOG_CARRIER_CALL_LEASE_S: '90' }), t.app.db.connectionString,
      { startRelay: false, startJobs: false });
    try {
      const key = (await second.apiKeys.create('second process', 'operator')).key;
      const before = fake.booked.size;
      const asked = bookingsAtCarrier();
      const release = fake.holdNext('/shipments');
      const first = t.post('/api/v1/shipments', { orderId: 'ord_cf_two_procs', service: 'SAVER' }, 'operator', { 'idempotency-key': 'cf-two-procs-a' });
      await until(() => bookingsAtCarrier() > asked);
      let answered = false;
      const other = second.http.inject({ method: 'POST', url: '/api/v1/shipments', headers: { 'x-api-key': key, 'idempotency-key': 'cf-two-procs-b' },
        payload: { orderId: 'ord_cf_two_procs', service: 'SAVER' } }).then((res) => { answered = true; return res; });
      // Both processes are alive: the second waits for the first's call, it does not ask the carrier beside it.
      await new Promise((r) => setTimeout(r, 600));
      expect([answered, bookingsAtCarrier() - asked]).toEqual([false, 1]);
      release();
      const [a, b] = await Promise.all([first, other]);
      expect([a.status, a.body.status]).toEqual([201, 'LABELLED']);
      expect([b.statusCode, (JSON.parse(b.body) as { code: string }).code]).toEqual([409, 'NOTHING_TO_SHIP']);
      expect(bookingsAtCarrier() - asked).toBe(1);
      expect(fake.booked.size - before).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('a carrier that never answers: after every attempt LABEL_BOOKING_UNSETTLED in the exception queue names the key, and the packages stay bookable', async () => {
    await packedOrder('ord_cf_never', 'RESTCO');
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_cf_never', service: 'SAVER' }, 'operator')).status).toBe(503);
    const job = carrierCallsJob();
    expect(job).toBeDefined();
    // PAKLOG_CARRIER_CALL_ATTEMPTS=3: the request's attempt and two of the job's.
    for (let i = 0; i < 2; i++) {
      await attemptGone('ord_cf_never');
      fake.failNext();
      await job!.run();
    }
    const [call] = await callsOf('ord_cf_never');
    expect([call!.state, call!.attempts]).toEqual(['FAILED', 3]);
    type Case = { subject: string; reason: string; details: Record<string, unknown>; actions: string[] };
    let raised: Case[] = [];
    for (let i = 0; i < 50 && raised.length === 0; i++) {
      await t.settle();
      raised = ((await t.get('/api/v1/exceptions?kind=LABEL_BOOKING_UNSETTLED&status=OPEN', 'manager')).body.items as Case[])
        .filter((c) => c.details.orderId === 'ord_cf_never');
      if (raised.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(raised).toHaveLength(1);
    expect(raised[0]!.reason).toContain(call!.call_key);
    expect(raised[0]!.actions).toEqual(['retry', 'acknowledge']);
    // Given up, it stands in no one's way: the packages are booked again (the same key: a label the carrier made is answered, not doubled).
    const again = await t.post('/api/v1/shipments', { orderId: 'ord_cf_never', service: 'SAVER' }, 'operator');
    expect([again.status, again.body.status]).toEqual([201, 'LABELLED']);
  });

  it('a carrier that refuses a booking (4xx, its reason): 422 CARRIER_REFUSED_BOOKING quoting the reason, asked once, nothing recorded (no call owed, no event), never asked again', async () => {
    await packedOrder('ord_cf_refused', 'RESTCO');
    const eventsOf = async (): Promise<number> => (await t.app.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM platform.events WHERE subject = 'ord_cf_refused' OR envelope->'data'->>'orderId' = 'ord_cf_refused'`)).map((r) => Number(r.n))[0]!;
    const events = await eventsOf();
    const asked = bookingsAtCarrier();
    fake.refuseNext('/shipments', 422, { message: `Postal code SW1Y 4JH is not served by SAVER; ${'x'.repeat(600)}` });
    const refused = await t.post('/api/v1/shipments', { orderId: 'ord_cf_refused', service: 'SAVER' }, 'operator');
    expect([refused.status, refused.body.code]).toEqual([422, 'CARRIER_REFUSED_BOOKING']);
    expect(refused.body.detail).toContain('Postal code SW1Y 4JH is not served by SAVER');
    expect(refused.body.detail).toMatch(/ship-to address.*another carrier or service.*cancel/);
    expect(refused.body.detail).not.toMatch(/never answered|stays owed/);
    expect((refused.body.detail as string).length).toBeLessThan(700);
    expect(bookingsAtCarrier() - asked).toBe(1);
    expect(await callsOf('ord_cf_refused')).toEqual([]);
    expect(await shipmentsOf('ord_cf_refused')).toEqual([]);
    expect(await eventsOf()).toBe(events);
    // Nothing owed: the carrier-calls job does not ask it again.
    await attemptGone('ord_cf_refused');
    await carrierCallsJob()!.run();
    expect(bookingsAtCarrier() - asked).toBe(1);
    // The way out: booked with another service, it goes through.
    const other = await t.post('/api/v1/shipments', { orderId: 'ord_cf_refused', service: 'NEXTDAY' }, 'operator');
    expect([other.status, other.body.status]).toEqual([201, 'LABELLED']);
  });

  /** The order packed, its booking left owed (the carrier down), then refused by the carrier when the carrier-calls job asks it. */
  async function refusedByJob(orderId: string, status: number, payload: unknown): Promise<void> {
    await packedOrder(orderId, 'RESTCO');
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId, service: 'SAVER' }, 'operator')).status).toBe(503);
    await attemptGone(orderId);
    fake.refuseNext('/shipments', status, payload);
    await carrierCallsJob()!.run();
  }

  it('a booking owed to the carrier-calls job that the carrier refuses: not retried, LABEL_BOOKING_UNSETTLED at once with the carrier\'s reason and the way out', async () => {
    await refusedByJob('ord_cf_refused_job', 400, { error: 'Weight 0.3 kg over the limit of the destination' });
    const [call] = await callsOf('ord_cf_refused_job');
    expect([call!.state, call!.attempts]).toEqual(['FAILED', 2]);
    const asked = bookingsAtCarrier();
    await attemptGone('ord_cf_refused_job');
    await carrierCallsJob()!.run();
    expect(bookingsAtCarrier()).toBe(asked);
    type Case = { id: string; reason: string; details: Record<string, unknown> };
    let raised: Case[] = [];
    for (let i = 0; i < 50 && raised.length === 0; i++) {
      await t.settle();
      raised = ((await t.get('/api/v1/exceptions?kind=LABEL_BOOKING_UNSETTLED&status=OPEN', 'manager')).body.items as Case[])
        .filter((c) => c.details.orderId === 'ord_cf_refused_job');
      if (raised.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(raised).toHaveLength(1);
    expect(raised[0]!.reason).toContain('refused the booking');
    expect(raised[0]!.reason).toContain('Weight 0.3 kg over the limit of the destination');
    expect(raised[0]!.reason).toMatch(/ship-to address.*another carrier or service.*cancel/);
    expect(raised[0]!.reason).not.toMatch(/never answered/);
    expect(raised[0]!.details.refusal).toBe('Weight 0.3 kg over the limit of the destination');
    // The way out: booked with another service, it goes through; the case is acknowledged.
    const other = await t.post('/api/v1/shipments', { orderId: 'ord_cf_refused_job', service: 'NEXTDAY' }, 'operator');
    expect([other.status, other.body.status]).toEqual([201, 'LABELLED']);
    expect((await t.post(`/api/v1/exceptions/${raised[0]!.id}/actions/acknowledge`, undefined, 'manager')).status).toBe(200);
  });

  it('a refused booking retried (LABEL_BOOKING_UNSETTLED\'s retry) answers 422 CARRIER_REFUSED_BOOKING quoting the carrier, in-process and over gRPC alike (CARRIER_UNAVAILABLE before; over gRPC a thrown 503); a silent carrier the same CARRIER_UNAVAILABLE refusal over both', async () => {
    await refusedByJob('ord_cf_refused_rpc', 422, { message: 'Postal code SW1Y 4JH is not served by SAVER' });
    const [row] = await t.app.db.query<{ shipment_id: string; state: string }>(`SELECT shipment_id, state FROM pack_ship.carrier_calls WHERE order_id = 'ord_cf_refused_rpc'`);
    expect(row!.state).toBe('FAILED');
    const local = (t.app.modules.find((m) => m.name === 'pack-ship') as unknown as { commands: PackShipCommands }).commands;
    const server = await serveRpc({ host: '127.0.0.1', port: 0, apis: { packShipCommands: local }, log: pino({ level: 'silent' }) });
    const remote = rpcClients(`127.0.0.1:${server.port}`, { deadlineMs: 10_000 });
    try {
      const answers: Record<string, unknown>[] = [];
      for (const commands of [local, remote.packShipCommands]) {
        fake.refuseNext('/shipments', 422, { message: 'Postal code SW1Y 4JH is not served by SAVER' });
        const refused = await commands.retryBooking(row!.shipment_id).catch((e: unknown) => ({ thrown: e instanceof AppError ? e.code : String(e) }));
        expect(refused).toMatchObject({ ok: false, code: 'CARRIER_REFUSED_BOOKING', message: expect.stringContaining('Postal code SW1Y 4JH is not served by SAVER') });
        answers.push(refused);
        fake.failNext('/shipments');
        const silent = await commands.retryBooking(row!.shipment_id).catch((e: unknown) => ({ thrown: e instanceof AppError ? e.code : String(e) }));
        expect(silent).toMatchObject({ ok: false, code: 'CARRIER_UNAVAILABLE', message: expect.stringMatching(/still does not answer/) });
      }
      expect(answers[1]).toEqual(answers[0]);
      // FAILED again each time: it holds nothing; the exception stays open (the REST action: 409 ACTION_FAILED quoting the carrier).
      expect((await t.app.db.query<{ state: string }>(`SELECT state FROM pack_ship.carrier_calls WHERE order_id = 'ord_cf_refused_rpc'`)).map((c) => c.state)).toEqual(['FAILED']);
    } finally {
      remote.close();
      await server.close();
    }
  });

  it('a booking the carrier refuses after it took the place of one left owed: the refused request changes nothing — the older booking is owed and wanted again, recorded by the job (not booked and voided); booked again with its service, it is taken over (one label, no fault)', async () => {
    const calls = async (orderId: string): Promise<unknown[]> => (await t.app.db.query<{ service: string; state: string; wanted: boolean; last_error: string | null }>(
      `SELECT service, state, wanted, last_error FROM pack_ship.carrier_calls WHERE order_id = $1 ORDER BY created_at`, [orderId])).map((c) => [c.service, c.state, c.wanted]);
    // SAVER left owed (the carrier down), then NEXTDAY refused by the carrier: nothing changed, SAVER still owed and wanted.
    await packedOrder('ord_cf_sup', 'RESTCO');
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_cf_sup', service: 'SAVER' }, 'operator')).status).toBe(503);
    const before = await calls('ord_cf_sup');
    fake.refuseNext('/shipments', 422, { message: 'NEXTDAY is not offered there' });
    const refused = await t.post('/api/v1/shipments', { orderId: 'ord_cf_sup', service: 'NEXTDAY' }, 'operator');
    expect([refused.status, refused.body.code]).toEqual([422, 'CARRIER_REFUSED_BOOKING']);
    expect(await calls('ord_cf_sup')).toEqual(before);
    expect(before).toEqual([['SAVER', 'OWED', true]]);
    // The job books it and records it: one label, LABELLED (before: booked, then voided as superseded).
    await attemptGone('ord_cf_sup');
    await carrierCallsJob()!.run();
    const [shipment] = await shipmentsOf('ord_cf_sup');
    expect([shipment?.status, fake.booked.has(shipment!.trackingNumber)]).toEqual(['LABELLED', true]);

    // The same, then SAVER asked again by the packer before the job: it takes over the owed booking (one call, one label);
    // before, a second call with the same key recorded the label and the superseded one, asked by the job, failed on it every minute.
    await packedOrder('ord_cf_sup2', 'RESTCO');
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_cf_sup2', service: 'SAVER' }, 'operator')).status).toBe(503);
    await t.app.db.query(`UPDATE pack_ship.carrier_calls SET wanted = false WHERE order_id = 'ord_cf_sup2'`);
    const again = await t.post('/api/v1/shipments', { orderId: 'ord_cf_sup2', service: 'SAVER' }, 'operator');
    expect([again.status, again.body.status]).toEqual([201, 'LABELLED']);
    expect(await calls('ord_cf_sup2')).toEqual([['SAVER', 'DONE', true]]);
    await attemptGone('ord_cf_sup2');
    await carrierCallsJob()!.run();
    expect((await shipmentsOf('ord_cf_sup2')).map((x) => [x.status, x.trackingNumber])).toEqual([['LABELLED', again.body.trackingNumber]]);
    expect(fake.booked.has(again.body.trackingNumber)).toBe(true);
  });

  type Unsettled = { id: string; subject: string; status: string; resolution: string | null; details: Record<string, unknown>; actions: string[] };
  /** The order's booking given up after every attempt (the carrier never answered), and its open LABEL_BOOKING_UNSETTLED. */
  async function givenUp(orderId: string): Promise<Unsettled> {
    await packedOrder(orderId, 'RESTCO');
    fake.failNext('/shipments');
    expect((await t.post('/api/v1/shipments', { orderId, service: 'SAVER' }, 'operator')).status).toBe(503);
    for (let i = 0; i < 2; i++) {
      await attemptGone(orderId);
      fake.failNext();
      await carrierCallsJob()!.run();
    }
    expect((await callsOf(orderId)).map((c) => c.state)).toEqual(['FAILED']);
    let raised: Unsettled[] = [];
    for (let i = 0; i < 50 && raised.length === 0; i++) {
      await t.settle();
      raised = ((await t.get('/api/v1/exceptions?kind=LABEL_BOOKING_UNSETTLED&status=OPEN', 'manager')).body.items as Unsettled[]).filter((c) => c.details.orderId === orderId);
      if (raised.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(raised).toHaveLength(1);
    return raised[0]!;
  }

  it('LABEL_BOOKING_UNSETTLED: a manager retries it (roles checked); a carrier still silent is 409 ACTION_FAILED and stays open; answering, the label is recorded and the exception resolved', async () => {
    const x = await givenUp('ord_cf_retry');
    expect((await t.post(`/api/v1/exceptions/${x.id}/actions/retry`, undefined, 'operator')).status).toBe(403);
    expect((await t.post(`/api/v1/exceptions/${x.id}/actions/retry`, undefined, 'viewer')).status).toBe(403);
    fake.failNext('/shipments');
    const silent = await t.post(`/api/v1/exceptions/${x.id}/actions/retry`, undefined, 'manager');
    expect([silent.status, silent.body.code]).toEqual([409, 'ACTION_FAILED']);
    expect(silent.body.detail).toMatch(/still does not answer/);
    expect((await t.get(`/api/v1/exceptions/${x.id}`, 'manager')).body.status).toBe('OPEN');
    // Failed again at once: it holds nothing, the job leaves it be.
    expect((await callsOf('ord_cf_retry')).map((c) => [c.state, c.attempts])).toEqual([['FAILED', 4]]);
    const before = fake.booked.size;
    const done = await t.post(`/api/v1/exceptions/${x.id}/actions/retry`, undefined, 'manager', { 'idempotency-key': 'cf-retry-1' });
    expect([done.status, done.body.status, done.body.resolution]).toEqual([200, 'RESOLVED', 'retry']);
    const [shipment] = await shipmentsOf('ord_cf_retry');
    expect([shipment!.id, shipment!.status]).toEqual([x.subject, 'LABELLED']);
    expect(fake.booked.size - before).toBe(1);
    expect((await callsOf('ord_cf_retry')).map((c) => [c.state, c.tracking_number])).toEqual([['DONE', shipment!.trackingNumber]]);
    // Nothing left to book: the packages are labelled.
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_cf_retry', service: 'SAVER' }, 'operator')).body.code).toBe('NOTHING_TO_SHIP');
  });

  it('LABEL_BOOKING_UNSETTLED retried after the order was cancelled: the label the carrier answers is voided; after the packages were booked again with the same key, the retry settles on that label', async () => {
    const cancelledCase = await givenUp('ord_cf_retry_cancel');
    const cancelled: OrderCancelled = {
      orderId: 'ord_cf_retry_cancel', siteId, previousStatus: 'PACKED', reason: 'the customer gave up',
      lines: [{ lineId: 'oln_ord_cf_retry_cancel_1', lineNo: 1, sku: 'CF-BOOK', quantity: 1 }],
    };
    await publish('orders', OrderEvents.cancelled, 'ord_cf_retry_cancel', cancelled);
    const voided = await t.post(`/api/v1/exceptions/${cancelledCase.id}/actions/retry`, undefined, 'manager');
    expect([voided.status, voided.body.resolution]).toEqual([200, 'retry']);
    await t.settle();
    await until(async () => (await shipmentsOf('ord_cf_retry_cancel')).some((s) => !fake.booked.has(s.trackingNumber)));
    const [kept] = await shipmentsOf('ord_cf_retry_cancel');
    expect(kept!.status).toBe('CANCELLED');
    expect(fake.booked.has(kept!.trackingNumber)).toBe(false);

    const rebooked = await givenUp('ord_cf_retry_again');
    const again = await t.post('/api/v1/shipments', { orderId: 'ord_cf_retry_again', service: 'SAVER' }, 'operator');
    expect([again.status, again.body.status]).toEqual([201, 'LABELLED']);
    // The booking made again with the same key took over the given-up one (the carrier answers one label for both):
    // its label is recorded under that shipment, and the exception, whose cause is gone, clears by itself (exc9).
    expect(again.body.id).toBe(rebooked.subject);
    expect((await callsOf('ord_cf_retry_again')).map((c) => [c.state, c.tracking_number])).toEqual([['DONE', again.body.trackingNumber]]);
    let cleared: Unsettled | undefined;
    for (let i = 0; i < 50 && cleared?.status !== 'RESOLVED'; i++) {
      await t.settle();
      cleared = (await t.get(`/api/v1/exceptions/${rebooked.id}`, 'manager')).body as Unsettled;
      if (cleared.status !== 'RESOLVED') await new Promise((r) => setTimeout(r, 100));
    }
    expect([cleared!.status, cleared!.resolution]).toEqual(['RESOLVED', 'auto: its label was recorded (a booking with the same key)']);
    const settled = await t.post(`/api/v1/exceptions/${rebooked.id}/actions/retry`, undefined, 'manager');
    expect([settled.status, settled.body.code]).toEqual([409, 'EXCEPTION_RESOLVED']);
    expect((await shipmentsOf('ord_cf_retry_again')).map((s) => [s.id, s.status])).toEqual([[again.body.id, 'LABELLED']]);
    expect(fake.booked.has(again.body.trackingNumber)).toBe(true);
  });
});

describe('a label void the carrier carried out that PakLog never recorded (the commit failed, or the process stopped, after the carrier answered)', () => {
  it('is owed from a commit made before the carrier was asked: the shipment is neither manifested nor dispatched meanwhile, and the label-voids job records it VOIDED', async () => {
    await packedOrder('ord_cf_void_unrecorded');
    const booked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_void_unrecorded', service: 'SAVER' }, 'operator');
    expect(booked.status).toBe(201);
    const id = booked.body.id as string;
    // The commit that records the carrier's answer fails (as a killed process's never comes).
    await t.app.db.query(`CREATE FUNCTION pack_ship.cf_void_abort() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = '${id}' AND NEW.status = 'VOIDED' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$`);
    await t.app.db.query(`CREATE TRIGGER cf_void_abort BEFORE UPDATE ON pack_ship.shipments FOR EACH ROW EXECUTE FUNCTION pack_ship.cf_void_abort()`);
    let failed;
    try {
      failed = await t.post(`/api/v1/shipments/${id}/void`, undefined, 'operator');
    } finally {
      await t.app.db.query(`DROP TRIGGER cf_void_abort ON pack_ship.shipments`);
      await t.app.db.query(`DROP FUNCTION pack_ship.cf_void_abort()`);
    }
    expect(failed.status).toBe(500);
    // The carrier voided the label; PakLog still shows it LABELLED, with the void owed.
    expect(fake.booked.has(booked.body.trackingNumber)).toBe(false);
    expect((await t.get(`/api/v1/shipments/${id}`)).body.status).toBe('LABELLED');
    const labelVoid = async (): Promise<string | null> =>
      (await t.app.db.query<{ v: string | null }>(`SELECT label_void AS v FROM pack_ship.shipments WHERE id = $1`, [id]))[0]!.v;
    expect(await labelVoid()).toBe('OWED');
    // A dead label is never handed over meanwhile.
    const dispatch = await t.post(`/api/v1/shipments/${id}/dispatch`, undefined, 'operator');
    expect([dispatch.status, dispatch.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    const manifest = await t.post('/api/v1/manifests', { siteId, carrier: 'RESTCO' }, 'operator');
    if (manifest.status === 201) expect(manifest.body.data.shipments.map((s: { shipmentId: string }) => s.shipmentId)).not.toContain(id);
    // Nobody retries: the label-voids job asks again (the carrier no longer knows the label) and records it.
    await t.app.db.query(`UPDATE pack_ship.shipments SET void_asked_at = void_asked_at - interval '5 minutes' WHERE id = $1`, [id]);
    const job = t.app.modules.find((m) => m.name === 'pack-ship')?.jobs?.find((j) => j.name === 'pack-ship.label-voids');
    await job!.run();
    expect((await t.get(`/api/v1/shipments/${id}`)).body.status).toBe('VOIDED');
    expect(await labelVoid()).toBe('DONE');
    const voided = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'pack-ship.shipment.voided.v1' AND subject = $1`, [id]);
    expect(voided[0]!.n).toBe(1);
    // Its package is bookable again.
    const rebooked = await t.post('/api/v1/shipments', { orderId: 'ord_cf_void_unrecorded', service: 'SAVER' }, 'operator');
    expect([rebooked.status, rebooked.body.status]).toEqual([201, 'LABELLED']);
  });
});
