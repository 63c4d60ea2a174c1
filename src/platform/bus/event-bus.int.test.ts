import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrations.ts';
import { manualClock, systemClock } from '../clock.ts';
import { uuidv7Ids } from '../ids.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { Metrics } from '../telemetry/metrics.ts';
import { EventBus, eventCtes, RELAY_TAKE_SQL } from './event-bus.ts';
import { EventNotReady } from './not-ready.ts';
import { InlineTransport } from './transport.ts';
import type { EventEnvelope } from './envelope.ts';

const silent = { warn: () => undefined, error: () => undefined };
let dbInfo: { url: string; drop: () => Promise<void> };
let db: Database;

function newBus(handle: (e: EventEnvelope) => Promise<void>, maxAttempts = 3, notReadyTimeoutMs?: number): EventBus {
  const bus = new EventBus({
    db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent, maxAttempts, retryDelaysMs: [0], transientFaultPausesMs: [0, 10, 20, 40, 80],
    ...(notReadyTimeoutMs === undefined ? {} : { notReadyTimeoutMs }),
  });
  void bus.subscribe('consumer_a', [{
    types: ['test.thing.happened.v1'],
    handle: async (e, tx) => {
      await tx.query(`INSERT INTO consumer_a.effects (event_id) VALUES ($1)`, [e.id]);
      await handle(e);
    },
  }]);
  return bus;
}

beforeAll(async () => {
  dbInfo = await createTestDatabase();
  db = new Database(dbInfo.url);
  await migrate(db, [
    { schema: 'platform', migrations: loadMigrations(new URL('../migrations/', import.meta.url)) },
    { schema: 'consumer_a', inbox: true, migrations: [{ name: '001.sql', sql: 'CREATE TABLE effects (n serial PRIMARY KEY, event_id text NOT NULL)' }] },
  ]);
});
afterAll(async () => {
  await db.close();
  await dbInfo.drop();
});

const effects = async (): Promise<number> => (await db.query<{ n: number }>('SELECT count(*) AS n FROM consumer_a.effects'))[0]!.n;

describe('outbox, relay and inbox', () => {
  it('dispatches events committed before a crash exactly once after restart', async () => {
    // "Crash": the command commits its events, but the process dies before the relay runs (it never starts).
    const crashed = newBus(async () => undefined);
    await db.tx(async (tx) => {
      await crashed.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_1', data: { n: 1 } }]);
    });
    expect(await effects()).toBe(0);
    expect(await crashed.pendingCount(db)).toBe(1);

    const restarted = newBus(async () => undefined);
    restarted.start();
    await restarted.idle();
    expect(await effects()).toBe(1);
    // Dispatched rows are deleted (ADR 0042); the event store keeps the event.
    expect(await db.query(`SELECT 1 FROM platform.outbox WHERE subject = 'thing_1'`)).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM platform.events WHERE subject = 'thing_1'`)).toHaveLength(1);

    // A second restart finds nothing left to dispatch.
    const again = newBus(async () => undefined);
    again.start();
    await again.idle();
    await Promise.all([restarted.stop(), again.stop()]);
    expect(await effects()).toBe(1);
  });

  it('a run of events is recorded in the inbox at once: an id seen before or twice in the run is handled once', async () => {
    const before = await effects();
    const bus = newBus(async () => undefined);
    const [a, b] = await db.tx((tx) => bus.append(tx, 'test', [
      { type: 'test.thing.happened.v1', subject: 'thing_run', data: { n: 1 } }, { type: 'test.thing.happened.v1', subject: 'thing_run', data: { n: 2 } },
    ]));
    expect(await bus.deliver('consumer_a', a!)).toBe('handled');
    const { statements } = await db.countStatements(() => bus.deliverMany('consumer_a', [a!, b!, b!]));
    expect(statements.filter((s) => /INSERT INTO "consumer_a"\.inbox/.test(s))).toHaveLength(1);
    expect(await effects()).toBe(before + 2);
  });

  it('an event delivered twice has one effect (inbox)', async () => {
    const before = await effects();
    const bus = newBus(async () => undefined);
    const [event] = await db.tx((tx) => bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_2', data: {} }]));
    expect(await bus.deliver('consumer_a', event!)).toBe('handled');
    expect(await bus.deliver('consumer_a', event!)).toBe('duplicate');
    expect(await effects()).toBe(before + 1);
  });

  it('rolls back events with the command: nothing is published when the transaction fails', async () => {
    const bus = newBus(async () => undefined);
    await expect(db.tx(async (tx) => {
      await bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_3', data: {} }]);
      throw new Error('business rule broke after the events were written');
    })).rejects.toThrow();
    const rows = await db.query(`SELECT 1 FROM platform.events WHERE subject = 'thing_3'`);
    expect(rows).toHaveLength(0);
  });

  it('writes the events of a whole unit of work, appended in three places, in one statement just before COMMIT', async () => {
    const bus = newBus(async () => undefined);
    const thing = (n: number) => ({ type: 'test.thing.happened.v1', subject: 'thing_uow', data: { n } });
    const { value: appended, statements } = await db.countStatements(() => db.unitOfWork(async (unit) => {
      const first = await bus.append(unit, 'test', [thing(1)]);
      const second = await db.tx((tx) => bus.append(tx, 'test', [thing(2), thing(3)]));
      const third = await db.tx(() => db.tx((inner) => bus.append(inner, 'test', [thing(4)])));
      // The envelopes come back at once, ids and time included; nothing is written yet.
      expect(first[0]).toMatchObject({ type: 'test.thing.happened.v1', subject: 'thing_uow', data: { n: 1 } });
      expect(first[0]!.id).toEqual(expect.any(String));
      return [...first, ...second, ...third];
    }));
    const writes = statements.filter((s) => /INSERT INTO platform\.outbox/.test(s));
    expect(writes).toHaveLength(1);
    // The one write comes right before COMMIT.
    expect(statements.at(-2)).toBe(writes[0]);
    expect(statements.at(-1)).toBe('COMMIT');
    const stored = await db.query<{ id: string; n: number }>(
      `SELECT event_id AS id, (envelope->'data'->>'n')::int AS n FROM platform.events WHERE subject = 'thing_uow' ORDER BY seq`);
    expect(stored).toEqual(appended.map((e) => ({ id: e.id, n: (e.data as { n: number }).n })));
    expect(stored.map((r) => r.n)).toEqual([1, 2, 3, 4]);
  });

  it('writes events in the state-changing statement: alone autocommitted, none when the guard refuses; in a unit after what it queued, rolled back with it', async () => {
    const bus = newBus(async () => undefined);
    const thing = (subject: string, n: number) => ({ type: 'test.thing.happened.v1', subject, data: { n } });
    const write = (on: Parameters<EventBus['writeWithEvents']>[0], id: string, guard: boolean, envelopes: readonly EventEnvelope[]) => bus.writeWithEvents<{ event_id: string }>(on,
      `WITH w AS (INSERT INTO consumer_a.effects (event_id) SELECT $1 WHERE $2::boolean RETURNING event_id), ${eventCtes('$3::jsonb', 'w', `jsonb_build_object('data', jsonb_build_object('n', 7, 'by', w.event_id))`)}
       SELECT event_id FROM w`, [id, guard, JSON.stringify(envelopes)]);
    const stored = async (subject: string) => db.query<{ n: number; by: string | null }>(
      `SELECT (envelope->'data'->>'n')::int AS n, envelope->'data'->>'by' AS by FROM platform.events WHERE subject = $1 ORDER BY seq`, [subject]);

    const alone = await db.countStatements(() => write(db, 'iw_alone', true, bus.envelopes('test', [thing('thing_iw', 1)])));
    expect(alone.value).toEqual([{ event_id: 'iw_alone' }]);
    expect(alone.statements.slice(0, 1)).toEqual([expect.stringMatching(/^WITH w AS/)]);
    expect(alone.statements.indexOf('BEGIN')).not.toBe(0);
    // The data the statement filled in replaced the envelope's; the outbox row went out with the relay.
    expect(await stored('thing_iw')).toEqual([{ n: 7, by: 'iw_alone' }]);

    expect(await write(db, 'iw_refused', false, bus.envelopes('test', [thing('thing_iw_refused', 1)]))).toEqual([]);
    expect(await stored('thing_iw_refused')).toEqual([]);

    await db.unitOfWork(async (unit) => {
      await bus.append(unit, 'test', [thing('thing_iw_unit', 1)]);
      await write(db, 'iw_unit', true, bus.envelopes('test', [thing('thing_iw_unit', 2)]));
      await bus.append(unit, 'test', [thing('thing_iw_unit', 3)]);
    });
    expect((await stored('thing_iw_unit')).map((r) => r.n)).toEqual([1, 7, 3]);

    await expect(db.unitOfWork(async () => {
      await write(db, 'iw_rolled_back', true, bus.envelopes('test', [thing('thing_iw_rb', 1)]));
      throw new Error('rejected');
    })).rejects.toThrow('rejected');
    expect(await stored('thing_iw_rb')).toEqual([]);
    expect(await db.query(`SELECT 1 FROM consumer_a.effects WHERE event_id = 'iw_rolled_back'`)).toHaveLength(0);
  });

  it('drops the events of a savepoint that rolls back, and keeps those around it', async () => {
    const bus = newBus(async () => undefined);
    const thing = (n: number) => ({ type: 'test.thing.happened.v1', subject: 'thing_sp', data: { n } });
    await db.unitOfWork(async (unit) => {
      await bus.append(unit, 'test', [thing(1)]);
      await expect(db.tx(async (tx) => {
        await bus.append(tx, 'test', [thing(2)]);
        // Flushed inside the savepoint (a read that needs the rows), then rolled back with it.
        await db.tx((inner) => bus.append(inner, 'test', [thing(3)]));
        await tx.flushQueued();
        expect(await tx.query(`SELECT 1 FROM platform.outbox WHERE subject = 'thing_sp'`)).toHaveLength(3);
        throw new Error('rejected');
      })).rejects.toThrow('rejected');
      await bus.append(unit, 'test', [thing(4)]);
    });
    const stored = await db.query<{ n: number }>(`SELECT (envelope->'data'->>'n')::int AS n FROM platform.events WHERE subject = 'thing_sp' ORDER BY seq`);
    // 1 was written inside the rolled-back savepoint too: it is written again at commit, once.
    expect(stored.map((r) => r.n)).toEqual([1, 4]);
  });

  it('a failing write of the events rolls back the state change of their transaction', async () => {
    const bus = newBus(async () => undefined);
    const before = await effects();
    await expect(db.tx(async (tx) => {
      await tx.query(`INSERT INTO consumer_a.effects (event_id) VALUES ('state_of_a_failed_flush')`);
      // PostgreSQL's jsonb refuses the NUL character: the write of the events fails at commit.
      await bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_nul', data: { text: 'a\u0000b' } }]);
    })).rejects.toThrow(/unsupported Unicode escape sequence|\\u0000/);
    expect(await effects()).toBe(before);
    expect(await db.query(`SELECT 1 FROM consumer_a.effects WHERE event_id = 'state_of_a_failed_flush'`)).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM platform.events WHERE subject = 'thing_nul'`)).toHaveLength(0);
  });

  it('waits for an event a handler says is not ready yet, past max attempts, without dead-lettering it', async () => {
    let calls = 0;
    const bus = newBus(async () => {
      if (++calls <= 6) throw new EventNotReady('the picks of this shipment have not arrived yet');
    }, 3);
    const [event] = await db.tx((tx) => bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_nr', data: {} }]));
    const before = await effects();
    expect(await bus.deliver('consumer_a', event!)).toBe('handled');
    expect(calls).toBe(7);
    expect(await effects()).toBe(before + 1);
    expect(await db.query(`SELECT 1 FROM platform.dead_letters WHERE event_id = $1`, [event!.id])).toHaveLength(0);
  });

  it('dead-letters an event that stays not ready past its timeout, saying why', async () => {
    const bus = newBus(async () => {
      throw new EventNotReady('the picks of this shipment have not arrived yet');
    }, 3, 300);
    const [event] = await db.tx((tx) => bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_nr2', data: {} }]));
    expect(await bus.deliver('consumer_a', event!)).toBe('dead-lettered');
    const [dl] = await db.query<{ last_error: string }>(`SELECT last_error FROM platform.dead_letters WHERE event_id = $1`, [event!.id]);
    expect(dl!.last_error).toMatch(/have not arrived yet/);
  });

  it('never dead-letters for a transient fault: it is not an attempt, and past the waits in place it goes back to the transport', async () => {
    let calls = 0;
    const lost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const flaky = newBus(async () => {
      if (++calls <= 4) throw lost();
    }, 2);
    const [event] = await db.tx((tx) => flaky.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_tf', data: {} }]));
    const before = await effects();
    expect(await flaky.deliver('consumer_a', event!)).toBe('handled');
    expect(calls).toBe(5);
    expect(await effects()).toBe(before + 1);

    const down = newBus(async () => {
      throw lost();
    }, 2);
    const [second] = await db.tx((tx) => down.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_tf2', data: {} }]));
    await expect(down.deliver('consumer_a', second!)).rejects.toThrow(/administrator command/);
    expect(await db.query(`SELECT 1 FROM platform.dead_letters WHERE event_id = ANY($1)`, [[event!.id, second!.id]])).toHaveLength(0);
  });

  it('dead-letters after max attempts, with its error, and replays it', async () => {
    let failing = true;
    const bus = newBus(async () => {
      if (failing) throw new Error('downstream is broken');
    }, 3);
    const [event] = await db.tx((tx) => bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_4', data: {} }]));
    const before = await effects();
    expect(await bus.deliver('consumer_a', event!)).toBe('dead-lettered');
    const [dl] = await db.query<{ id: string; attempts: number; last_error: string }>(`SELECT id, attempts, last_error FROM platform.dead_letters WHERE event_id = $1`, [event!.id]);
    expect(dl).toMatchObject({ attempts: 3, last_error: 'downstream is broken' });
    expect(await effects()).toBe(before);
    failing = false;
    expect(await bus.replayDeadLetter(dl!.id)).toBe('handled');
    expect(await effects()).toBe(before + 1);
    expect(await bus.replayDeadLetter(dl!.id)).toBe('duplicate');
  });

  it('a dead letter replayed by a process that does not run its consumer is refused, not marked handled', async () => {
    const failing = newBus(async () => {
      throw new Error('downstream is broken');
    }, 1);
    const [event] = await db.tx((tx) => failing.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'thing_5', data: {} }]));
    expect(await failing.deliver('consumer_a', event!)).toBe('dead-lettered');
    const [dl] = await db.query<{ id: string }>(`SELECT id FROM platform.dead_letters WHERE event_id = $1`, [event!.id]);
    // PAKLOG_CONTEXTS without consumer_a: its schema and inbox exist, its handlers are not registered here.
    const elsewhere = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent, retryDelaysMs: [0] });
    expect(await elsewhere.replayDeadLetter(dl!.id)).toBe('not-subscribed');
    expect(await db.query(`SELECT 1 FROM consumer_a.inbox WHERE event_id = $1`, [event!.id])).toHaveLength(0);
    expect((await db.query(`SELECT replayed_at FROM platform.dead_letters WHERE id = $1`, [dl!.id]))[0]).toMatchObject({ replayed_at: null });
    // The process that runs the consumer still replays it.
    const before = await effects();
    expect(await newBus(async () => undefined).replayDeadLetter(dl!.id)).toBe('handled');
    expect(await effects()).toBe(before + 1);
  });

  it('the relay\'s pass commits without waiting for the disk and plans without sequential scans; the consumers it hands events to do neither', async () => {
    const settings: string[] = [];
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent });
    await bus.subscribe('consumer_a', [{
      types: ['test.relay.checked.v1'],
      handle: async (_e, tx) => {
        settings.push((await tx.query<{ synchronous_commit: string }>(`SHOW synchronous_commit`))[0]!.synchronous_commit);
        settings.push((await tx.query<{ enable_seqscan: string }>(`SHOW enable_seqscan`))[0]!.enable_seqscan);
      },
    }]);
    const serverDefault = (await db.query<{ synchronous_commit: string }>(`SHOW synchronous_commit`))[0]!.synchronous_commit;
    await db.tx((tx) => bus.append(tx, 'test', [{ type: 'test.relay.checked.v1', subject: 'fast_relay', data: {} }]));
    db.statementTally = new Map();
    try {
      bus.start();
      await bus.idle();
      await bus.stop();
      // Every relay pass (the one that took the event, and any empty one idle() kicked) began with the setting; the
      // consumer's transaction, inside the pass on a connection of its own, with a plain BEGIN: the handler ran at the
      // server's setting.
      expect(db.statementTally.get('BEGIN; SET LOCAL synchronous_commit TO OFF; SET LOCAL enable_seqscan TO OFF')).toBeGreaterThanOrEqual(1);
      expect(db.statementTally.get('BEGIN')).toBe(1);
      expect(settings).toEqual([serverDefault, 'on']);
      expect(await db.query(`SELECT 1 FROM platform.outbox WHERE subject = 'fast_relay'`)).toHaveLength(0);
    } finally {
      db.statementTally = undefined;
    }
  });

  it('the relay\'s pass, prepared while the outbox was empty, walks the primary key, not every page', async () => {
    // A queue's statistics say "empty" after a vacuum that found it so (and before the first): a cached (generic) plan
    // then costs a sequential scan at nothing, and keeps it while the rows deleted since pile up in the pages it reads.
    await db.query('DELETE FROM platform.outbox');
    await db.query('VACUUM (ANALYZE) platform.outbox');
    const plan = (seqScans: boolean) => db.tx(async (tx) => {
      await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await tx.query(`PREPARE relay_pass(int) AS ${RELAY_TAKE_SQL}`);
      try {
        return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE relay_pass(100)`)).map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await tx.query('DEALLOCATE relay_pass');
      }
    }, { seqScans });
    // What the pass ran before: every page read to take the batch, and again in a nested loop to delete it.
    expect(await plan(true)).toMatch(/Seq Scan on outbox/);
    const walked = await plan(false);
    expect(walked).not.toMatch(/Seq Scan/);
    expect(walked).toMatch(/Index Scan using outbox_pkey on outbox/);
  });

  it('delivers a run of events in one transaction, and isolates a failing one', async () => {
    const bus = newBus(async (e) => {
      if ((e.data as { poison?: boolean }).poison === true) throw new Error('poisoned');
    }, 2);
    const events = await db.tx((tx) => bus.append(tx, 'test', [
      { type: 'test.thing.happened.v1', subject: 'run_1', data: {} },
      { type: 'test.thing.happened.v1', subject: 'run_2', data: { poison: true } },
      { type: 'test.thing.happened.v1', subject: 'run_3', data: {} },
    ]));
    const before = await effects();
    await bus.deliverMany('consumer_a', events);
    expect(await effects()).toBe(before + 2);
    const dead = await db.query(`SELECT event_id FROM platform.dead_letters WHERE event_id = $1`, [events[1]!.id]);
    expect(dead).toHaveLength(1);
    // Delivered again as a run: nothing new happens.
    await bus.deliverMany('consumer_a', [events[0]!, events[2]!]);
    expect(await effects()).toBe(before + 2);
  });


  it('hands consecutive events of a set-based subscription over in one call, in order, without duplicates; a failing run falls back to one by one', async () => {
    const calls: string[][] = [];
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent, maxAttempts: 1, retryDelaysMs: [0] });
    const record = async (tx: Parameters<Parameters<typeof db.tx>[0]>[0], e: EventEnvelope) => {
      if ((e.data as { poison?: boolean }).poison === true) throw new Error('poisoned');
      await tx.query(`INSERT INTO consumer_a.effects (event_id) VALUES ($1)`, [e.id]);
    };
    await bus.subscribe('consumer_a', [
      {
        types: ['test.batch.v1'],
        handle: async (e, tx) => { calls.push([e.subject]); await record(tx, e); },
        handleMany: async (events, tx) => { calls.push(events.map((e) => e.subject)); for (const e of events) await record(tx, e); },
      },
      { types: ['test.single.v1'], handle: async (e, tx) => { calls.push([`single ${e.subject}`]); await record(tx, e); } },
    ]);
    const [b1, b2, s1, b3, b4] = await db.tx((tx) => bus.append(tx, 'test', [
      { type: 'test.batch.v1', subject: 'b1', data: {} }, { type: 'test.batch.v1', subject: 'b2', data: {} },
      { type: 'test.single.v1', subject: 's1', data: {} },
      { type: 'test.batch.v1', subject: 'b3', data: {} }, { type: 'test.batch.v1', subject: 'b4', data: {} },
    ]));
    const before = await effects();
    await bus.deliverMany('consumer_a', [b1!, b2!, b1!, s1!, b3!, b4!]);
    // b1 twice in one run: the inbox statement lets it through once.
    expect(calls).toEqual([['b1', 'b2'], ['single s1'], ['b3', 'b4']]);
    expect(await effects()).toBe(before + 5);
    // Delivered again: every event is a duplicate, no handler runs.
    calls.length = 0;
    await bus.deliverMany('consumer_a', [b1!, b2!, b3!]);
    expect(calls).toEqual([]);

    const [p1, p2, p3] = await db.tx((tx) => bus.append(tx, 'test', [
      { type: 'test.batch.v1', subject: 'p1', data: {} }, { type: 'test.batch.v1', subject: 'p2', data: { poison: true } },
      { type: 'test.batch.v1', subject: 'p3', data: {} },
    ]));
    calls.length = 0;
    await bus.deliverMany('consumer_a', [p1!, p2!, p3!]);
    // The run fails as a whole and rolls back; delivered one by one, the good ones commit and the poisoned one dies alone.
    expect(calls).toEqual([['p1', 'p2', 'p3'], ['p1'], ['p2'], ['p3']]);
    expect(await effects()).toBe(before + 7);
    expect(await db.query(`SELECT 1 FROM platform.dead_letters WHERE event_id = $1`, [p2!.id])).toHaveLength(1);
  });

  it('hands a set-based subscription of several types their mixed run in one call; a type another subscription also takes breaks the run', async () => {
    const calls: string[][] = [];
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent, maxAttempts: 1, retryDelaysMs: [0] });
    const record = async (tx: Parameters<Parameters<typeof db.tx>[0]>[0], e: EventEnvelope) => {
      await tx.query(`INSERT INTO consumer_a.effects (event_id) VALUES ($1)`, [e.id]);
    };
    const label = (e: EventEnvelope) => `${e.type.split('.')[1]!} ${e.subject}`;
    const mixed = {
      types: ['test.a.v1', 'test.b.v1', 'test.shared.v1'],
      handle: async (e: EventEnvelope, tx: Parameters<Parameters<typeof db.tx>[0]>[0]) => { calls.push([label(e)]); await record(tx, e); },
      handleMany: async (events: readonly EventEnvelope[], tx: Parameters<Parameters<typeof db.tx>[0]>[0]) => {
        calls.push(events.map(label));
        for (const e of events) await record(tx, e);
      },
    };
    await bus.subscribe('consumer_a', [
      mixed,
      // A second subscription to test.shared.v1: its events go one at a time, to both, and end the mixed run.
      { types: ['test.shared.v1'], handle: async (e) => { calls.push([`other ${e.subject}`]); } },
    ]);
    const [a1, b1, a2, s1, b2] = await db.tx((tx) => bus.append(tx, 'test', [
      { type: 'test.a.v1', subject: 'a1', data: {} }, { type: 'test.b.v1', subject: 'b1', data: {} }, { type: 'test.a.v1', subject: 'a2', data: {} },
      { type: 'test.shared.v1', subject: 's1', data: {} }, { type: 'test.b.v1', subject: 'b2', data: {} },
    ]));
    const before = await effects();
    await bus.deliverMany('consumer_a', [a1!, b1!, a1!, a2!, s1!, b2!]);
    expect(calls).toEqual([['a a1', 'b b1', 'a a2'], ['shared s1'], ['other s1'], ['b b2']]);
    expect(await effects()).toBe(before + 5);
  });

  it('observes the latency from append to a consumer\'s commit once per handled event, not for duplicates', async () => {
    const clock = manualClock(new Date('2026-01-05T08:00:00.000Z'));
    const metrics = new Metrics({ defaultMetrics: false });
    const seen: { consumer: string; type: string; seconds: number }[] = [];
    const bus = new EventBus({
      db, ids: uuidv7Ids, clock, transport: new InlineTransport(), log: silent,
      onHandled: (consumer, type, seconds) => {
        seen.push({ consumer, type, seconds });
        metrics.eventHandledLatency.observe({ consumer }, seconds);
      },
    });
    await bus.subscribe('consumer_a', [{ types: ['test.thing.happened.v1'], handle: async () => undefined }]);
    const [first, second] = await db.tx((tx) => bus.append(tx, 'test', [
      { type: 'test.thing.happened.v1', subject: 'lat_1', data: {} },
      { type: 'test.thing.happened.v1', subject: 'lat_2', data: {} },
    ]));
    clock.advance(42);
    await bus.deliverMany('consumer_a', [first!, second!]);
    clock.advance(100);
    expect(await bus.deliver('consumer_a', first!)).toBe('duplicate');
    const [third] = await db.tx((tx) => bus.append(tx, 'test', [{ type: 'test.thing.happened.v1', subject: 'lat_3', data: {} }]));
    clock.advance(7);
    expect(await bus.deliver('consumer_a', third!)).toBe('handled');

    expect(seen).toEqual([
      { consumer: 'consumer_a', type: 'test.thing.happened.v1', seconds: 0.042 },
      { consumer: 'consumer_a', type: 'test.thing.happened.v1', seconds: 0.042 },
      { consumer: 'consumer_a', type: 'test.thing.happened.v1', seconds: 0.007 },
    ]);
    const values = (await metrics.eventHandledLatency.get()).values;
    const bucket = (le: number): number | undefined =>
      values.find((v) => v.metricName === 'paklog_event_handled_latency_seconds_bucket' && (v.labels as { le?: number }).le === le)?.value;
    expect(bucket(0.005)).toBe(0);
    expect(bucket(0.01)).toBe(1);
    expect(bucket(0.035)).toBe(1);
    expect(bucket(0.05)).toBe(3);
    expect(values.find((v) => v.metricName === 'paklog_event_handled_latency_seconds_count')?.value).toBe(3);
  });

  it('a kick that arrives as the relay loop winds down is not lost until the next poll', async () => {
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent, pollMs: 60_000 });
    const internals = bus as unknown as { loop: () => Promise<void> };
    const loop = internals.loop.bind(bus);
    let loops = 0;
    let kicked = false;
    internals.loop = () => {
      loops++;
      const p = loop();
      // A commit's afterCommit kick landing after the loop's last empty batch, before it is marked finished.
      void p.then(() => {
        if (!kicked) {
          kicked = true;
          bus.kick();
        }
      });
      return p;
    };
    bus.start();
    await new Promise((r) => setTimeout(r, 200));
    await bus.stop();
    expect(loops).toBe(2);
  });

  it('archives every event in the append-only event store', async () => {
    await expect(db.query(`UPDATE platform.events SET type = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM platform.events`)).rejects.toThrow(/append-only/);
  });
});
