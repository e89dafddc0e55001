import { EventEmitter } from 'node:events';
import { Keyv } from 'keyv';

import { DEFAULT_MEMORY_STORE_MAX_ENTRIES } from '../config/env.js';

import { KeyedLock } from './keyed-lock.js';
import type { Store } from './store.js';
import { SweepingMap } from './sweeping-map.js';
import { checkSetTtl, checkTtl } from './ttl.js';

/** How often, at most, full() sweeps expired entries before answering. */
const FULL_SWEEP_INTERVAL_MS = 1000;

/** The text budget per entry of the cap: maxEntries entries of this many characters on average. */
export const CHARS_PER_ENTRY = 2048;

/**
 * Process-local store: keyv over a SweepingMap. Every write goes through a
 * per-key lock, so take / setIfAbsent / addToSet are atomic against any
 * concurrent caller of this store (plain get() needs no lock).
 * Index sets are keyv values holding a string array.
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
  readonly #lock = new KeyedLock();
  /** Signals (publish/subscribe): this process is every instance there is. */
  readonly #signals = new EventEmitter().setMaxListeners(0);
  #maxEntries: number;
  #lastFullSweep = 0;

  constructor(options: { sweepIntervalMs: number; maxEntries?: number }) {
    this.#map = new SweepingMap(options.sweepIntervalMs);
    this.#keyv = new Keyv({ store: this.#map, useKeyPrefix: false, throwOnErrors: true });
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

  async get<T>(key: string): Promise<T | undefined> {
    return this.#keyv.get<T>(key);
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const ttl = checkTtl(ttlMs);
    await this.#lock.run(key, () => this.#keyv.set(key, value, ttl));
  }

  async delete(key: string): Promise<void> {
    await this.#lock.run(key, () => this.#keyv.delete(key));
  }

  async take<T>(key: string): Promise<T | undefined> {
    return this.#lock.run(key, async () => {
      const value = await this.#keyv.get<T>(key);
      if (value !== undefined) {
        await this.#keyv.delete(key);
      }
      return value;
    });
  }

  async setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    return this.#lock.run(key, async () => {
      if (await this.#keyv.has(key)) {
        return false;
      }
      await this.#keyv.set(key, value, ttl);
      return true;
    });
  }

  async refreshTtl(key: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs) as number;
    return this.#lock.run(key, async () => {
      const stored = await this.#keyv.getRaw(key);
      if (stored === undefined || typeof stored.expires !== 'number' || stored.expires <= Date.now()) return false;
      await this.#keyv.set(key, stored.value, ttl);
      return true;
    });
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    const ttl = checkSetTtl(ttlMs);
    await this.#lock.run(key, async () => {
      const stored = await this.#keyv.getRaw<string[]>(key);
      const members = new Set(stored?.value ?? []);
      members.add(member);
      const now = Date.now();
      // The set lives as long as its longest-lived member: its TTL only grows.
      const current = stored === undefined ? 0 : (stored.expires ?? Number.POSITIVE_INFINITY);
      const wanted = ttl === undefined ? Number.POSITIVE_INFINITY : now + ttl;
      const expiresAt = Math.max(current, wanted);
      const remaining = Number.isFinite(expiresAt) ? Math.max(1, expiresAt - now) : undefined;
      await this.#keyv.set(key, [...members], remaining);
    });
  }

  async members(key: string): Promise<string[]> {
    return (await this.#keyv.get<string[]>(key)) ?? [];
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.#lock.run(key, async () => {
      const stored = await this.#keyv.getRaw<string[]>(key);
      if (stored?.value === undefined || !stored.value.includes(member)) return;
      const members = stored.value.filter((existing) => existing !== member);
      if (members.length === 0) {
        await this.#keyv.delete(key);
        return;
      }
      await this.#keyv.set(key, members, remainingMs(stored.expires));
    });
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const ttl = checkTtl(ttlMs);
    return this.#lock.run(key, async () => {
      const stored = await this.#keyv.getRaw<number>(key);
      if (stored?.value === undefined) {
        await this.#keyv.set(key, 1, ttl);
        return 1;
      }
      const count = stored.value + 1;
      await this.#keyv.set(key, count, remainingMs(stored.expires));
      return count;
    });
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
