interface Entry {
  value: unknown;
  expiresAt: number | undefined;
  /** The key's length and approximateChars(value), counted once when written. */
  chars: number;
}

/**
 * About how many characters a value would take as JSON: its strings and
 * keys, plus a few for every other value and each separator. Values are
 * kept as objects, not text (memory-store.ts); this is what the size cap
 * counts, in one walk at write time.
 */
function approximateChars(value: unknown): number {
  // An explicit stack, not recursion: a request can nest values deeply (the `claims` parameter).
  let chars = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') chars += item.length + 2;
    else if (item === null || typeof item !== 'object') chars += 8;
    else if (Array.isArray(item)) {
      chars += 2 + item.length;
      for (const element of item) stack.push(element);
    } else {
      chars += 2;
      for (const key in item) {
        chars += key.length + 4;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return chars;
}

/**
 * A keyv storage adapter over a Map that forgets expired entries by itself:
 * reads never return them, and a periodic sweep (unref'd timer) deletes them,
 * so memory stays bounded even for keys that are never read again.
 * Keyv passes the TTL in milliseconds as the third argument of set().
 * It keeps count of the characters its entries hold (`chars`), for the
 * memory store's size cap.
 */
export class SweepingMap {
  /** Set by keyv; this adapter does not prefix keys. */
  namespace: string | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #timer: NodeJS.Timeout;
  #chars = 0;

  constructor(sweepIntervalMs: number) {
    this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.#timer.unref();
  }

  /** Entries held, including expired ones the sweep has not dropped yet. */
  get size(): number {
    return this.#entries.size;
  }

  /** Characters of every key and value held, expired ones not swept yet included. */
  get chars(): number {
    return this.#chars;
  }

  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    if (isExpired(entry, Date.now())) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: unknown, ttlMs?: number): boolean {
    const expiresAt = typeof ttlMs === 'number' && ttlMs > 0 ? Date.now() + ttlMs : undefined;
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#chars -= previous.chars;
    const entry = { value, expiresAt, chars: key.length + approximateChars(value) };
    this.#entries.set(key, entry);
    this.#chars += entry.chars;
    return true;
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#chars -= entry.chars;
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#chars = 0;
  }

  sweep(now = Date.now()): void {
    for (const [key, entry] of this.#entries) {
      if (isExpired(entry, now)) {
        this.delete(key);
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
