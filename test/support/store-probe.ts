/**
 * Watches a test server's store for writes: counts its keys (the memory
 * store's size; for Redis, a SCAN of "<namespace>::*") and records every call
 * of a writing Store method, so a test can assert that a request wrote nothing.
 */
import { createClient } from '@keyv/redis';
import type { MemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import { REDIS_URL } from './storage-backends.js';

/** Store methods that never write; every other method of the store counts as a write (a new one too). */
const READS = new Set(['constructor', 'connect', 'get', 'members', 'ping', 'close']);

export interface StoreProbe {
  /** How many keys the store holds now. */
  keys(): Promise<number>;
  /** The writes seen since the last call ("set Grant:…"), and forget them. */
  takeWrites(): string[];
  close(): Promise<void>;
}

/** Wraps the store's writing methods (on the instance, so every caller goes through them). */
export async function probeStore(store: Store, namespace: string): Promise<StoreProbe> {
  let writes: string[] = [];
  const methods = store as unknown as Record<string, (key: string, ...rest: unknown[]) => Promise<unknown>>;
  const prototype = Object.getPrototypeOf(store) as object;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
    if (READS.has(name) || typeof method !== 'function') continue;
    methods[name] = (key, ...rest) => {
      writes.push(`${name} ${key}`);
      return method.call(store, key, ...rest);
    };
  }
  const redis = store.kind === 'redis' ? createClient({ url: REDIS_URL }) : undefined;
  await redis?.connect();
  return {
    async keys() {
      if (!redis) return (store as MemoryStore).size;
      let count = 0;
      for await (const keys of redis.scanIterator({ MATCH: `${namespace}::*`, COUNT: 500 })) count += keys.length;
      return count;
    },
    takeWrites() {
      const seen = writes;
      writes = [];
      return seen;
    },
    async close() {
      await redis?.close();
    },
  };
}
