/**
 * Everything the Redis store knows about how keyv lays out a record, in one
 * place: the Redis key @keyv/redis uses for a keyv key ("<namespace>::<key>")
 * and the string keyv stores there (its serialization of `{ value, expires }`,
 * `expires` in epoch ms). The store's atomic operations (GETDEL, SET NX, a
 * compare-and-set script) work on these raw strings, so keyv.get() reads what
 * they write and they read what keyv.set() writes.
 *
 * Only keyv's and @keyv/redis's public methods are used (serializeData,
 * deserializeData, createKeyPrefix). test/storage/store.test.ts writes with a
 * plain keyv and reads with the store, and the other way round: it fails if an
 * upgrade changes the layout.
 */
import type KeyvRedis from '@keyv/redis';
import type { Keyv } from 'keyv';

export interface KeyvRecord<T> {
  value: T;
  /** Epoch ms; undefined: never expires. */
  expires: number | undefined;
}

export class KeyvRecords {
  readonly #keyv: Keyv;
  readonly #adapter: KeyvRedis<unknown>;

  constructor(keyv: Keyv, adapter: KeyvRedis<unknown>) {
    this.#keyv = keyv;
    this.#adapter = adapter;
  }

  /** The Redis key of a keyv key. */
  redisKey(key: string): string {
    return this.#adapter.createKeyPrefix(key, this.#adapter.namespace);
  }

  /** The stored string of a value that expires at `expires` (epoch ms) or never. */
  async encode(value: unknown, expires: number | undefined): Promise<string> {
    const serialized = await this.#keyv.serializeData({ value, expires });
    if (typeof serialized !== 'string') throw new TypeError('keyv is expected to serialize to a string');
    return serialized;
  }

  /** The record in a stored string, or undefined when it is unreadable or past its `expires` (Redis may keep a key a few ms longer). */
  async decode<T>(raw: string, now = Date.now()): Promise<KeyvRecord<T> | undefined> {
    const data = await this.#keyv.deserializeData<T>(raw);
    if (data === undefined) return undefined;
    const expires = typeof data.expires === 'number' ? data.expires : undefined;
    if (expires !== undefined && expires <= now) return undefined;
    return { value: data.value as T, expires };
  }
}
