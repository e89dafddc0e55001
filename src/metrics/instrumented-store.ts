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
  // Each operation's series, looked up once: a call costs two additions and a bucket search (metrics/series.ts).
  const get = metrics.storeSeries('get');
  const set = metrics.storeSeries('set');
  const del = metrics.storeSeries('delete');
  const take = metrics.storeSeries('take');
  const setIfAbsent = metrics.storeSeries('set_if_absent');
  const refreshTtl = metrics.storeSeries('refresh_ttl');
  const addToSet = metrics.storeSeries('add_to_set');
  const members = metrics.storeSeries('members');
  const removeFromSet = metrics.storeSeries('remove_from_set');
  const increment = metrics.storeSeries('increment');
  const publish = metrics.storeSeries('publish');
  const ping = metrics.storeSeries('ping');
  if (store.kind === 'memory') metrics.watchMemoryStore(() => store.full === true);
  return {
    get kind() {
      return store.kind;
    },
    get full() {
      return store.full;
    },
    get: (key) => get.time(() => store.get(key)),
    set: (key, value, ttlMs) => set.time(() => store.set(key, value, ttlMs)),
    delete: (key) => del.time(() => store.delete(key)),
    take: (key) => take.time(() => store.take(key)),
    setIfAbsent: (key, value, ttlMs) => setIfAbsent.time(() => store.setIfAbsent(key, value, ttlMs)),
    refreshTtl: (key, ttlMs) => refreshTtl.time(() => store.refreshTtl(key, ttlMs)),
    addToSet: (key, member, ttlMs) => addToSet.time(() => store.addToSet(key, member, ttlMs)),
    members: (key) => members.time(() => store.members(key)),
    removeFromSet: (key, member) => removeFromSet.time(() => store.removeFromSet(key, member)),
    increment: (key, ttlMs) => increment.time(() => store.increment(key, ttlMs)),
    publish: (channel, message) => publish.time(() => store.publish(channel, message)),
    subscribe: (channel, listener, onResume) => store.subscribe(channel, listener, onResume),
    ping: () => ping.time(() => store.ping()),
    close: () => store.close(),
  };
}
