/**
 * The two store backends the storage tests run against: process memory, and
 * the real Redis under a random key namespace that is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { createStore, type Store } from '../../src/storage/store.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `npm run test:unit` sets TEST_BACKENDS=memory: every suite that runs per store then runs in memory only. */
export const MEMORY_ONLY = process.env.TEST_BACKENDS === 'memory';

export interface Backend {
  readonly name: 'memory' | 'redis';
  /** The store under test. */
  open(): Promise<Store>;
  /** A second store on the same data: another connection for Redis, the same store for memory. */
  peer(): Promise<Store>;
  /** Closes every store opened and deletes what they wrote. */
  cleanup(): Promise<void>;
}

export function backends(): Backend[] {
  return MEMORY_ONLY ? [memoryBackend()] : [memoryBackend(), redisBackend()];
}

function memoryBackend(): Backend {
  let store: Store | undefined;
  return {
    name: 'memory',
    open: async () => {
      store = await createStore({});
      return store;
    },
    peer: async () => {
      store ??= await createStore({});
      return store;
    },
    cleanup: async () => store?.close(),
  };
}

function redisBackend(): Backend {
  const namespace = `test-storage-${randomUUID()}`;
  const opened: Store[] = [];
  const open = async () => {
    const store = await createStore({ redisUrl: REDIS_URL, namespace });
    opened.push(store);
    return store;
  };
  return {
    name: 'redis',
    open,
    peer: open,
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
      await deleteNamespace(REDIS_URL, namespace);
    },
  };
}

/** Deletes every key "<namespace>::*", whatever its Redis type. */
export async function deleteNamespace(url: string, namespace: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${namespace}::*`, COUNT: 500 })) {
      if (keys.length > 0) await client.unlink(keys);
    }
  } finally {
    await client.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
