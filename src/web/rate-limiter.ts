/**
 * The abuse limits' counters (RATE_LIMITS, see config/rate-limits.ts), kept
 * by rate-limiter-flexible in the shared store: on Redis, RateLimiterRedis on
 * the store's own client and namespace (`<namespace>::ratelimit:<name>:<key>`),
 * one atomic script (EVAL) per count, so every instance counts together; in
 * memory, RateLimiterMemory in this process. Each window is fixed: it starts
 * with the key's first count and lasts the limit's window.
 *
 * Fail closed: when the store cannot count (Redis down, or no answer within
 * the store's bound), every call rejects with StoreUnavailableError and the
 * caller answers 503; a request is never let through uncounted. No
 * insuranceLimiter for that reason. rate-limiter-flexible rejects with a
 * RateLimiterRes for "over the limit" and with an Error for a store failure;
 * only the former is a verdict.
 *
 * Only consume() and penalty() are used on Redis: both are one EVAL, which
 * node-redis refuses at once while disconnected. Its get() and block() send
 * MULTI, which node-redis queues while offline (see storage/redis-store.ts).
 * The EVAL names one key, so on a cluster it goes to that key's master; on
 * Sentinel, nothing is sent while the store has no master (a failover): the
 * count fails at once.
 */
import { isIP } from 'node:net';
import type { Context } from 'koa';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { LIMIT_NAMES, type LimitName, type RateLimit, type RateLimits } from '../config/rate-limits.js';
import { log } from '../log.js';
import type { Metrics, StoreSeries } from '../metrics/registry.js';
import { referenceId } from '../oidc/pages.js';
import type { RedisStore } from '../storage/redis-store.js';
import type { Store } from '../storage/store.js';
import { StoreUnavailableError } from '../storage/store-error.js';
import { renderPage } from './render.js';

export interface Verdict {
  /** False: refuse with 429. */
  allowed: boolean;
  /** Counted in this window so far, this request included. */
  count: number;
  /** Whole seconds until the window ends: the Retry-After of a refusal. */
  retryAfter: number;
  limit: RateLimit;
}

interface Counter {
  limit: RateLimit;
  limiter: RateLimiterAbstract;
}

/** rate-limiter-flexible rejects with a RateLimiterRes for "over the limit": a verdict, not a failure. */
function verdictOrFailure(reason: unknown): RateLimiterRes {
  if (reason instanceof RateLimiterRes) return reason;
  throw reason;
}

/** The in-memory counters answer at once; anything they throw is reported as the store's failure. */
function inMemory<T>(operation: string, run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    throw new StoreUnavailableError(`${operation} failed: ${String(error)}`);
  });
}

/**
 * A client address as the limits count it: IPv4 as is; IPv6 by its /64, the
 * block one subscriber (one home, one server) gets and can rotate through at will.
 */
export function clientKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address.split('%')[0]!);
  if (groups === undefined) return address;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** The eight groups of an IPv6 address (`::` expanded, an IPv4 tail as two groups). */
function expandIpv6(address: string): string[] | undefined {
  const toGroups = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [group];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
        });
  const [head = '', tail, ...rest] = address.split('::');
  if (rest.length > 0) return undefined;
  const front = toGroups(head);
  if (tail === undefined) return front.length === 8 ? front : undefined;
  const back = toGroups(tail);
  const missing = 8 - front.length - back.length;
  return missing < 0 ? undefined : [...front, ...Array<string>(missing).fill('0'), ...back];
}

/**
 * rate-limiter-flexible's own count script (its customIncrTtlLuaScript
 * option), two commands shorter for a count under the limit. Its arguments:
 * ARGV[1] the points to add, ARGV[2] the window in seconds, ARGV[3] the limit.
 * Its reply: {count, ms left in the window}, where the ms left matter only at
 * the limit (Retry-After): below it the reply says -1 (unknown; unused) and
 * no PTTL is read. The first count of a window gives the key its TTL (the
 * window starts there); at the limit a key found without one (never written
 * so, but it would never expire) gets it then. In a script, so as atomic.
 * rate-limiter-flexible's own opens with `SET key 0 EX window NX` and reads
 * PTTL on every count.
 */
const COUNT_SCRIPT = `local consumed = redis.call('incrby', KEYS[1], ARGV[1])
if consumed == tonumber(ARGV[1]) then
  redis.call('expire', KEYS[1], ARGV[2])
  return {consumed, 1000 * ARGV[2]}
end
if consumed < tonumber(ARGV[3]) then
  return {consumed, -1}
end
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end
return {consumed, ttl}`;

export class RateLimiter {
  readonly #counters: Partial<Record<LimitName, Counter>> = {};
  /** How a count runs: on Redis as the store's own operations (bounded, fail fast without a master); in memory, at once. */
  readonly #guard: <T>(operation: string, run: () => Promise<T>) => Promise<T>;
  readonly #metrics: Metrics | undefined;
  /** Counts timed as store calls (`rate_limit`), when metrics are on. */
  readonly #timing: StoreSeries | undefined;

  /**
   * Counters for `limits` in `store` (Redis or memory), none for a limit that is off.
   * With `metrics` (METRICS_PORT), each refusal is counted by limit (siwe_idp_rate_limited_total)
   * and each count as a store call (`rate_limit`).
   */
  constructor(store: Store, limits: RateLimits, metrics?: Metrics) {
    this.#metrics = metrics;
    this.#timing = metrics?.storeSeries('rate_limit');
    const redis = store.kind === 'redis' ? (store as RedisStore).rateLimitBackend : undefined;
    this.#guard = redis?.guard ?? inMemory;
    for (const name of LIMIT_NAMES) {
      const limit = limits[name];
      if (limit === null) continue;
      const options = { points: limit.max, duration: limit.windowSeconds };
      const limiter = redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis.client,
            // node-redis v4/v5: its eval(script, { keys, arguments }) signature.
            useRedisPackage: true,
            customIncrTtlLuaScript: COUNT_SCRIPT,
            keyPrefix: redis.redisKey(`ratelimit:${name}`),
          })
        : new RateLimiterMemory({ ...options, keyPrefix: `ratelimit:${name}` });
      this.#counters[name] = { limit, limiter };
    }
  }

  /** The limit `name` counts against, or null when it is off. */
  limit(name: LimitName): RateLimit | null {
    return this.#counters[name]?.limit ?? null;
  }

  /**
   * Counts one request of `key` against `name`: allowed while the window's
   * count is at most the limit. Undefined when the limit is off.
   */
  async hit(name: LimitName, key: string): Promise<Verdict | undefined> {
    const counter = this.#counters[name];
    if (!counter) return undefined;
    const count = await this.#count(counter, `${name} count`, (limiter) => limiter.consume(key, 1));
    return this.#verdict(name, counter, count, count.consumedPoints <= counter.limit.max);
  }

  /**
   * Whether `key` may try again: allowed while fewer than the limit's count
   * were recorded in the window (with penalize). Counts nothing (it adds 0,
   * in one script, like a count: see the header). Undefined when off.
   */
  async check(name: LimitName, key: string): Promise<Verdict | undefined> {
    const counter = this.#counters[name];
    if (!counter) return undefined;
    const count = await this.#count(counter, `${name} check`, (limiter) => limiter.consume(key, 0));
    return this.#verdict(name, counter, count, count.consumedPoints < counter.limit.max);
  }

  /** Records one failure of `key` against `name`; never refuses. Undefined when off. */
  async penalize(name: LimitName, key: string): Promise<Verdict | undefined> {
    const counter = this.#counters[name];
    if (!counter) return undefined;
    const count = await this.#count(counter, `${name} penalty`, (limiter) => limiter.penalty(key, 1));
    // A penalty never refuses: not a rejection, whatever the count.
    return this.#verdict(undefined, counter, count, count.consumedPoints < counter.limit.max);
  }

  /** `refusing`: the limit whose refusal (429) a disallowed verdict is, counted as such. */
  #verdict(refusing: LimitName | undefined, counter: Counter, res: RateLimiterRes, allowed: boolean): Verdict {
    if (!allowed && refusing !== undefined) this.#metrics?.limited(refusing);
    const retryAfter = Math.max(1, Math.ceil((res.msBeforeNext > 0 ? res.msBeforeNext : counter.limit.windowSeconds * 1000) / 1000));
    return { allowed, count: res.consumedPoints, retryAfter, limit: counter.limit };
  }

  /** The counter's answer, over the limit or not; a store failure or timeout as StoreUnavailableError. */
  #count(counter: Counter, operation: string, run: (limiter: RateLimiterAbstract) => Promise<RateLimiterRes>): Promise<RateLimiterRes> {
    const count = () => this.#guard(`rate limit ${operation}`, () => run(counter.limiter).catch(verdictOrFailure));
    return this.#timing === undefined ? count() : this.#timing.time(count);
  }
}

/** What one limit's refusal says, to a program and to a person. */
const REFUSALS: Record<LimitName, string> = {
  auth: 'too many sign-in requests from your network',
  token: 'too many token requests from this address',
  login: 'too many sign-in attempts from your network',
  session_end: 'too many sign-out requests from your network',
  registration: 'too many client registrations from this address',
  device: 'too many device sign-in requests from this address',
  user_code: 'too many codes entered from your network',
  address: 'too many failed sign-ins for this account from your network',
  cross_device: 'too many cross-device sign-in requests from your network',
};

function windowText(seconds: number): string {
  const unit = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' }[seconds];
  return unit ? `a ${unit}` : `${seconds} seconds`;
}

/** The description of a refusal: what was limited, the limit, and when to try again. */
export function refusalDescription(name: LimitName, verdict: Verdict): string {
  return `${REFUSALS[name]} (at most ${verdict.limit.max} in ${windowText(verdict.limit.windowSeconds)}); try again in ${verdict.retryAfter} s`;
}

/** The stable `error` code of a refusal (HTTP 429, RFC 6585). */
export const TOO_MANY_REQUESTS = 'too_many_requests';

/**
 * Answers 429 with Retry-After: the error page for a person (`page`), else
 * the JSON `{ error: "too_many_requests", error_description }`.
 */
export async function refuseTooMany(ctx: Context, name: LimitName, verdict: Verdict, page: boolean): Promise<void> {
  const description = refusalDescription(name, verdict);
  const reference = referenceId();
  if (verdict.count === verdict.limit.max + 1) {
    // Once a window per address and limit: a flood logs one line, not one per request.
    log.warn('rate limit reached', {
      limit: name,
      ip: ctx.ip,
      max: verdict.limit.max,
      windowSeconds: verdict.limit.windowSeconds,
      reference,
    });
  }
  ctx.set('Retry-After', String(verdict.retryAfter));
  if (page) {
    await renderPage(ctx, 'error', { error: TOO_MANY_REQUESTS, description, reference, uiLocales: ctx.query.ui_locales }, 429);
    return;
  }
  ctx.status = 429;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: TOO_MANY_REQUESTS, error_description: description };
}
