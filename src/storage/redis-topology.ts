/**
 * Where the Redis store's data lives, and the node-redis client that reaches
 * it: one server (REDIS_URL), the master a group of Sentinels names
 * (REDIS_SENTINELS + REDIS_SENTINEL_NAME), or a Redis Cluster
 * (REDIS_CLUSTER_NODES). KeyvRedis takes any of the three clients.
 *
 * The same bounds on all three: no offline queue (a command to a node that is
 * not connected fails at once, so a request answers 503 instead of waiting),
 * a connect timeout, and reconnection by itself. Beyond that each topology
 * finds its master again after a failover:
 *
 *   - Sentinel: node-redis subscribes to the Sentinels' `+switch-master` and
 *     reconnects to the new master. While it has no connected master,
 *     offline() says so and the store fails at once: a command sent then
 *     would make node-redis ask the Sentinels again in a tight loop until the
 *     switch, and be run late, long after its request had its 503.
 *   - Cluster: node-redis re-reads the slot map only on a MOVED or ASK reply,
 *     and a dead master never sends one (node-redis issue #2806). So a node's
 *     connection error or reconnection makes us re-read it (at most once a
 *     second, through RedisClusterSlots.rediscover), which finds the replica
 *     the cluster promoted.
 *
 * Every command the store sends names at most one key (see redis-store.ts),
 * so no key needs a hash tag: keys spread over all slots, and no command can
 * be refused as CROSSSLOT.
 */
import {
  createClient,
  createCluster,
  createSentinel,
  type RedisClientOptions,
  type RedisClientType,
  type RedisClusterType,
  type RedisSentinelType,
} from '@keyv/redis';
import { describeRedisUrl } from './redis-url.js';

export interface RedisNode {
  host: string;
  port: number;
}

export type RedisTopology =
  /** One server: redis[s]://[user:password@]host:port[/db]. */
  | { kind: 'single'; url: string }
  /** The master the Sentinels call `name`; username/password are the master's and replicas', sentinelPassword the Sentinels' own. */
  | { kind: 'sentinel'; name: string; sentinels: RedisNode[]; username?: string; password?: string; sentinelPassword?: string }
  /** Seed nodes of a cluster, redis[s]://[user:password@]host:port, all with the same scheme and credentials. */
  | { kind: 'cluster'; nodes: string[] };

/** The Redis settings (config/redis.ts): where, and how many replicas must hold a used nonce or code. */
export interface RedisSettings {
  topology: RedisTopology;
  /** REDIS_WAIT_REPLICAS (see replicated-writes.ts). */
  waitReplicas: number;
}

export type RedisSingleClient = RedisClientType;
type AnyClient = RedisClientType | RedisClusterType | RedisSentinelType;

/** The commands the store and the rate limiter send: each names one key at most. */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  getDel(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { condition?: 'NX'; expiration?: { type: 'PX'; value: number } }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  sAdd(key: string, member: string): Promise<number>;
  sRem(key: string, member: string): Promise<number>;
  sMembers(key: string): Promise<string[]>;
  persist(key: string): Promise<number>;
  pExpire(key: string, ms: number, mode?: 'NX' | 'GT'): Promise<number>;
  incr(key: string): Promise<number>;
}

export interface RedisConnection {
  readonly topology: RedisTopology['kind'];
  /** The client KeyvRedis wraps and the store sends its commands through. */
  readonly client: AnyClient;
  readonly commands: RedisCommands;
  /** Where Redis is, for messages: never a user name or password. */
  readonly description: string;
  /** Blanks every credential of the topology out of a text (an error message from the client). */
  scrub(text: string): string;
  /** Why a command cannot be served now (no connected master), or undefined. */
  offline(): string | undefined;
  /** Every master answers PING. */
  ping(): Promise<void>;
  /** The master that holds `key` as far as the client knows, or undefined when none is connected. */
  masterOf(key: string): RedisNode | undefined;
  /** The masters as far as the client knows. */
  masters(): RedisNode[];
  /** Options for a client of its own to one node (a master): credentials, TLS and bounds as for the topology. */
  nodeClientOptions(node: RedisNode): RedisClientOptions;
  /** A reply said the topology changed (MOVED, READONLY): look again. */
  refresh(): void;
  /** Graceful (QUIT) when every master is connected; otherwise drops the sockets at once. */
  close(): Promise<void>;
}

export interface ConnectionBounds {
  /** Connect timeout of every socket, in milliseconds. */
  timeoutMs: number;
}

/** Reconnect after 100, 200, 400, 800, then every 1000 ms, forever. */
function reconnectDelay(retries: number): number {
  return Math.min(100 * 2 ** retries, 1000);
}

/** The options every data-node client gets. */
function commonOptions(bounds: ConnectionBounds) {
  return {
    // While disconnected, commands reject at once instead of queueing until Redis returns.
    disableOfflineQueue: true,
    // No per-command `commandOptions.timeout`: @redis/client keeps an AbortSignal
    // timer alive per command for its full length (measured: 27% of server CPU
    // and ~200 MB RSS under load). RedisStore bounds each operation with one timer.
    socket: { connectTimeout: bounds.timeoutMs, reconnectStrategy: reconnectDelay },
  } as const;
}

export function openRedis(topology: RedisTopology, bounds: ConnectionBounds): RedisConnection {
  switch (topology.kind) {
    case 'single':
      return new SingleConnection(topology.url, bounds);
    case 'sentinel':
      return new SentinelConnection(topology, bounds);
    case 'cluster':
      return new ClusterConnection(topology.nodes, bounds);
  }
}

function scrubber(secrets: Array<string | undefined>): (text: string) => string {
  const list = secrets.filter((secret): secret is string => secret !== undefined && secret !== '');
  return (text) => list.reduce((out, secret) => out.replaceAll(secret, '***'), text);
}

function nodeOf(url: string): RedisNode {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

/** Closes a client of one node: gracefully (QUIT) when connected; otherwise drops its socket at once. */
export async function closeClient(client: {
  isOpen: boolean;
  isReady: boolean;
  close(): Promise<unknown>;
  destroy(): void;
}): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) await client.close();
  else client.destroy();
}

class SingleConnection implements RedisConnection {
  readonly topology = 'single';
  readonly client: RedisSingleClient;
  readonly commands: RedisCommands;
  readonly description: string;
  readonly scrub: (text: string) => string;
  readonly #url: string;
  readonly #bounds: ConnectionBounds;
  readonly #node: RedisNode;

  constructor(url: string, bounds: ConnectionBounds) {
    const { safeUrl, scrub } = describeRedisUrl(url);
    this.description = safeUrl;
    this.scrub = scrub;
    this.#url = url;
    this.#bounds = bounds;
    this.#node = nodeOf(url);
    this.client = createClient({ url, ...commonOptions(bounds) });
    this.commands = this.client;
  }

  offline(): undefined {
    return undefined;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  masterOf(): RedisNode {
    return this.#node;
  }

  masters(): RedisNode[] {
    return [this.#node];
  }

  nodeClientOptions(): RedisClientOptions {
    return { url: this.#url, ...commonOptions(this.#bounds) };
  }

  refresh(): void {}

  close(): Promise<void> {
    return closeClient(this.client);
  }
}

class SentinelConnection implements RedisConnection {
  readonly topology = 'sentinel';
  readonly client: RedisSentinelType;
  readonly commands: RedisCommands;
  readonly description: string;
  readonly scrub: (text: string) => string;
  readonly #nodeOptions: RedisClientOptions;

  constructor(topology: Extract<RedisTopology, { kind: 'sentinel' }>, bounds: ConnectionBounds) {
    this.description = `the master "${topology.name}" of the Sentinels ${topology.sentinels.map(({ host, port }) => `${host}:${port}`).join(',')}`;
    this.scrub = scrubber([topology.password, topology.sentinelPassword, topology.username]);
    this.#nodeOptions = {
      ...commonOptions(bounds),
      ...(topology.username === undefined ? {} : { username: topology.username }),
      ...(topology.password === undefined ? {} : { password: topology.password }),
    };
    this.client = createSentinel({
      name: topology.name,
      sentinelRootNodes: topology.sentinels,
      nodeClientOptions: this.#nodeOptions,
      // node-redis connects to the Sentinels without reconnecting (it asks the next one instead).
      sentinelClientOptions: {
        socket: { connectTimeout: bounds.timeoutMs },
        ...(topology.sentinelPassword === undefined ? {} : { password: topology.sentinelPassword }),
      },
      // One connection to the master for every command; none to the replicas (every read goes to the master).
      masterPoolSize: 1,
      replicaPoolSize: 0,
      // A command that failed on the master (its connection dropped) fails: node-redis would otherwise send it
      // again to the next master it finds, long after its request had its 503. (Also: a start with no master
      // found on the first try fails at once.)
      maxCommandRediscovers: 0,
      // (Typed as RESP 2, the default: the options name no RESP, which leaves it open.)
    }) as unknown as RedisSentinelType;
    this.commands = this.client;
  }

  offline(): string | undefined {
    return this.client.getMasterNode() === undefined ? 'no connection to the master (a failover may be under way)' : undefined;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  masterOf(): RedisNode | undefined {
    return this.client.getMasterNode();
  }

  masters(): RedisNode[] {
    const master = this.client.getMasterNode();
    return master === undefined ? [] : [master];
  }

  nodeClientOptions(node: RedisNode): RedisClientOptions {
    return { ...this.#nodeOptions, socket: { ...this.#nodeOptions.socket, host: node.host, port: node.port } };
  }

  refresh(): void {
    // node-redis asks the Sentinels again itself: on their +switch-master, and on a READONLY reply to its own commands.
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    if (this.client.getMasterNode() !== undefined) await this.client.close();
    else await this.client.destroy();
  }
}

/** How often, at most, the cluster's slot map is re-read after node errors. */
const REDISCOVER_INTERVAL_MS = 1000;

class ClusterConnection implements RedisConnection {
  readonly topology = 'cluster';
  readonly client: RedisClusterType;
  readonly commands: RedisCommands;
  readonly description: string;
  readonly scrub: (text: string) => string;
  readonly #defaults: RedisClientOptions;
  #lastRediscover = 0;
  #rediscovering = false;

  constructor(urls: string[], bounds: ConnectionBounds) {
    const described = urls.map((url) => describeRedisUrl(url));
    this.description = `the cluster ${described.map(({ safeUrl }) => safeUrl.replace(/\/$/, '')).join(',')}`;
    this.scrub = (text) => described.reduce((out, { scrub }) => scrub(out), text);
    const first = new URL(urls[0]!);
    const common = commonOptions(bounds);
    this.#defaults = {
      ...common,
      ...(first.username === '' ? {} : { username: decodeURIComponent(first.username) }),
      ...(first.password === '' ? {} : { password: decodeURIComponent(first.password) }),
      socket: { ...common.socket, ...(first.protocol === 'rediss:' ? { tls: true as const } : {}) },
    };
    this.client = createCluster({
      rootNodes: urls.map((url) => ({ url })),
      // Credentials, TLS and bounds of every node the slot map names (the seed URLs serve the discovery only).
      defaults: this.#defaults,
    });
    this.commands = this.client;
    this.client.on('node-error', () => this.refresh());
    this.client.on('node-reconnecting', () => this.refresh());
  }

  offline(): undefined {
    return undefined;
  }

  async ping(): Promise<void> {
    const masters = this.client.masters;
    if (masters.length === 0) throw new Error('the cluster has no known master');
    await Promise.all(masters.map(async (master) => (await this.client.nodeClient(master)).ping()));
  }

  masterOf(key: string): RedisNode | undefined {
    const master = this.client.slots[keySlot(key)]?.master;
    return master === undefined ? undefined : { host: master.host, port: master.port };
  }

  masters(): RedisNode[] {
    return this.client.masters.map(({ host, port }) => ({ host, port }));
  }

  nodeClientOptions(node: RedisNode): RedisClientOptions {
    return { ...this.#defaults, socket: { ...this.#defaults.socket, host: node.host, port: node.port } };
  }

  /** Re-reads the slot map (CLUSTER SLOTS), starting with a connected master, at most once a second. */
  refresh(): void {
    const now = Date.now();
    if (this.#rediscovering || now - this.#lastRediscover < REDISCOVER_INTERVAL_MS || !this.client.isOpen) return;
    const start = this.client.masters.find((master) => master.client?.isReady)?.client ?? this.client.masters[0]?.client;
    if (start === undefined) return;
    this.#lastRediscover = now;
    this.#rediscovering = true;
    // When `start` does not answer, node-redis falls back to the seed nodes.
    this.client._slots
      .rediscover(start as never)
      .catch(() => undefined)
      .finally(() => {
        this.#rediscovering = false;
      });
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    const connected = this.client.masters.every((master) => master.client?.isReady === true);
    if (connected) await this.client.close();
    else this.client.destroy();
  }
}

/**
 * CRC16-CCITT (XModem), the checksum of Redis Cluster's key slots. Our own, not the cluster-key-slot package
 * node-redis uses: that one gives a key with an empty hash tag before a full one (`foo{}{bar}`) the slot of `bar`,
 * where Redis hashes the whole key (test/storage/redis-cluster.test.ts asks a real cluster).
 */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The cluster slot of a key (as CLUSTER KEYSLOT): of its hash tag `{…}` when it has a non-empty one. */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % 16384;
  }
  return crc16(bytes) % 16384;
}
