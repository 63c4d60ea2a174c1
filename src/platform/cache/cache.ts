import type * as IORedis from 'ioredis';
import { loadPackage } from '../load-package.ts';
import type { Metrics } from '../telemetry/metrics.ts';

/**
 * A read-through cache for hot reads on the floor (a product by barcode, a location by code, a site's layout). The
 * owning context invalidates its keys when its events say the thing changed; a TTL bounds how stale a missed
 * invalidation can leave an entry. A cache is never a source of truth and never a reason to fail: when it cannot
 * answer, the value is loaded from the database.
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  /** The cached value of `key`, or `load()`'s (remembered for `ttlS` seconds when defined). */
  getOrLoad<T>(key: string, ttlS: number, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /**
   * The cached values of `keys`; the missing ones come from one `load(missing)` (remembered for `ttlS` seconds). A key
   * `load` leaves out is absent from the result and not remembered: a miss is asked again next time.
   */
  getManyOrLoad<T>(keys: readonly string[], ttlS: number, load: (missing: readonly string[]) => Promise<ReadonlyMap<string, T>>): Promise<Map<string, T>>;
  /** Forgets keys (after the thing they hold changed). */
  delete(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** The in-process default: a bounded map with expiry (oldest entries go first when full). */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(private readonly maxEntries = 50_000, private readonly now: () => number = Date.now) {}

  async getOrLoad<T>(key: string, ttlS: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expiresAt > this.now()) return hit.value as T;
    const value = await load();
    if (value !== undefined) this.remember(key, value, ttlS);
    return value;
  }

  async getManyOrLoad<T>(keys: readonly string[], ttlS: number, load: (missing: readonly string[]) => Promise<ReadonlyMap<string, T>>): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const hit = this.entries.get(key);
      if (hit !== undefined && hit.expiresAt > this.now()) found.set(key, hit.value as T);
      else missing.push(key);
    }
    if (missing.length === 0) return found;
    for (const [key, value] of await load(missing)) {
      found.set(key, value);
      this.remember(key, value, ttlS);
    }
    return found;
  }

  private remember(key: string, value: unknown, ttlS: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlS * 1000 });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async delete(...keys: string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

export interface RedisCacheOptions {
  readonly url: string;
  /** Key prefix, so installations can share a Redis (`<namespace>:cache:`). */
  readonly namespace?: string;
  /** How long one Redis call may take before the value is loaded from the database instead. */
  readonly timeoutMs?: number;
  readonly metrics: Metrics;
  readonly log: { warn(o: object, msg: string): void; info(o: object, msg: string): void };
}

/**
 * Redis-backed cache shared by every process of an installation. Calls are bounded (no offline queue, a command
 * timeout): with Redis gone a read costs one failed call and goes to the database, with a warning (at most one per
 * outage) and `paklog_cache_errors_total`. An invalidation that could not reach Redis is not forgotten: when Redis is
 * back, this process clears every key under its prefix before using it again, so nothing stale outlives the outage.
 * A process does so too when it starts: an invalidation its predecessor was killed before sending (after the change
 * committed) is lost with it, and the entry would otherwise be served until its TTL.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis';
  private readonly redis: IORedis.Redis;
  private readonly prefix: string;
  private readonly errors;
  private readonly hits;
  private healthy = true;
  /** Until the first connection is up, reads go to the database quietly: starting is not an outage. */
  private connected = false;
  /**
   * Set from the start: a process of this installation may have died between a change's commit and the removal of its
   * keys (crash9), and nothing else would tell this one. Its first use of Redis clears the prefix once (one SCAN of
   * the keyspace per process start); the entries are loaded again from the database as they are read.
   */
  private flushNeeded = true;
  private flushing: Promise<void> | undefined;

  constructor(private readonly o: RedisCacheOptions) {
    this.prefix = `${o.namespace ?? 'paklog'}:cache:`;
    this.errors = o.metrics.counter('paklog_cache_errors_total', 'Cache calls that failed and fell back to the database', ['op']);
    this.hits = o.metrics.counter('paklog_cache_reads_total', 'Cache reads by outcome', ['outcome']);
    // ioredis loads with the first Redis adapter (REDIS_URL set): a process without Redis never holds it (ADR 0048).
    this.redis = new (loadPackage<typeof IORedis>('ioredis').Redis)(o.url, {
      lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: o.timeoutMs ?? 250,
      connectTimeout: 1000, retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // ioredis reports connection errors as events: they are outages, already handled per call.
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => {
      if (!this.healthy) o.log.info({}, 'cache: Redis is back');
      this.healthy = true;
      this.connected = true;
    });
  }

  private failed(op: string, e: unknown): void {
    this.errors.inc({ op });
    if (this.healthy) this.o.log.warn({ err: e }, `cache: Redis unavailable (${op}); reading from the database`);
    this.healthy = false;
  }

  /** After an invalidation was lost, clear our keys once Redis answers again; until then the cache is bypassed. */
  private async usable(): Promise<boolean> {
    if (!this.connected) return false;
    if (!this.flushNeeded) return true;
    this.flushing ??= (async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await this.redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      this.flushNeeded = false;
    })().finally(() => {
      this.flushing = undefined;
    });
    try {
      await this.flushing;
      return true;
    } catch (e) {
      this.failed('flush', e);
      return false;
    }
  }

  async getOrLoad<T>(key: string, ttlS: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const k = this.prefix + key;
    if (await this.usable()) {
      try {
        const raw = await this.redis.get(k);
        if (raw !== null) {
          this.hits.inc({ outcome: 'hit' });
          return JSON.parse(raw) as T;
        }
        this.hits.inc({ outcome: 'miss' });
      } catch (e) {
        this.failed('get', e);
        return load();
      }
    } else {
      return load();
    }
    const value = await load();
    if (value !== undefined) {
      try {
        await this.redis.set(k, JSON.stringify(value), 'EX', Math.max(1, Math.round(ttlS)));
      } catch (e) {
        this.failed('set', e);
      }
    }
    return value;
  }

  async getManyOrLoad<T>(keys: readonly string[], ttlS: number, load: (missing: readonly string[]) => Promise<ReadonlyMap<string, T>>): Promise<Map<string, T>> {
    const unique = [...new Set(keys)];
    const found = new Map<string, T>();
    if (unique.length === 0) return found;
    if (!(await this.usable())) return new Map(await load(unique));
    let raws: (string | null)[];
    try {
      raws = await this.redis.mget(...unique.map((k) => this.prefix + k));
    } catch (e) {
      this.failed('get', e);
      return new Map(await load(unique));
    }
    const missing: string[] = [];
    unique.forEach((key, i) => {
      const raw = raws[i];
      if (raw === null || raw === undefined) missing.push(key);
      else found.set(key, JSON.parse(raw) as T);
    });
    if (found.size > 0) this.hits.inc({ outcome: 'hit' }, found.size);
    if (missing.length === 0) return found;
    this.hits.inc({ outcome: 'miss' }, missing.length);
    const loaded = await load(missing);
    if (loaded.size === 0) return found;
    const ex = Math.max(1, Math.round(ttlS));
    const write = this.redis.pipeline();
    for (const [key, value] of loaded) {
      found.set(key, value);
      write.set(this.prefix + key, JSON.stringify(value), 'EX', ex);
    }
    try {
      // A pipeline reports a failed command in its results rather than by rejecting.
      const failure = (await write.exec())?.find(([err]) => err !== null)?.[0];
      if (failure !== undefined && failure !== null) this.failed('set', failure);
    } catch (e) {
      this.failed('set', e);
    }
    return found;
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    if (!this.connected) {
      // Nothing can have been cached by this process yet, but another one may have: clear the prefix once connected.
      this.flushNeeded = true;
      return;
    }
    try {
      await this.redis.del(...keys.map((k) => this.prefix + k));
    } catch (e) {
      this.failed('delete', e);
      this.flushNeeded = true;
    }
  }

  /** Resolves once the first connection is up (or after `timeoutMs`): for tests and warm-up, never required. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.connected;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
