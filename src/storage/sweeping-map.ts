interface Entry {
  value: unknown;
  expiresAt: number | undefined;
}

/**
 * A keyv storage adapter over a Map that forgets expired entries by itself:
 * reads never return them, and a periodic sweep (unref'd timer) deletes them,
 * so memory stays bounded even for keys that are never read again.
 * Keyv passes the TTL in milliseconds as the third argument of set().
 */
export class SweepingMap {
  /** Set by keyv; this adapter does not prefix keys. */
  namespace: string | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #timer: NodeJS.Timeout;

  constructor(sweepIntervalMs: number) {
    this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.#timer.unref();
  }

  /** Entries held, including expired ones the sweep has not dropped yet. */
  get size(): number {
    return this.#entries.size;
  }

  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    if (isExpired(entry, Date.now())) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: unknown, ttlMs?: number): boolean {
    const expiresAt = typeof ttlMs === 'number' && ttlMs > 0 ? Date.now() + ttlMs : undefined;
    this.#entries.set(key, { value, expiresAt });
    return true;
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  sweep(now = Date.now()): void {
    for (const [key, entry] of this.#entries) {
      if (isExpired(entry, now)) {
        this.#entries.delete(key);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

function isExpired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}
