import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';

import { Deadlines } from './deadlines.js';
import { KeyvRecords } from './keyv-records.js';
import { deserialize, serialize } from './keyv-serialization.js';
import {
  closeClient,
  openRedis,
  type RedisCommands,
  type RedisConnection,
  type RedisSingleClient,
  type RedisTopology,
} from './redis-topology.js';
import { ReplicatedWrites } from './replicated-writes.js';
import type { Store } from './store.js';
import { StoreUnavailableError } from './store-error.js';
import { checkSetTtl, checkTtl } from './ttl.js';

export interface RedisStoreOptions {
  /** One server, a Sentinel-managed master, or a cluster (see redis-topology.ts). */
  topology: RedisTopology;
  /**
   * Replicas that must acknowledge a setIfAbsent() (the used-nonce and
   * consumed-code markers) before it counts (Redis WAIT; see
   * replicated-writes.ts). 0: none, the master's acknowledgment is enough.
   */
  waitReplicas: number;
  namespace: string;
  /** Bound for connecting and for every command, in milliseconds. */
  timeoutMs: number;
}

/**
 * Start-up when Redis is down: FAIL FAST. The store connects and PINGs before
 * it is returned; if that does not succeed within timeoutMs the client is
 * destroyed and this rejects with StoreUnavailableError, so a process with a
 * wrong or dead REDIS_URL (or Sentinels, or cluster) never starts serving.
 * Once started, an outage is reported per call (StoreUnavailableError within
 * timeoutMs) and the client reconnects by itself, after a failover to the
 * new master.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const connection = openRedis(options.topology, { timeoutMs: options.timeoutMs });
  const adapter = new KeyvRedis(connection.client, {
    namespace: options.namespace,
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: options.timeoutMs,
  });
  // useKeyPrefix: false, so only KeyvRedis prefixes keys ("<namespace>::<key>"),
  // not keyv as well; this is the layout @keyv/redis's own createKeyv() uses.
  const keyv = new Keyv(adapter, { namespace: options.namespace, useKeyPrefix: false, throwOnErrors: true, serialize, deserialize });
  // WAIT's own bound is half the operation's, so a missing replica is reported as such, not as a timeout.
  const replicated = options.waitReplicas > 0 ? new ReplicatedWrites(connection, options.waitReplicas, options.timeoutMs / 2) : undefined;
  const store = new RedisStore(connection, adapter, keyv, options.timeoutMs, replicated, (operation, error) => {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(connection.scrub(`redis store ${connection.description}: ${operation} failed: ${reason}`), {
      cause: error,
    });
  });
  try {
    await store.connect();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

type Unavailable = (operation: string, error: unknown) => StoreUnavailableError;

type Listener = (message: string) => void;

/** What SUBSCRIBE needs of a client: a single server's dedicated connection, or a Sentinel or Cluster client. */
interface PubSubClient {
  subscribe(channel: string, listener: Listener): Promise<unknown>;
  unsubscribe(channel: string, listener: Listener): Promise<unknown>;
}

/** The store's subscriber, opened on the first subscribe(). */
interface Subscriber {
  client: PubSubClient;
  close(): Promise<void>;
}

/**
 * What rate-limiter-flexible's RateLimiterRedis needs to count in this
 * store's Redis (web/rate-limiter.ts): nothing else should use it.
 */
export interface RedisRateLimitBackend {
  /**
   * The store's own node-redis client: one server's, the Sentinel client or
   * the cluster client (offline queue disabled: a command to a node that is
   * not connected fails at once).
   */
  client: RedisConnection['client'];
  /** The Redis key of a store key, in this store's namespace ("<namespace>::<key>"). */
  redisKey(key: string): string;
  /**
   * Runs a count as the store runs its own operations: refused at once while
   * there is no master (nothing sent), bounded by the store's timeout, and any
   * failure reported as StoreUnavailableError (credentials scrubbed).
   */
  guard<T>(operation: string, run: () => Promise<T>): Promise<T>;
}

/** KEYS[1] still holds ARGV[1]: replace it with ARGV[2], expiring in ARGV[3] ms; 1 if done, else 0. */
const REFRESH_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/**
 * keyv over @keyv/redis. Plain get/set/delete go through keyv; the atomic
 * operations use the raw client on keyv's own records (see keyv-records.ts),
 * so keyv.get() reads what take(), setIfAbsent() and refreshTtl() write.
 * Index sets are native Redis sets (SADD), not keyv values.
 *
 * On a cluster: every command names one key (GET, SET, UNLINK, GETDEL, SET NX,
 * an EVAL with one key, SADD, SREM, SMEMBERS, PERSIST, PEXPIRE, INCR, and
 * rate-limiter-flexible's EVAL with one key), and the pipelined pairs
 * (SADD + PEXPIRE, INCR + PEXPIRE) name the same key twice, so each goes to
 * that key's master and none is refused as CROSSSLOT. No MULTI, no MGET.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly #connection: RedisConnection;
  readonly #client: RedisCommands;
  readonly #adapter: KeyvRedis<unknown>;
  readonly #keyv: Keyv;
  readonly #records: KeyvRecords;
  readonly #deadlines: Deadlines;
  readonly #unavailable: Unavailable;
  readonly #replicated: ReplicatedWrites | undefined;
  #subscriber: Promise<Subscriber> | undefined;
  readonly #onResume = new Set<() => void>();

  constructor(
    connection: RedisConnection,
    adapter: KeyvRedis<unknown>,
    keyv: Keyv,
    timeoutMs: number,
    replicated: ReplicatedWrites | undefined,
    unavailable: Unavailable,
  ) {
    this.#connection = connection;
    this.#client = connection.commands;
    this.#replicated = replicated;
    this.#adapter = adapter;
    this.#keyv = keyv;
    this.#records = new KeyvRecords(adapter);
    this.#deadlines = new Deadlines(timeoutMs);
    this.#unavailable = unavailable;
  }

  /** Connects (bounded by the KeyvRedis connectionTimeout) and PINGs. */
  async connect(): Promise<void> {
    await this.#guard('connect', () => this.#adapter.getClient(), false);
    await this.ping();
  }

  /**
   * For rate-limiter-flexible only (web/rate-limiter.ts): it counts with the
   * raw client, in this store's namespace, under the same bound. Only single
   * commands and scripts (EVAL) fail fast while Redis is away: @redis/client
   * queues MULTI while offline, so its users must never send MULTI.
   * A getter, not a method: it reads nothing and writes nothing.
   */
  get rateLimitBackend(): RedisRateLimitBackend {
    return {
      client: this.#connection.client,
      redisKey: (key) => this.#records.redisKey(key),
      guard: (operation, run) => this.#guard(operation, run),
    };
  }

  // get and set send GET and SET (PX) as keyv.get() and keyv.set() on @keyv/redis
  // would, with keyv's record text (keyv-records.ts), without keyv's asynchronous layers.
  get<T>(key: string): Promise<T | undefined> {
    return this.#guard('get', async () => {
      const raw = await this.#client.get(this.#records.redisKey(key));
      return raw === null ? undefined : this.#records.decode<T>(raw)?.value;
    });
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const ttl = checkTtl(ttlMs);
    await this.#guard('set', () => {
      const redisKey = this.#records.redisKey(key);
      if (ttl === undefined) return this.#client.set(redisKey, this.#records.encode(value, undefined));
      return this.#client.set(redisKey, this.#records.encode(value, Date.now() + ttl), { expiration: { type: 'PX', value: ttl } });
    });
  }

  async delete(key: string): Promise<void> {
    await this.#guard('delete', () => this.#keyv.delete(key));
  }

  async take<T>(key: string): Promise<T | undefined> {
    return this.#guard('take', async () => {
      const raw = await this.#client.getDel(this.#records.redisKey(key));
      return raw === null ? undefined : this.#records.decode<T>(raw)?.value;
    });
  }

  async setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    return this.#guard('setIfAbsent', async () => {
      const serialized = this.#records.encode(value, ttl === undefined ? undefined : Date.now() + ttl);
      if (this.#replicated) return this.#replicated.setIfAbsent(this.#records.redisKey(key), serialized, ttl);
      const reply = await this.#client.set(
        this.#records.redisKey(key),
        serialized,
        ttl === undefined ? { condition: 'NX' } : { condition: 'NX', expiration: { type: 'PX', value: ttl } },
      );
      return reply !== null;
    });
  }

  async refreshTtl(key: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs) as number;
    return this.#guard('refreshTtl', async () => {
      const redisKey = this.#records.redisKey(key);
      const raw = await this.#client.get(redisKey);
      if (raw === null) return false;
      const record = this.#records.decode(raw);
      if (record?.expires === undefined) return false;
      const serialized = this.#records.encode(record.value, Date.now() + ttl);
      // Compare-and-set in one script: only the value just read is rewritten, so
      // a key deleted or replaced meanwhile is never brought back.
      const reply = await this.#client.eval(REFRESH_IF_UNCHANGED, { keys: [redisKey], arguments: [raw, serialized, String(ttl)] });
      return reply === 1;
    });
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    const ttl = checkSetTtl(ttlMs);
    await this.#guard('addToSet', async () => {
      const redisKey = this.#records.redisKey(key);
      // Pipelined on one connection, so Redis runs them in this order. PEXPIRE NX
      // gives a fresh set its first TTL (GT alone never touches a key without a
      // TTL); PEXPIRE GT then only ever lengthens it. Deliberately not MULTI:
      // @redis/client queues MULTI while offline, ignoring disableOfflineQueue
      // and the command timeout.
      await Promise.all(
        ttl === undefined
          ? [this.#client.sAdd(redisKey, member), this.#client.persist(redisKey)]
          : [this.#client.sAdd(redisKey, member), this.#client.pExpire(redisKey, ttl, 'NX'), this.#client.pExpire(redisKey, ttl, 'GT')],
      );
    });
  }

  async members(key: string): Promise<string[]> {
    return this.#guard('members', () => this.#client.sMembers(this.#records.redisKey(key)));
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.#guard('removeFromSet', () => this.#client.sRem(this.#records.redisKey(key), member));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const ttl = checkTtl(ttlMs) as number;
    return this.#guard('increment', async () => {
      const redisKey = this.#records.redisKey(key);
      // Pipelined on one connection: INCR, then PEXPIRE NX gives the window its
      // TTL once (a counter left without one by a lost reply gets it next time).
      const [count] = await Promise.all([this.#client.incr(redisKey), this.#client.pExpire(redisKey, ttl, 'NX')]);
      return count;
    });
  }

  /** PUBLISH on `<namespace>::<channel>`: every subscriber of any instance on this Redis gets it (a cluster relays it to every node). */
  async publish(channel: string, message: string): Promise<void> {
    const client = this.#connection.client as unknown as { publish(channel: string, message: string): Promise<number> };
    await this.#guard('publish', () => client.publish(this.#records.redisKey(channel), message));
  }

  async subscribe(channel: string, listener: Listener, onResume?: () => void): Promise<() => Promise<void>> {
    const name = this.#records.redisKey(channel);
    const subscriber = await this.#guard('subscribe', async () => {
      this.#subscriber ??= this.#openSubscriber();
      const opened = await this.#subscriber.catch((error: unknown) => {
        this.#subscriber = undefined;
        throw error;
      });
      await opened.client.subscribe(name, listener);
      return opened;
    });
    if (onResume) this.#onResume.add(onResume);
    return async () => {
      if (onResume) this.#onResume.delete(onResume);
      await subscriber.client.unsubscribe(name, listener).catch(() => undefined);
    };
  }

  /**
   * One server: a duplicate of the store's client (same options: no offline
   * queue, the same reconnect delays), which re-subscribes by itself after a
   * reconnect; each reconnect after the first calls the onResume callbacks.
   * Sentinel and Cluster clients keep a pub/sub connection of their own.
   */
  async #openSubscriber(): Promise<Subscriber> {
    if (this.#connection.topology !== 'single') {
      const client = this.#connection.client as unknown as PubSubClient;
      return { client, close: async () => undefined };
    }
    const duplicate = (this.#connection.client as RedisSingleClient).duplicate();
    let connected = false;
    // node-redis reconnects by itself; an error event without a listener would crash the process.
    duplicate.on('error', () => undefined);
    duplicate.on('ready', () => {
      if (connected) for (const resume of this.#onResume) resume();
      connected = true;
    });
    try {
      await duplicate.connect();
    } catch (error) {
      duplicate.destroy();
      throw error;
    }
    return {
      client: duplicate as unknown as PubSubClient,
      close: () => closeClient(duplicate),
    };
  }

  async ping(): Promise<void> {
    await this.#guard('ping', () => this.#connection.ping());
  }

  /** Graceful QUIT when connected; while Redis is unreachable, drop the sockets at once. */
  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#onResume.clear();
    await this.#guard(
      'close',
      () =>
        Promise.all([
          subscriber?.then((opened) => opened.close()).catch(() => undefined),
          this.#connection.close(),
          this.#replicated?.close(),
        ]),
      false,
    );
  }

  /**
   * Every operation fails as StoreUnavailableError: at once while disconnected
   * (disableOfflineQueue, or no master during a Sentinel failover: nothing is
   * sent then), after timeoutMs while connected but unresponsive.
   */
  #guard<T>(operation: string, run: () => Promise<T>, failWhenOffline = true): Promise<T> {
    const offline = failWhenOffline ? this.#connection.offline() : undefined;
    if (offline !== undefined) return Promise.reject(this.#unavailable(operation, new Error(offline)));
    let started: Promise<T>;
    try {
      started = run();
    } catch (error) {
      return Promise.reject(this.#unavailable(operation, error));
    }
    return this.#deadlines.bound(started, (error) => this.#unavailable(operation, error));
  }
}
