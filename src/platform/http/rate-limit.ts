import type * as IORedis from 'ioredis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { installationNamespace, type Config } from '../config/config.ts';
import { AppError } from '../errors.ts';
import { loadPackage } from '../load-package.ts';
import type { Metrics } from '../telemetry/metrics.ts';

/** A route's rate-limit class: reads, commands, or heavy computations (flagged with `config.rateClass: 'heavy'`). */
export type RateClass = 'read' | 'command' | 'heavy';

/** The OpenAPI operation extension that carries a route's class (the gateway reads it from its services' documents). */
export const RATE_CLASS_EXTENSION = 'x-paklog-rate-class';

export const isRateClass = (v: unknown): v is RateClass => v === 'read' || v === 'command' || v === 'heavy';

/** Requests per minute per principal and class (0 = no limit), and failed authentications per client address. */
export interface RateLimits {
  readonly readPerMin: number;
  readonly commandPerMin: number;
  readonly heavyPerMin: number;
  readonly authFailuresPerMin: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { readPerMin: 6_000, commandPerMin: 3_000, heavyPerMin: 120, authFailuresPerMin: 30 };

const WINDOW_MS = 60_000;

/** A fixed-window counter: `hit` counts one more, `peek` reads; both answer the count and the time left in the window. */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  hit(key: string, windowMs: number): Promise<Window>;
  peek(key: string): Promise<Window>;
  close(): Promise<void>;
}

export interface Window {
  readonly count: number;
  /** Milliseconds until the window ends (and the count starts again from 0). */
  readonly resetMs: number;
}

/** Counters of this process only: the default, and right for one process (all-in-one). */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory';
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly maxKeys = 100_000, private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<Window> {
    const now = this.now();
    let w = this.windows.get(key);
    if (w === undefined || w.endsAt <= now) {
      if (this.windows.size >= this.maxKeys) this.sweep(now);
      w = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, resetMs: w.endsAt - now };
  }

  async peek(key: string): Promise<Window> {
    const now = this.now();
    const w = this.windows.get(key);
    return w === undefined || w.endsAt <= now ? { count: 0, resetMs: 0 } : { count: w.count, resetMs: w.endsAt - now };
  }

  /** Drops ended windows; when every window is live, the oldest go (a flood of addresses must not grow the map). */
  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(k);
    }
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

// INCR and the expiry in one step: a window's first hit sets its end; a key left without one (never expected) gets one.
const HIT = `local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

export interface RedisRateLimitStoreOptions {
  readonly url: string;
  /** Key prefix, so installations can share a Redis (`<namespace>:ratelimit:`). */
  readonly namespace: string;
  readonly timeoutMs?: number;
}

/** Counters shared by every process of an installation (the gateways of a split deployment, several all-in-ones). */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  private readonly redis: IORedis.Redis;
  private readonly prefix: string;
  private connected = false;

  constructor(o: RedisRateLimitStoreOptions) {
    this.prefix = `${o.namespace}:ratelimit:`;
    // Bounded calls, like the cache: no offline queue, a short timeout; a failed call is the limiter's to forgive.
    this.redis = new (loadPackage<typeof IORedis>('ioredis').Redis)(o.url, {
      enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: o.timeoutMs ?? 250, connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => {
      this.connected = true;
    });
  }

  async hit(key: string, windowMs: number): Promise<Window> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, this.prefix + key, String(windowMs))) as [number, number];
    return { count, resetMs: ttl };
  }

  async peek(key: string): Promise<Window> {
    const [count, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
    return count === null || ttl <= 0 ? { count: 0, resetMs: 0 } : { count: Number(count), resetMs: ttl };
  }

  /** Resolves once connected (or after `timeoutMs`): for tests and warm-up, never required. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.connected;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * Rate limits of one HTTP process (ADR 0018): per principal and route class, and failed authentications per client
 * address. A store that cannot answer lets the request through: a Redis outage costs the limits, never the API
 * (a warning once per outage, `paklog_rate_limit_errors_total`).
 */
export class RateLimiter {
  private readonly errors;
  private readonly limited;
  private healthy = true;

  constructor(
    readonly store: RateLimitStore,
    readonly limits: RateLimits,
    metrics: Metrics,
    private readonly log: { warn(o: object, msg: string): void; info(o: object, msg: string): void },
  ) {
    this.errors = metrics.counter('paklog_rate_limit_errors_total', 'Rate-limit checks that failed (store unavailable) and let the request through', ['op']);
    this.limited = metrics.counter('paklog_rate_limited_total', 'Requests refused with 429 by a rate limit, by limit', ['limit']);
  }

  private async safely(op: string, call: () => Promise<Window>): Promise<Window | undefined> {
    try {
      const w = await call();
      if (!this.healthy) this.log.info({}, 'rate limits: the store answers again');
      this.healthy = true;
      return w;
    } catch (e) {
      this.errors.inc({ op });
      if (this.healthy) this.log.warn({ err: e }, `rate limits: the ${this.store.kind} store is unavailable (${op}); requests pass unlimited`);
      this.healthy = false;
      return undefined;
    }
  }

  /** onRequest hook, after authentication: counts the request against its principal's limit for the route's class. */
  hook() {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const principal = request.principal;
      // Public routes have no principal; the app's own in-process calls (the demo seed) are not traffic.
      if (principal === undefined || principal.id.startsWith('internal:')) return;
      const rateClass = classOf(request);
      const limit = rateClass === 'heavy' ? this.limits.heavyPerMin : rateClass === 'read' ? this.limits.readPerMin : this.limits.commandPerMin;
      if (limit === 0) return;
      const w = await this.safely('hit', () => this.store.hit(`${rateClass}:${principal.id}`, WINDOW_MS));
      if (w === undefined) return;
      const reset = Math.max(1, Math.ceil(w.resetMs / 1000));
      const remaining = Math.max(0, limit - w.count);
      for (const prefix of ['ratelimit', 'x-ratelimit']) {
        void reply.header(`${prefix}-limit`, limit).header(`${prefix}-remaining`, remaining).header(`${prefix}-reset`, reset);
      }
      if (w.count > limit) {
        this.limited.inc({ limit: rateClass });
        void reply.header('retry-after', reset);
        throw new AppError('RATE_LIMITED', `More than ${limit} ${rateClass} requests a minute for this API key; retry in ${reset} s`, { retryable: true });
      }
    };
  }

  /** Before a key is looked up: refused when this address failed authentication too often in the current window. */
  async checkAuthFailures(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (this.limits.authFailuresPerMin === 0) return;
    const w = await this.safely('peek', () => this.store.peek(`authfail:${request.ip}`));
    if (w === undefined || w.count < this.limits.authFailuresPerMin) return;
    this.limited.inc({ limit: 'auth-failures' });
    const reset = Math.max(1, Math.ceil(w.resetMs / 1000));
    void reply.header('retry-after', reset);
    throw new AppError('RATE_LIMITED', `Too many failed authentications from this address; retry in ${reset} s`, { retryable: true });
  }

  /** After a presented key was refused. */
  async recordAuthFailure(request: FastifyRequest): Promise<void> {
    if (this.limits.authFailuresPerMin === 0) return;
    await this.safely('hit', () => this.store.hit(`authfail:${request.ip}`, WINDOW_MS));
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** The limiter of a process: counters in Redis when `REDIS_URL` is set (shared by the installation), in memory otherwise. */
export function rateLimiterFor(
  config: Pick<Config, 'redisUrl' | 'busNamespace' | 'rateLimits'>, databaseUrl: string, metrics: Metrics,
  log: { warn(o: object, msg: string): void; info(o: object, msg: string): void },
): RateLimiter {
  const store = config.redisUrl === undefined ? new MemoryRateLimitStore()
    : new RedisRateLimitStore({ url: config.redisUrl, namespace: installationNamespace(config, databaseUrl) });
  return new RateLimiter(store, config.rateLimits, metrics, log);
}

/** A route's class: flagged in its config, else by method (reads are GET and HEAD). */
export function classOf(request: FastifyRequest): RateClass {
  const flagged = request.routeOptions.config.rateClass;
  if (flagged !== undefined) return flagged;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'command';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Rate-limit class when not read (GET) or command (the rest): `heavy` for planning and optimisation routes. */
    rateClass?: RateClass;
  }
}
