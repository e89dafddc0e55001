/**
 * Everything the Redis store knows about how keyv lays out a record, in one
 * place: the Redis key @keyv/redis uses for a keyv key ("<namespace>::<key>")
 * and the string keyv stores there (its serialization of `{ value, expires }`,
 * `expires` in epoch ms). The store's reads and writes work on these raw
 * strings with the client itself, so a plain keyv reads what they write and
 * they read what a plain keyv writes.
 *
 * The key comes from @keyv/redis's own createKeyPrefix(); the text from
 * keyv-serialization.ts, which writes and reads exactly keyv's (the store is
 * configured without compression). test/storage/store.test.ts writes with a
 * plain keyv and reads with the store, and the other way round: it fails if an
 * upgrade changes the layout.
 */
import type KeyvRedis from '@keyv/redis';
import { deserialize, serialize } from './keyv-serialization.js';

export interface KeyvRecord<T> {
  value: T;
  /** Epoch ms; undefined: never expires. */
  expires: number | undefined;
}

/** A stored `{ value, expires }` as a record, or undefined when it holds no value or is past its `expires`. */
export function liveRecord<T>(data: { value?: T; expires?: number | null } | undefined | null): KeyvRecord<T> | undefined {
  if (data === undefined || data === null || data.value === undefined) return undefined;
  const expires = typeof data.expires === 'number' ? data.expires : undefined;
  if (expires !== undefined && expires <= Date.now()) return undefined;
  return { value: data.value, expires };
}

export class KeyvRecords {
  readonly #adapter: KeyvRedis<unknown>;

  constructor(adapter: KeyvRedis<unknown>) {
    this.#adapter = adapter;
  }

  /** The Redis key of a keyv key. */
  redisKey(key: string): string {
    return this.#adapter.createKeyPrefix(key, this.#adapter.namespace);
  }

  /** The stored string of a value that expires at `expires` (epoch ms) or never. */
  encode(value: unknown, expires: number | undefined): string {
    return serialize({ value, expires }) as string;
  }

  /** The record in a stored string, or undefined when it is unreadable or past its `expires` (Redis may keep a key a few ms longer). */
  decode<T>(raw: string): KeyvRecord<T> | undefined {
    return liveRecord(deserialize<T>(raw) as { value?: T; expires?: number | null } | undefined);
  }
}
