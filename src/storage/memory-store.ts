import { Keyv } from 'keyv';

import { KeyedLock } from './keyed-lock.js';
import type { Store } from './store.js';
import { SweepingMap } from './sweeping-map.js';
import { checkSetTtl, checkTtl } from './ttl.js';

/**
 * Process-local store: keyv over a SweepingMap. Every write goes through a
 * per-key lock, so take / setIfAbsent / addToSet are atomic against any
 * concurrent caller of this store (plain get() needs no lock).
 * Index sets are keyv values holding a string array.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly #map: SweepingMap;
  readonly #keyv: Keyv;
  readonly #lock = new KeyedLock();

  constructor(options: { sweepIntervalMs: number }) {
    this.#map = new SweepingMap(options.sweepIntervalMs);
    this.#keyv = new Keyv({ store: this.#map, useKeyPrefix: false, throwOnErrors: true });
  }

  /** Entries held in memory, including expired ones not swept yet. */
  get size(): number {
    return this.#map.size;
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

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#map.close();
    this.#map.clear();
  }
}

/** What is left of an entry's lifetime, for rewriting it without extending it (undefined: never expires). */
function remainingMs(expires: number | null | undefined): number | undefined {
  return typeof expires === 'number' ? Math.max(1, expires - Date.now()) : undefined;
}
