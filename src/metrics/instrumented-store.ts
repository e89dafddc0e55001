/**
 * The store, counted: a decorator around any Store (memory or Redis) that
 * records each call's operation, result and time
 * (siwe_idp_store_operations_total{operation,result},
 * siwe_idp_store_operation_duration_seconds{operation}). app.ts wraps the
 * store in it only when METRICS_PORT is set; the backends are untouched.
 *
 * `result` is `ok` when the call answered (a miss is an answer), `error` when
 * it rejected: a Redis outage or timeout (StoreUnavailableError), or the
 * in-memory store refusing at its cap. The abuse limits' counts go to the
 * store's backend directly; web/rate-limiter.ts records them as `rate_limit`.
 */
import type { Store } from '../storage/store.js';
import type { Metrics } from './registry.js';

export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed = <T>(operation: string, run: () => Promise<T>): Promise<T> => metrics.timeStoreCall(operation, run);
  if (store.kind === 'memory') metrics.watchMemoryStore(() => store.full === true);
  return {
    get kind() {
      return store.kind;
    },
    get full() {
      return store.full;
    },
    get: (key) => timed('get', () => store.get(key)),
    set: (key, value, ttlMs) => timed('set', () => store.set(key, value, ttlMs)),
    delete: (key) => timed('delete', () => store.delete(key)),
    take: (key) => timed('take', () => store.take(key)),
    setIfAbsent: (key, value, ttlMs) => timed('set_if_absent', () => store.setIfAbsent(key, value, ttlMs)),
    refreshTtl: (key, ttlMs) => timed('refresh_ttl', () => store.refreshTtl(key, ttlMs)),
    addToSet: (key, member, ttlMs) => timed('add_to_set', () => store.addToSet(key, member, ttlMs)),
    members: (key) => timed('members', () => store.members(key)),
    removeFromSet: (key, member) => timed('remove_from_set', () => store.removeFromSet(key, member)),
    increment: (key, ttlMs) => timed('increment', () => store.increment(key, ttlMs)),
    publish: (channel, message) => timed('publish', () => store.publish(channel, message)),
    subscribe: (channel, listener, onResume) => store.subscribe(channel, listener, onResume),
    ping: () => timed('ping', () => store.ping()),
    close: () => store.close(),
  };
}
