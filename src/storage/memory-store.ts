import { EventEmitter } from 'node:events';
import { Keyv } from 'keyv';

import { DEFAULT_MEMORY_STORE_MAX_ENTRIES } from '../config/env.js';

import { type KeyvRecord, liveRecord } from './keyv-records.js';
import type { Store } from './store.js';
import { SweepingMap } from './sweeping-map.js';
import { checkSetTtl, checkTtl } from './ttl.js';

/** How often, at most, full() sweeps expired entries before answering. */
const FULL_SWEEP_INTERVAL_MS = 1000;

/** The text budget per entry of the cap: maxEntries entries of this many characters on average (see SweepingMap's chars). */
export const CHARS_PER_ENTRY = 2048;

/**
 * Process-local store: keyv over a SweepingMap, holding keyv's
 * `{ value, expires }` records as objects, not serialized: like
 * oidc-provider's own memory adapter, a value is kept as it was given and
 * get() returns that same object, so no caller may change a value it stored
 * or read (none does: oidc-provider builds a new payload for every save, and
 * our own operations replace, never edit, what they change). A JSON round trip
 * on every read and write was the largest cost a login added beyond the engine.
 * delete goes through keyv; get, set, take, setIfAbsent, refreshTtl and the
 * set and counter operations read and write the map synchronously in keyv's
 * layout, so each is atomic against any concurrent caller without a lock. Index sets are
 * keyv values holding a string array.
 *
 * Size cap (MEMORY_STORE_MAX_ENTRIES, default 100,000): the store is `full`
 * at that many entries, or when its keys and values hold as many characters
 * as that many entries of 2 KB would (about 200 MB of text by default),
 * whichever comes first. Most entries take well under 1 KB (a sign-in's
 * interaction about 0.6 KB), so the count binds in normal use; the text
 * budget binds when a flood sends the largest requests (an interaction can
 * then take about 56 KB). The store itself never refuses a write and never
 * evicts: at the cap the adapter refuses to create new interactions (503
 * temporarily_unavailable, storage/adapter.ts). Anonymous authorization
 * requests are what can flood it; sessions, codes and tokens follow sign-ins
 * that already passed, and are never refused.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly #map: SweepingMap;
  readonly #keyv: Keyv;
  /** Signals (publish/subscribe): this process is every instance there is. */
  readonly #signals = new EventEmitter().setMaxListeners(0);
  #maxEntries: number;
  #lastFullSweep = 0;

  constructor(options: { sweepIntervalMs: number; maxEntries?: number }) {
    this.#map = new SweepingMap(options.sweepIntervalMs);
    // No serialization: the map holds keyv's `{ value, expires }` records as objects (see above).
    this.#keyv = new Keyv({ store: this.#map, useKeyPrefix: false, throwOnErrors: true, serialize: undefined, deserialize: undefined });
    this.#maxEntries = options.maxEntries ?? DEFAULT_MEMORY_STORE_MAX_ENTRIES;
  }

  /** Entries held in memory, including expired ones not swept yet. */
  get size(): number {
    return this.#map.size;
  }

  /** The cap `full` compares with (app.ts sets it from MEMORY_STORE_MAX_ENTRIES). */
  get maxEntries(): number {
    return this.#maxEntries;
  }

  set maxEntries(value: number) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`maxEntries must be a positive integer, got ${value}`);
    this.#maxEntries = value;
  }

  /** Characters of every key and value held, expired ones not swept yet included. */
  get chars(): number {
    return this.#map.chars;
  }

  /**
   * Whether the store is at its cap: maxEntries entries, or maxEntries × 2 KB
   * of text. At the cap, expired entries not swept yet are swept first (at
   * most once a second, so a flood against a full store does not sweep on
   * every request).
   */
  get full(): boolean {
    if (!this.#atCap()) return false;
    const now = Date.now();
    if (now - this.#lastFullSweep >= FULL_SWEEP_INTERVAL_MS) {
      this.#lastFullSweep = now;
      this.#map.sweep(now);
    }
    return this.#atCap();
  }

  #atCap(): boolean {
    return this.#map.size >= this.#maxEntries || this.#map.chars >= this.#maxEntries * CHARS_PER_ENTRY;
  }

  // get and set read and write the map as the operations below do, in keyv's
  // layout, without keyv's own asynchronous layers (hooks, stats, an await per call).
  async get<T>(key: string): Promise<T | undefined> {
    return this.#read<T>(key)?.value;
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.#write(key, value, checkTtl(ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.#keyv.delete(key);
  }

  async take<T>(key: string): Promise<T | undefined> {
    const record = this.#read<T>(key);
    if (record !== undefined) this.#map.delete(key);
    return record?.value;
  }

  async setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    if (this.#read(key) !== undefined) return false;
    this.#write(key, value, ttl);
    return true;
  }

  async refreshTtl(key: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs) as number;
    const record = this.#read(key);
    if (record?.expires === undefined) return false;
    this.#write(key, record.value, ttl);
    return true;
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    const ttl = checkSetTtl(ttlMs);
    const record = this.#read<string[]>(key);
    const members = record?.value ?? [];
    const now = Date.now();
    // The set lives as long as its longest-lived member: its TTL only grows.
    const current = record === undefined ? 0 : (record.expires ?? Number.POSITIVE_INFINITY);
    const wanted = ttl === undefined ? Number.POSITIVE_INFINITY : now + ttl;
    const expiresAt = Math.max(current, wanted);
    if (members.includes(member) && expiresAt === current) return;
    this.#write(
      key,
      members.includes(member) ? members : [...members, member],
      Number.isFinite(expiresAt) ? Math.max(1, expiresAt - now) : undefined,
    );
  }

  async members(key: string): Promise<string[]> {
    return this.#read<string[]>(key)?.value ?? [];
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    const record = this.#read<string[]>(key);
    if (record === undefined || !record.value.includes(member)) return;
    const members = record.value.filter((existing) => existing !== member);
    if (members.length === 0) this.#map.delete(key);
    else this.#write(key, members, remainingMs(record.expires));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const ttl = checkTtl(ttlMs);
    const record = this.#read<number>(key);
    const count = (record?.value ?? 0) + 1;
    this.#write(key, count, record === undefined ? ttl : remainingMs(record.expires));
    return count;
  }

  /**
   * A live record, read synchronously in keyv's layout: the read-modify-write
   * operations above run from their read to their write without yielding, so
   * no concurrent caller can come between (no lock needed).
   */
  #read<T>(key: string): KeyvRecord<T> | undefined {
    return liveRecord(this.#map.get(key) as { value?: T; expires?: number | null } | undefined);
  }

  /** Writes a record as keyv.set() would: keyv's layout, the map's own expiry. */
  #write(key: string, value: unknown, ttlMs: number | undefined): void {
    this.#map.set(key, { value, expires: ttlMs === undefined ? undefined : Date.now() + ttlMs }, ttlMs);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#signals.emit(channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    this.#signals.on(channel, listener);
    return async () => {
      this.#signals.off(channel, listener);
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#map.close();
    this.#map.clear();
    this.#signals.removeAllListeners();
  }
}

/** What is left of an entry's lifetime, for rewriting it without extending it (undefined: never expires). */
function remainingMs(expires: number | null | undefined): number | undefined {
  return typeof expires === 'number' ? Math.max(1, expires - Date.now()) : undefined;
}
