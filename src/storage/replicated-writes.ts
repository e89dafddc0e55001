/**
 * Writes that must survive a failover: the markers that make a SIWE nonce and
 * an authorization code (any consumable artifact) usable once. Redis
 * replicates asynchronously, so a `SET NX` the master acknowledged can be
 * missing on the replica promoted after the master dies; the marker would
 * vanish and the same nonce or code would be accepted a second time.
 *
 * So with REDIS_WAIT_REPLICAS = N > 0 a marker is written as `SET NX` then
 * `WAIT N <ms>`, pipelined on one connection to the key's master, and counts
 * as stored only once N replicas acknowledged it. Sentinel and Cluster
 * promote the most up-to-date replica, which then holds it. Fewer than N
 * within the time (a replica missing or lagging, the master dying between
 * the two) fails closed: the caller answers 503, and the marker, if it is on
 * the master, still counts as used.
 *
 * The connection is our own plain client per master, not the topology's
 * shared one: WAIT blocks the connection it is sent on (a slow replica must
 * not hold up every other command), and SET and WAIT must reach the same
 * server on the same socket, in that order, with no retry in between (the
 * Sentinel and Cluster clients re-send a failed command to whichever master
 * they find next, where a WAIT would vouch for nothing). Cost: one more
 * connection per master, and on each such write the replica's acknowledgment
 * (about one round trip from master to replica) before the answer.
 */
import { createClient } from '@keyv/redis';
import { closeClient, type RedisConnection, type RedisNode, type RedisSingleClient } from './redis-topology.js';

interface NodeClient {
  client: RedisSingleClient;
  /** Settles with the first connection attempt: ready, or failed (node-redis then keeps trying by itself). */
  firstAttempt: Promise<void>;
}

const addressOf = (node: RedisNode) => `${node.host}:${node.port}`;

export class ReplicatedWrites {
  readonly #connection: RedisConnection;
  readonly #replicas: number;
  readonly #waitMs: number;
  readonly #clients = new Map<string, NodeClient>();
  #closed = false;

  /** `replicas` (≥ 1) must acknowledge each write within `waitMs`. */
  constructor(connection: RedisConnection, replicas: number, waitMs: number) {
    this.#connection = connection;
    this.#replicas = replicas;
    this.#waitMs = Math.max(1, Math.floor(waitMs));
  }

  /** `SET key value NX [PX ttl]`, then WAIT: true once stored and on enough replicas, false if the key was present. */
  async setIfAbsent(key: string, value: string, ttlMs: number | undefined): Promise<boolean> {
    const node = this.#connection.masterOf(key);
    if (node === undefined) throw new Error('no connection to a master');
    const client = await this.#clientFor(node);
    let stored: string | null;
    let acknowledged: number;
    try {
      // Sent together: Redis runs them in this order on this connection.
      [stored, acknowledged] = await Promise.all([
        client.set(key, value, ttlMs === undefined ? { condition: 'NX' } : { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }),
        client.wait(this.#replicas, this.#waitMs),
      ]);
    } catch (error) {
      // MOVED (a cluster slot has a new master) or READONLY (the master became a replica).
      if (/^(MOVED|ASK|READONLY)\b/.test((error as Error).message ?? '')) this.#connection.refresh();
      throw error;
    }
    if (stored === null) return false;
    if (acknowledged < this.#replicas) {
      throw new Error(`the write reached ${acknowledged} of ${this.#replicas} replica(s) within ${this.#waitMs} ms (REDIS_WAIT_REPLICAS)`);
    }
    return true;
  }

  /** Our client to `node`: ready, or connecting for the first time (awaited), else an error at once. */
  async #clientFor(node: RedisNode): Promise<RedisSingleClient> {
    if (this.#closed) throw new Error('the store is closed');
    const address = addressOf(node);
    let entry = this.#clients.get(address);
    if (entry === undefined) {
      this.#forgetFormerMasters();
      const client = createClient(this.#connection.nodeClientOptions(node)) as RedisSingleClient;
      const firstAttempt = new Promise<void>((resolve) => {
        client.once('ready', () => resolve());
        client.once('error', () => resolve());
      });
      // Failures are reported per write; the client reconnects by itself.
      client.on('error', () => undefined);
      client.connect().catch(() => undefined);
      entry = { client, firstAttempt };
      this.#clients.set(address, entry);
    }
    if (entry.client.isReady) return entry.client;
    await entry.firstAttempt;
    if (entry.client.isReady) return entry.client;
    throw new Error(`no connection to the master ${address}`);
  }

  /** Drops the clients of nodes that are no longer masters. */
  #forgetFormerMasters(): void {
    const masters = new Set(this.#connection.masters().map(addressOf));
    for (const [address, { client }] of this.#clients) {
      if (masters.has(address)) continue;
      this.#clients.delete(address);
      if (client.isOpen) client.destroy();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const clients = [...this.#clients.values()].map(({ client }) => client);
    this.#clients.clear();
    await Promise.all(clients.map(closeClient));
  }
}
