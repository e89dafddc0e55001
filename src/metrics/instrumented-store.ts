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
import type { Metrics, StoreSeries } from './registry.js';

/** The store's methods that are counted, and the `operation` label of each. */
const OPERATIONS = {
  get: 'get',
  set: 'set',
  delete: 'delete',
  take: 'take',
  setIfAbsent: 'set_if_absent',
  refreshTtl: 'refresh_ttl',
  addToSet: 'add_to_set',
  members: 'members',
  removeFromSet: 'remove_from_set',
  increment: 'increment',
  publish: 'publish',
  ping: 'ping',
} as const;

export function instrumentStore(store: Store, metrics: Metrics): Store {
  // Each operation's series, looked up once: a call costs two additions and a bucket search (metrics/series.ts).
  const timed = Object.fromEntries(
    Object.entries(OPERATIONS).map(([method, operation]) => [method, metrics.storeSeries(operation)]),
  ) as Record<keyof typeof OPERATIONS, StoreSeries>;
  if (store.kind === 'memory') metrics.watchMemoryStore(() => store.full === true);
  return {
    get kind() {
      return store.kind;
    },
    get full() {
      return store.full;
    },
    get: (key) => timed.get.time(() => store.get(key)),
    set: (key, value, ttlMs) => timed.set.time(() => store.set(key, value, ttlMs)),
    delete: (key) => timed.delete.time(() => store.delete(key)),
    take: (key) => timed.take.time(() => store.take(key)),
    setIfAbsent: (key, value, ttlMs) => timed.setIfAbsent.time(() => store.setIfAbsent(key, value, ttlMs)),
    refreshTtl: (key, ttlMs) => timed.refreshTtl.time(() => store.refreshTtl(key, ttlMs)),
    addToSet: (key, member, ttlMs) => timed.addToSet.time(() => store.addToSet(key, member, ttlMs)),
    members: (key) => timed.members.time(() => store.members(key)),
    removeFromSet: (key, member) => timed.removeFromSet.time(() => store.removeFromSet(key, member)),
    increment: (key, ttlMs) => timed.increment.time(() => store.increment(key, ttlMs)),
    publish: (channel, message) => timed.publish.time(() => store.publish(channel, message)),
    subscribe: (channel, listener, onResume) => store.subscribe(channel, listener, onResume),
    ping: () => timed.ping.time(() => store.ping()),
    close: () => store.close(),
  };
}
