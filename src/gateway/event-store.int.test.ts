import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { PublishedEvents } from '../contracts/events.ts';
import type { EventEnvelope } from '../platform/bus/envelope.ts';
import { EventBus } from '../platform/bus/event-bus.ts';
import { InlineTransport } from '../platform/bus/transport.ts';
import { systemClock } from '../platform/clock.ts';
import { Database } from '../platform/db/database.ts';
import { loadMigrations, migrate } from '../platform/db/migrations.ts';
import { uuidv7Ids } from '../platform/ids.ts';
import { EVENT_STORE_CONSUMER, eventStoreSubscription } from './gateway.ts';

const silent = { warn: () => undefined, error: () => undefined };
let dbInfo: { url: string; drop: () => Promise<void> };
let db: Database;

beforeAll(async () => {
  dbInfo = await createTestDatabase();
  db = new Database(dbInfo.url);
  await migrate(db, [
    { schema: 'platform', migrations: loadMigrations(new URL('../platform/migrations/', import.meta.url)) },
    { schema: EVENT_STORE_CONSUMER, migrations: [], inbox: true },
  ]);
});
afterAll(async () => {
  await db.close();
  await dbInfo.drop();
});

describe("the gateway's event store consumer", () => {
  it('archives a run of events with one statement, in the run\'s order, each once; observers hear the run after commit', async () => {
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: new InlineTransport(), log: silent });
    const heard: string[][] = [];
    await bus.subscribe(EVENT_STORE_CONSUMER, [eventStoreSubscription((events) => heard.push(events.map((e) => e.id)))]);
    const type = Object.keys(PublishedEvents.schemas)[0]!;
    const time = new Date().toISOString();
    const run: EventEnvelope[] = Array.from({ length: 20 }, (_, i) => ({
      specversion: '1.0', id: uuidv7Ids.next('evt'), type, source: type.split('.')[0]!, subject: `agg_${i % 3}`, time,
      datacontenttype: 'application/json', data: { i }, siteid: 'site_1', actorid: 'key_1',
    }));
    // One is archived already (the event store may have it from an earlier delivery that committed without its inbox row).
    await bus.deliverMany(EVENT_STORE_CONSUMER, [run[7]!]);
    const before = db.statementsSent;
    await bus.deliverMany(EVENT_STORE_CONSUMER, run);
    // BEGIN, the run's inbox rows, the archive's one INSERT, COMMIT: not one INSERT per event.
    expect(db.statementsSent - before).toBeLessThanOrEqual(4);
    const rows = await db.query<{ event_id: string; site_id: string; actor_id: string }>('SELECT event_id, site_id, actor_id FROM platform.events ORDER BY seq');
    expect(rows.map((r) => r.event_id)).toEqual([run[7]!.id, ...run.filter((_, i) => i !== 7).map((e) => e.id)]);
    expect(rows.every((r) => r.site_id === 'site_1' && r.actor_id === 'key_1')).toBe(true);
    expect(heard).toEqual([[run[7]!.id], run.filter((_, i) => i !== 7).map((e) => e.id)]);
    // Delivered again (a redelivery after a crash): nothing new.
    await bus.deliverMany(EVENT_STORE_CONSUMER, run);
    expect((await db.query('SELECT 1 FROM platform.events')).length).toBe(20);
  });
});
