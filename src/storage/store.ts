import { MemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { RedisSettings } from './redis-topology.js';

export { StoreUnavailableError } from './store-error.js';

/**
 * A key-value store with the few atomic operations the OIDC adapter needs.
 * Values are stored the way keyv stores them. TTLs are in milliseconds;
 * omitted means "never expires". Every backend failure rejects with
 * StoreUnavailableError, never resolves as a miss.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomic read-and-delete: of concurrent takers, exactly one gets the value. */
  take<T>(key: string): Promise<T | undefined>;
  /**
   * Atomic: true if this call stored the value, false if the key was present.
   * On Redis with REDIS_WAIT_REPLICAS, true only once that many replicas hold
   * it (a failover cannot lose it); fewer fails as StoreUnavailableError.
   */
  setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  /**
   * Atomic: gives a keyv value that exists and expires a new TTL from now (its
   * `expires` and the backend's own), unchanged otherwise. True if it did; a
   * missing, deleted or never-expiring key stays as it is (nothing is recreated).
   */
  refreshTtl(key: string, ttlMs: number): Promise<boolean>;
  /** Adds to an index set; the set's TTL only ever grows (Infinity: never expires). */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  members(key: string): Promise<string[]>;
  /** Removes a member from an index set; a missing member or set is not an error. */
  removeFromSet(key: string, member: string): Promise<void>;
  /**
   * Atomic fixed-window counter: adds 1 and returns the new count. The first
   * increment starts the window (ttlMs); later ones never extend it. Like index
   * sets, counters are native values, not keyv values: read them only with increment().
   */
  increment(key: string, ttlMs: number): Promise<number>;
  /**
   * The in-memory store only: true at its size cap (MEMORY_STORE_MAX_ENTRIES),
   * when the adapter refuses new interactions. Redis has none: its own
   * `maxmemory` bounds it (with `noeviction`, a write beyond it fails as an outage).
   */
  readonly full?: boolean;
  /**
   * A signal to every instance sharing this store: each listener of `channel`,
   * on any instance, gets `message` (Redis PUBLISH; in memory, this process's
   * listeners). At most once and never stored: a listener not subscribed at
   * that moment misses it, so a signal only says "look again", never carries
   * the state itself (cross-device/waiting-pages.ts).
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Listens to `channel` until the returned function is called. On Redis, one
   * subscriber connection per store carries every channel (SUBSCRIBE on its
   * own connection; Sentinel and Cluster clients keep their own). `onResume`
   * runs when a lost subscription is back: signals sent meanwhile were missed.
   */
  subscribe(channel: string, listener: (message: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Redis when given: one server, a Sentinel-managed master or a cluster (config/redis.ts). */
  redis?: RedisSettings;
  /** One Redis server (redis:// or rediss://), short for `redis: { topology: { kind: 'single', url } }`. */
  redisUrl?: string;
  /** Redis key prefix, "<namespace>::<key>". Defaults to "siwe-idp". */
  namespace?: string;
  /** Redis connect and per-command bound in milliseconds. Defaults to 1000. */
  timeoutMs?: number;
  /** Memory backend: how often expired entries are dropped. Defaults to 60000. */
  sweepIntervalMs?: number;
  /** Memory backend: its size cap (see MemoryStore). Defaults to 100000. */
  maxEntries?: number;
}

/** Redis: fails fast with StoreUnavailableError if Redis is unreachable at start. */
export async function createStore(options: StoreOptions): Promise<Store> {
  const redis =
    options.redis ??
    (options.redisUrl === undefined || options.redisUrl === ''
      ? undefined
      : { topology: { kind: 'single', url: options.redisUrl }, waitReplicas: 0 });
  if (redis === undefined) {
    return new MemoryStore({ sweepIntervalMs: options.sweepIntervalMs ?? 60_000, maxEntries: options.maxEntries });
  }
  return createRedisStore({
    ...redis,
    namespace: options.namespace ?? 'siwe-idp',
    timeoutMs: options.timeoutMs ?? 1000,
  });
}
