import { once } from 'node:events';
import type * as IORedis from 'ioredis';
import { loadPackage } from '../../platform/load-package.ts';
import type { TrackedKind } from '../../contracts/location-tracking.ts';
import type { Position } from './domain/position.ts';

/**
 * The live positions (ADR 0030): one port, two adapters. Memory in one process by default; Redis when REDIS_URL is
 * set, so every process of an installation (an MQTT consumer, the API) sees the same positions. A write is a
 * compare-and-set on the position's `rev`: two reports of one tag handled at once cannot both win, and the one that
 * loses reads again and is judged against the newer position (an older report never overwrites a newer one).
 */
export interface PositionStore {
  readonly kind: 'memory' | 'redis';
  get(kind: TrackedKind, id: string): Promise<Position | undefined>;
  /** Writes `next` if the held position is still `previous` (same rev; absent for a first position). */
  compareAndSet(previous: Position | undefined, next: Position): Promise<boolean>;
  /** The positions at a site (in a zone of it), sorted by kind then id. */
  list(siteId: string, zone?: string): Promise<Position[]>;
  /** Forgets a thing's position (it is no longer tracked); nothing when there is none. */
  remove(kind: TrackedKind, id: string): Promise<void>;
  close(): Promise<void>;
}

const field = (kind: string, id: string): string => `${kind}:${id}`;
const byKey = (a: Position, b: Position): number => (field(a.kind, a.id) < field(b.kind, b.id) ? -1 : field(a.kind, a.id) > field(b.kind, b.id) ? 1 : 0);

export class MemoryPositionStore implements PositionStore {
  readonly kind = 'memory';
  private readonly positions = new Map<string, Position>();
  private readonly bySite = new Map<string, Set<string>>();

  async get(kind: TrackedKind, id: string): Promise<Position | undefined> {
    return this.positions.get(field(kind, id));
  }

  async compareAndSet(previous: Position | undefined, next: Position): Promise<boolean> {
    const key = field(next.kind, next.id);
    if ((this.positions.get(key)?.rev ?? 0) !== (previous?.rev ?? 0)) return false;
    this.positions.set(key, next);
    if (previous !== undefined && previous.siteId !== next.siteId) this.bySite.get(previous.siteId)?.delete(key);
    let site = this.bySite.get(next.siteId);
    if (site === undefined) this.bySite.set(next.siteId, (site = new Set()));
    site.add(key);
    return true;
  }

  async remove(kind: TrackedKind, id: string): Promise<void> {
    const key = field(kind, id);
    const p = this.positions.get(key);
    if (p === undefined) return;
    this.positions.delete(key);
    this.bySite.get(p.siteId)?.delete(key);
  }

  async list(siteId: string, zone?: string): Promise<Position[]> {
    const out: Position[] = [];
    for (const key of this.bySite.get(siteId) ?? []) {
      const p = this.positions.get(key);
      if (p !== undefined && (zone === undefined || p.zone === zone)) out.push(p);
    }
    return out.sort(byKey);
  }

  async close(): Promise<void> {
    this.positions.clear();
    this.bySite.clear();
  }
}

// KEYS[1] the positions hash. ARGV: field, expected rev, JSON, old site set ('' none), new site set, old zone set, new zone set.
const CAS = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local rev = 0
if cur then rev = cjson.decode(cur).rev end
if tonumber(ARGV[2]) ~= rev then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' and ARGV[4] ~= ARGV[5] then redis.call('SREM', ARGV[4], ARGV[1]) end
redis.call('SADD', ARGV[5], ARGV[1])
if ARGV[6] ~= '' and ARGV[6] ~= ARGV[7] then redis.call('SREM', ARGV[6], ARGV[1]) end
if ARGV[7] ~= '' then redis.call('SADD', ARGV[7], ARGV[1]) end
return 1
`;

// KEYS[1] the positions hash. ARGV: field, the namespace's prefix. Forgets the position and its site and zone membership.
const REMOVE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
local p = cjson.decode(cur)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', ARGV[2] .. 'site:' .. p.siteId, ARGV[1])
if type(p.zone) == 'string' then redis.call('SREM', ARGV[2] .. 'zone:' .. p.siteId .. ':' .. p.zone, ARGV[1]) end
return 1
`;

/**
 * Positions in Redis under `<namespace>:positions:`: a hash `pos` (`kind:id` → the position's JSON), a set of members per
 * site and per (site, zone) kept by the same Lua script that writes the hash, so a list by zone never sees a half-made
 * move. Unlike the cache this is the state itself: a Redis error is an error (the report is counted as failed).
 */
export class RedisPositionStore implements PositionStore {
  readonly kind = 'redis';
  private readonly redis: IORedis.Redis;
  private readonly prefix: string;

  constructor(o: { url: string; namespace: string }) {
    this.prefix = `${o.namespace}:positions:`;
    this.redis = new (loadPackage<typeof IORedis>('ioredis').Redis)(o.url, { lazyConnect: false, maxRetriesPerRequest: 2, enableAutoPipelining: true, connectTimeout: 2000 });
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('paklogPositionCas', { numberOfKeys: 1, lua: CAS });
    this.redis.defineCommand('paklogPositionRemove', { numberOfKeys: 1, lua: REMOVE });
  }

  private siteSet = (siteId: string): string => `${this.prefix}site:${siteId}`;
  private zoneSet = (siteId: string, zone: string | null): string => (zone === null ? '' : `${this.prefix}zone:${siteId}:${zone}`);

  async get(kind: TrackedKind, id: string): Promise<Position | undefined> {
    const raw = await this.redis.hget(`${this.prefix}pos`, field(kind, id));
    return raw === null ? undefined : (JSON.parse(raw) as Position);
  }

  async compareAndSet(previous: Position | undefined, next: Position): Promise<boolean> {
    const redis = this.redis as unknown as { paklogPositionCas(this: void, ...args: (string | number)[]): Promise<number> };
    const done = await redis.paklogPositionCas(`${this.prefix}pos`, field(next.kind, next.id), previous?.rev ?? 0, JSON.stringify(next),
      previous === undefined ? '' : this.siteSet(previous.siteId), this.siteSet(next.siteId),
      previous === undefined ? '' : this.zoneSet(previous.siteId, previous.zone), this.zoneSet(next.siteId, next.zone));
    return done === 1;
  }

  async remove(kind: TrackedKind, id: string): Promise<void> {
    const redis = this.redis as unknown as { paklogPositionRemove(this: void, ...args: string[]): Promise<number> };
    await redis.paklogPositionRemove(`${this.prefix}pos`, field(kind, id), this.prefix);
  }

  async list(siteId: string, zone?: string): Promise<Position[]> {
    const members = await this.redis.smembers(zone === undefined ? this.siteSet(siteId) : this.zoneSet(siteId, zone));
    if (members.length === 0) return [];
    const out: Position[] = [];
    for (let i = 0; i < members.length; i += 1000) {
      const raws = await this.redis.hmget(`${this.prefix}pos`, ...members.slice(i, i + 1000));
      for (const raw of raws) if (raw !== null) out.push(JSON.parse(raw) as Position);
    }
    return out.sort(byKey);
  }

  /** Resolves once connected (tests, warm-up). */
  async ready(timeoutMs = 5000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    try {
      await once(this.redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
      return true;
    } catch {
      return false;
    }
  }

  /** Removes every key of this namespace (tests). */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await this.redis.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
