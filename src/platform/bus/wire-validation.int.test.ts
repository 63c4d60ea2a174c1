/**
 * Events are validated against their contract on the wire (issue 8 §3), here on the inline transport and real
 * PostgreSQL: an event that breaks its schema is dead-lettered with its problems, never published or handled, and a
 * replay validates it again. The contract suite (transport-contract.int.test.ts) runs the same promises on the brokers.
 */
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { systemClock } from '../clock.ts';
import { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrations.ts';
import { uuidv7Ids } from '../ids.ts';
import type { EventEnvelope } from './envelope.ts';
import { EventBus, PUBLISH_DEAD_LETTER, type EventContract } from './event-bus.ts';
import { publishedLanguage } from './published-language.ts';
import { InlineTransport } from './transport.ts';

const COUNTED = 'wire.thing.counted.v1';
/** The contract as the producer and this consumer know it: `n` is an integer. */
const strict = publishedLanguage({ [COUNTED]: Type.Object({ n: Type.Integer() }) });
/** The contract after a fix, as a later consumer knows it: `n` may also be a word. */
const relaxed = publishedLanguage({ [COUNTED]: Type.Object({ n: Type.Union([Type.Integer(), Type.String()]) }) });

let dbInfo: { url: string; drop: () => Promise<void> };
let db: Database;

beforeAll(async () => {
  dbInfo = await createTestDatabase();
  db = new Database(dbInfo.url);
  await migrate(db, [
    { schema: 'platform', migrations: loadMigrations(new URL('../migrations/', import.meta.url)) },
    { schema: 'counter', inbox: true, migrations: [{ name: '001.sql', sql: 'CREATE TABLE effects (n serial PRIMARY KEY, event_id text NOT NULL, subject text NOT NULL)' }] },
  ]);
});
afterAll(async () => {
  await db.close();
  await dbInfo.drop();
});

interface Harness {
  readonly bus: EventBus;
  readonly transport: InlineTransport;
  /** Event ids the handler ran for. */
  readonly handled: string[];
  readonly errors: { obj: object; msg: string }[];
  readonly invalid: string[];
}

async function harness(contract: EventContract | undefined, maxAttempts = 2): Promise<Harness> {
  const transport = new InlineTransport();
  const handled: string[] = [];
  const errors: { obj: object; msg: string }[] = [];
  const invalid: string[] = [];
  const bus = new EventBus({
    db, ids: uuidv7Ids, clock: systemClock, transport, maxAttempts, retryDelaysMs: [0],
    log: { warn: () => undefined, error: (obj, msg) => errors.push({ obj, msg }) },
    ...(contract === undefined ? {} : { contract }),
    onInvalid: (stage, consumer, type) => invalid.push(`${stage} ${consumer} ${type}`),
  });
  await bus.subscribe('counter', [{
    types: [COUNTED],
    handle: async (e, tx) => {
      handled.push(e.id);
      await tx.query(`INSERT INTO counter.effects (event_id, subject) VALUES ($1, $2)`, [e.id, e.subject]);
    },
  }]);
  return { bus, transport, handled, errors, invalid };
}

const effectsOf = async (subject: string): Promise<string[]> =>
  (await db.query<{ event_id: string }>(`SELECT event_id FROM counter.effects WHERE subject = $1 ORDER BY n`, [subject])).map((r) => r.event_id);
const deadLetter = async (consumer: string, eventId: string) =>
  (await db.query<{ id: string; attempts: number; last_error: string; replayed_at: Date | null }>(
    `SELECT id, attempts, last_error, replayed_at FROM platform.dead_letters WHERE consumer = $1 AND event_id = $2`, [consumer, eventId],
  ))[0];
const inInbox = async (eventId: string): Promise<boolean> => (await db.query(`SELECT 1 FROM counter.inbox WHERE event_id = $1`, [eventId])).length === 1;

/** An envelope as a foreign or buggy producer would put it on the wire, past any outbox. */
const forged = (subject: string, data: unknown): EventEnvelope => ({
  specversion: '1.0', id: uuidv7Ids.next('evt'), type: COUNTED, source: 'wire', subject, time: new Date().toISOString(),
  datacontenttype: 'application/json', data,
});

describe('validation on publish (the outbox relay)', () => {
  it('dead-letters an invalid event with its path and message instead of publishing it, and delivers the valid one after it', async () => {
    const h = await harness(strict);
    const [bad, good] = await db.tx((tx) => h.bus.append(tx, 'wire', [
      { type: COUNTED, subject: 'pub_1', data: { n: 'one' } },
      { type: COUNTED, subject: 'pub_1', data: { n: 2 } },
    ]));
    h.bus.start();
    await h.bus.idle();
    await h.bus.stop();
    // The relay moved on: nothing is left pending, the valid event (same aggregate, after the bad one) was handled.
    expect(await h.bus.pendingCount(db)).toBe(0);
    expect(await effectsOf('pub_1')).toEqual([good!.id]);
    expect(h.handled).toEqual([good!.id]);
    expect(await deadLetter(PUBLISH_DEAD_LETTER, bad!.id)).toMatchObject({ attempts: 1, last_error: `invalid event: ${COUNTED} /n must be integer`, replayed_at: null });
    // The consumer never saw it: no dead letter, no inbox row of its own.
    expect(await deadLetter('counter', bad!.id)).toBeUndefined();
    expect(await inInbox(bad!.id)).toBe(false);
    expect(h.invalid).toEqual([`publish ${PUBLISH_DEAD_LETTER} ${COUNTED}`]);
    expect(h.errors).toEqual([{ obj: expect.objectContaining({ eventId: bad!.id, type: COUNTED, error: expect.stringContaining('/n must be integer') }), msg: 'invalid event dead-lettered, not published' }]);
    // The event store keeps it: it was committed, only its publication was refused.
    expect(await db.query(`SELECT 1 FROM platform.events WHERE event_id = $1`, [bad!.id])).toHaveLength(1);
  });

  it('dead-letters an event of a type the published language does not declare', async () => {
    const h = await harness(strict);
    const [stray] = await db.tx((tx) => h.bus.append(tx, 'wire', [{ type: 'wire.thing.misspelt.v1', subject: 'pub_2', data: { n: 1 } }]));
    h.bus.start();
    await h.bus.idle();
    await h.bus.stop();
    expect(await deadLetter(PUBLISH_DEAD_LETTER, stray!.id)).toMatchObject({ last_error: 'invalid event: wire.thing.misspelt.v1 is not a published event type' });
  });

  it('records a bounded list of problems for a payload broken everywhere (TypeBox stops at 8)', async () => {
    const h = await harness(publishedLanguage({ [COUNTED]: Type.Object(Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`f${i}`, Type.Integer()]))) }));
    const [broken] = await db.tx((tx) => h.bus.append(tx, 'wire', [{ type: COUNTED, subject: 'pub_3', data: Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`f${i}`, 'x'])) }]));
    h.bus.start();
    await h.bus.idle();
    await h.bus.stop();
    const error = (await deadLetter(PUBLISH_DEAD_LETTER, broken!.id))!.last_error;
    expect(error.split('; '), error).toHaveLength(8);
    expect(error).toMatch(/^invalid event: wire\.thing\.counted\.v1 \/f0 must be integer; /);
  });

  it('a replay validates again: still invalid it stays dead, once the contract accepts it the relay publishes it', async () => {
    const before = await harness(strict);
    const [bad] = await db.tx((tx) => before.bus.append(tx, 'wire', [{ type: COUNTED, subject: 'pub_4', data: { n: 'four' } }]));
    before.bus.start();
    await before.bus.idle();
    await before.bus.stop();
    const letter = (await deadLetter(PUBLISH_DEAD_LETTER, bad!.id))!;
    expect(await before.bus.replayDeadLetter(letter.id)).toBe('dead-lettered');
    expect(await deadLetter(PUBLISH_DEAD_LETTER, bad!.id)).toMatchObject({ attempts: 2, replayed_at: null });

    const after = await harness(relaxed);
    after.bus.start();
    expect(await after.bus.replayDeadLetter(letter.id)).toBe('published');
    await after.bus.idle();
    await after.bus.stop();
    expect(await effectsOf('pub_4')).toEqual([bad!.id]);
    expect((await deadLetter(PUBLISH_DEAD_LETTER, bad!.id))!.replayed_at).not.toBeNull();
    expect(await after.bus.replayDeadLetter(letter.id)).toBe('duplicate');
    expect(await after.bus.pendingCount(db)).toBe(0);
  });
  it('two replays at once of an event the relay refused publish it once: the second finds it handed back already', async () => {
    const before = await harness(strict);
    const after = await harness(relaxed);
    const published: string[] = [];
    const publish = after.transport.publish.bind(after.transport);
    after.transport.publish = async (events) => {
      published.push(...events.map((e) => e.id));
      return publish(events);
    };
    for (let i = 0; i < 10; i++) {
      const [bad] = await db.tx((tx) => before.bus.append(tx, 'wire', [{ type: COUNTED, subject: `pub_5_${i}`, data: { n: 'five' } }]));
      before.bus.start();
      await before.bus.idle();
      await before.bus.stop();
      // The relaxed relay runs only once the strict one refused the event: running, it could take the event first (it
      // shares the outbox) and publish it unrefused, which a loaded CI run did.
      after.bus.start();
      const letter = (await deadLetter(PUBLISH_DEAD_LETTER, bad!.id))!;
      const outcomes = await Promise.all([after.bus.replayDeadLetter(letter.id), after.bus.replayDeadLetter(letter.id)]);
      await after.bus.idle();
      await after.bus.stop();
      expect(outcomes.sort()).toEqual(['duplicate', 'published']);
      expect(published.filter((id) => id === bad!.id)).toEqual([bad!.id]);
      expect(await effectsOf(`pub_5_${i}`)).toEqual([bad!.id]);
    }
  });
});

describe('validation on receipt (a foreign or buggy producer)', () => {
  it('dead-letters an invalid message for the consumer without calling its handler; a redelivery is a no-op', async () => {
    const h = await harness(strict);
    const bad = forged('rcv_1', { n: 'one' });
    const good = forged('rcv_1', { n: 2 });
    await h.transport.publish([bad, good]);
    expect(h.handled).toEqual([good.id]);
    expect(await deadLetter('counter', bad.id)).toMatchObject({ attempts: 1, last_error: `invalid event: ${COUNTED} /n must be integer` });
    // The inbox settles it, so the broker redelivering it changes nothing, not even the dead letter.
    expect(await inInbox(bad.id)).toBe(true);
    expect(await h.bus.deliver('counter', bad)).toBe('duplicate');
    await h.transport.publish([bad]);
    expect(h.handled).toEqual([good.id]);
    expect(await deadLetter('counter', bad.id)).toMatchObject({ attempts: 1 });
    expect(h.invalid).toEqual([`receipt counter ${COUNTED}`]);
    expect(h.errors.map((e) => e.msg)).toEqual(['invalid event dead-lettered on receipt']);
  });

  it('settles the invalid events of a run on their own and handles the rest of the run', async () => {
    const h = await harness(strict);
    const run = [forged('rcv_2', { n: 1 }), forged('rcv_2', {}), forged('rcv_2', { n: 3 })];
    await h.bus.deliverMany('counter', run);
    expect(await effectsOf('rcv_2')).toEqual([run[0]!.id, run[2]!.id]);
    expect(await deadLetter('counter', run[1]!.id)).toMatchObject({ last_error: `invalid event: ${COUNTED} / must have required properties n` });
  });

  it('a replay validates again: refused before the fix, handled once after it, a duplicate the next time', async () => {
    const before = await harness(strict);
    const bad = forged('rcv_3', { n: 'three' });
    await before.transport.publish([bad]);
    const letter = (await deadLetter('counter', bad.id))!;
    expect(await before.bus.replayDeadLetter(letter.id)).toBe('dead-lettered');
    expect(before.handled).toEqual([]);
    expect(await deadLetter('counter', bad.id)).toMatchObject({ attempts: 2, last_error: `invalid event: ${COUNTED} /n must be integer`, replayed_at: null });
    // Still held by the inbox: a redelivery stays a no-op.
    expect(await before.bus.deliver('counter', bad)).toBe('duplicate');

    const after = await harness(relaxed);
    expect(await after.bus.replayDeadLetter(letter.id)).toBe('handled');
    expect(after.handled).toEqual([bad.id]);
    expect(await effectsOf('rcv_3')).toEqual([bad.id]);
    expect((await deadLetter('counter', bad.id))!.replayed_at).not.toBeNull();
    expect(await after.bus.replayDeadLetter(letter.id)).toBe('duplicate');
    expect(await effectsOf('rcv_3')).toEqual([bad.id]);
  });

  it('replays at once of a dead letter still invalid: it stays dead and held, and is handled once after the fix', async () => {
    const before = await harness(strict);
    const after = await harness(relaxed);
    for (let i = 0; i < 60; i++) {
      const bad = forged(`rcv_5_${i}`, { n: 'five' });
      await before.transport.publish([bad]);
      const letter = (await deadLetter('counter', bad.id))!;
      const outcomes = await Promise.all([1, 2, 3, 4, 5, 6].map(() => before.bus.replayDeadLetter(letter.id)));
      // Each delivers it and is refused again, or finds it held again by another: none may mark it replayed. (Six at once,
      // 60 times: with three, 20 times, a replay that saw the row held and then read the error after another's release
      // marked it replayed once in a CI run; six made it show on most runs before the fix, 2026-12-04.)
      expect(outcomes).toEqual(Array(6).fill('dead-lettered'));
      expect(await deadLetter('counter', bad.id), JSON.stringify(outcomes)).toMatchObject({ last_error: `invalid event: ${COUNTED} /n must be integer`, replayed_at: null });
      expect(await after.bus.replayDeadLetter(letter.id)).toBe('handled');
      expect(await effectsOf(`rcv_5_${i}`)).toEqual([bad.id]);
      expect(await after.bus.replayDeadLetter(letter.id)).toBe('duplicate');
    }
  });

  it('a replayed event that passes but whose handler fails stays replayable, and is applied once when it succeeds', async () => {
    const h = await harness(strict);
    const bad = forged('rcv_4', { n: 'four' });
    await h.transport.publish([bad]);
    const letter = (await deadLetter('counter', bad.id))!;
    let failing = true;
    const fixed = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), contract: relaxed, maxAttempts: 1, retryDelaysMs: [0], log: { warn: () => undefined, error: () => undefined } });
    await fixed.subscribe('counter', [{ types: [COUNTED], handle: async (e, tx) => {
      if (failing) throw new Error('downstream is down');
      await tx.query(`INSERT INTO counter.effects (event_id, subject) VALUES ($1, $2)`, [e.id, e.subject]);
    } }]);
    expect(await fixed.replayDeadLetter(letter.id)).toBe('dead-lettered');
    expect(await deadLetter('counter', bad.id)).toMatchObject({ last_error: 'downstream is down', replayed_at: null });
    failing = false;
    expect(await fixed.replayDeadLetter(letter.id)).toBe('handled');
    expect(await effectsOf('rcv_4')).toEqual([bad.id]);
  });

  it('without a registered contract the bus checks nothing (its own tests run with made-up types)', async () => {
    const h = await harness(undefined);
    const odd = forged('rcv_5', { n: 'five' });
    await h.transport.publish([odd]);
    expect(h.handled).toEqual([odd.id]);
  });
});
