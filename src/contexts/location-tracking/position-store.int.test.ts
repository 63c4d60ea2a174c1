import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisOrSkip } from '../../../test/support/redis.ts';
import { advance, type Observation, type Position } from './domain/position.ts';
import { MemoryPositionStore, RedisPositionStore, type PositionStore } from './position-store.ts';

const seen = (id: string, at: string, over: Partial<Observation> = {}): Observation => ({
  siteId: 'sit_1', kind: 'worker', id, x: 1, y: 1, zone: 'A', locationId: null, locationType: null, at, source: 'rtls', seq: null, ...over,
});

/** What the service does: read, advance, compare-and-set, again on a lost race. */
async function write(store: PositionStore, o: Observation): Promise<'applied' | 'stale'> {
  for (;;) {
    const previous = await store.get(o.kind, o.id);
    const step = advance(previous, o, 1.5);
    if (!step.applied) return 'stale';
    if (await store.compareAndSet(previous, step.next)) return 'applied';
  }
}

const stores: { name: string; make: (skip: () => void) => Promise<PositionStore> }[] = [
  { name: 'memory', make: async () => new MemoryPositionStore() },
  {
    name: 'redis',
    make: async (skip) => {
      await redisOrSkip(skip);
      const s = new RedisPositionStore({ url: REDIS_URL, namespace: `test-${randomBytes(4).toString('hex')}` });
      if (!(await s.ready())) throw new Error(`Redis at ${REDIS_URL} did not answer`);
      opened.push(s);
      return s;
    },
  },
];
const opened: RedisPositionStore[] = [];
afterAll(async () => {
  for (const s of opened) {
    await s.clear();
    await s.close();
  }
});

describe.each(stores)('the $name position store', ({ make }) => {
  it('holds the newest position of each thing; an older report arriving late does not overwrite it', async (ctx) => {
    const store = await make(() => ctx.skip());
    expect(await write(store, seen('alice', '2026-01-01T10:00:02Z', { x: 2 }))).toBe('applied');
    expect(await write(store, seen('alice', '2026-01-01T10:00:01Z', { x: 1 }))).toBe('stale');
    expect((await store.get('worker', 'alice'))?.x).toBe(2);
    expect(await store.get('worker', 'nobody')).toBeUndefined();
  });

  it('refuses a compare-and-set against a position that changed since it was read', async (ctx) => {
    const store = await make(() => ctx.skip());
    await write(store, seen('bob', '2026-01-01T10:00:00Z'));
    const read = await store.get('worker', 'bob');
    const a = advance(read, seen('bob', '2026-01-01T10:00:05Z', { x: 5 }), 1.5);
    const b = advance(read, seen('bob', '2026-01-01T10:00:03Z', { x: 3 }), 1.5);
    if (!a.applied || !b.applied) throw new Error('both are newer than what was read');
    expect(await store.compareAndSet(read, a.next)).toBe(true);
    expect(await store.compareAndSet(read, b.next)).toBe(false);
    // The loser reads again and is now stale.
    expect(await write(store, seen('bob', '2026-01-01T10:00:03Z', { x: 3 }))).toBe('stale');
    expect((await store.get('worker', 'bob'))?.x).toBe(5);
  });

  it('many concurrent writers of one thing in random order: the newest wins, every time', async (ctx) => {
    const store = await make(() => ctx.skip());
    const times = Array.from({ length: 60 }, (_, i) => i);
    times.sort(() => Math.random() - 0.5);
    const outcomes = await Promise.all(times.map((i) => write(store, seen('carol', new Date(Date.UTC(2026, 0, 1, 10, 0, i)).toISOString(), { x: i, seq: i }))));
    expect(outcomes).toContain('applied');
    const held = (await store.get('worker', 'carol')) as Position;
    expect([held.x, held.seq]).toEqual([59, 59]);
  });

  it('lists a site\'s positions, and a zone\'s, following moves between zones and sites', async (ctx) => {
    const store = await make(() => ctx.skip());
    await write(store, seen('w1', '2026-01-01T10:00:00Z', { siteId: 'sit_L', zone: 'A' }));
    await write(store, seen('w2', '2026-01-01T10:00:00Z', { siteId: 'sit_L', zone: 'A' }));
    await write(store, seen('e1', '2026-01-01T10:00:00Z', { siteId: 'sit_L', zone: 'PACK', kind: 'equipment' }));
    const ids = async (zone?: string) => (await store.list('sit_L', zone)).map((p) => `${p.kind}:${p.id}`);
    expect(await ids()).toEqual(['equipment:e1', 'worker:w1', 'worker:w2']);
    expect(await ids('A')).toEqual(['worker:w1', 'worker:w2']);
    await write(store, seen('w2', '2026-01-01T10:01:00Z', { siteId: 'sit_L', zone: 'PACK' }));
    expect(await ids('A')).toEqual(['worker:w1']);
    expect(await ids('PACK')).toEqual(['equipment:e1', 'worker:w2']);
    await write(store, seen('w1', '2026-01-01T10:02:00Z', { siteId: 'sit_M', zone: 'A' }));
    expect(await ids('A')).toEqual([]);
    expect(await ids()).toEqual(['equipment:e1', 'worker:w2']);
    expect((await store.list('sit_M', 'A')).map((p) => p.id)).toEqual(['w1']);
  });

  it('forgets a position removed: gone from the hash, its site and its zone; removing nothing is no error', async (ctx) => {
    const store = await make(() => ctx.skip());
    await write(store, seen('r1', '2026-01-01T10:00:00Z', { siteId: 'sit_R', zone: 'A' }));
    await write(store, seen('r2', '2026-01-01T10:00:00Z', { siteId: 'sit_R', zone: 'A' }));
    await store.remove('worker', 'r1');
    expect(await store.get('worker', 'r1')).toBeUndefined();
    expect((await store.list('sit_R')).map((p) => p.id)).toEqual(['r2']);
    expect((await store.list('sit_R', 'A')).map((p) => p.id)).toEqual(['r2']);
    await store.remove('worker', 'r1');
    // A first position after the removal is written again (its previous is none).
    await write(store, seen('r1', '2026-01-01T10:05:00Z', { siteId: 'sit_R', zone: 'B' }));
    expect((await store.list('sit_R', 'B')).map((p) => p.id)).toEqual(['r1']);
  });
});
