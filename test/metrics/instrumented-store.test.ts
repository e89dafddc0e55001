/**
 * The store, counted (src/metrics/instrumented-store.ts): every call by
 * operation and result, timed; the wrapped store's answers, errors, `kind` and
 * `full` pass through unchanged; the in-memory store's cap is a gauge.
 */
import assert from 'node:assert/strict';
import { Metrics } from '../../src/metrics/registry.js';
import { instrumentStore } from '../../src/metrics/instrumented-store.js';
import { createStore, type Store, StoreUnavailableError } from '../../src/storage/store.js';
import { parseExposition, sampleValue } from './exposition.js';

async function samples(metrics: Metrics) {
  return parseExposition((await metrics.exposition()).body);
}

describe('the instrumented store', () => {
  it('counts and times each operation, answering as the store answers', async () => {
    const backend = await createStore({ maxEntries: 2 });
    const metrics = new Metrics();
    const store = instrumentStore(backend, metrics);
    try {
      assert.equal(store.kind, 'memory');
      await store.set('a', { v: 1 }, 60_000);
      assert.deepEqual(await store.get('a'), { v: 1 });
      assert.equal(await store.get('missing'), undefined, 'a miss is an answer');
      assert.equal(await store.setIfAbsent('a', 2), false);
      assert.deepEqual(await store.take('a'), { v: 1 });
      await store.addToSet('s', 'm', 60_000);
      assert.deepEqual(await store.members('s'), ['m']);
      await store.removeFromSet('s', 'm');
      assert.equal(await store.increment('n', 60_000), 1);
      assert.equal(await store.refreshTtl('nothing', 1000), false);
      await store.delete('n');
      await store.ping();

      const after = await samples(metrics);
      const ok = (operation: string) => sampleValue(after, 'siwe_idp_store_operations_total', { operation, result: 'ok' });
      assert.equal(ok('get'), 2);
      assert.equal(ok('set'), 1);
      for (const operation of [
        'set_if_absent',
        'take',
        'add_to_set',
        'members',
        'remove_from_set',
        'increment',
        'refresh_ttl',
        'delete',
        'ping',
      ]) {
        assert.equal(ok(operation), 1, operation);
      }
      assert.equal(sampleValue(after, 'siwe_idp_store_operation_duration_seconds_count', { operation: 'get' }), 2);
      assert.ok(sampleValue(after, 'siwe_idp_store_operation_duration_seconds_sum', { operation: 'get' }) >= 0);
    } finally {
      await store.close();
    }
  });

  it("passes the in-memory store's cap through, and shows it as siwe_idp_memory_store_full", async () => {
    const backend = await createStore({ maxEntries: 2 });
    const metrics = new Metrics();
    const store = instrumentStore(backend, metrics);
    try {
      assert.equal(store.full, false);
      assert.equal(sampleValue(await samples(metrics), 'siwe_idp_memory_store_full'), 0);
      await store.set('a', 1);
      await store.set('b', 1);
      assert.equal(store.full, true);
      assert.equal(sampleValue(await samples(metrics), 'siwe_idp_memory_store_full'), 1);
    } finally {
      await store.close();
    }
  });

  it('counts a failure as an error and rethrows it unchanged', async () => {
    const outage = new StoreUnavailableError('redis get failed: connection refused');
    const failing = { kind: 'redis', get: () => Promise.reject(outage), close: async () => undefined } as unknown as Store;
    const metrics = new Metrics();
    const store = instrumentStore(failing, metrics);
    assert.equal(store.kind, 'redis');
    assert.equal(store.full, undefined, 'Redis has no cap of ours');
    await assert.rejects(store.get('x'), (error) => error === outage);
    const after = await samples(metrics);
    assert.equal(sampleValue(after, 'siwe_idp_store_operations_total', { operation: 'get', result: 'error' }), 1);
    assert.equal(sampleValue(after, 'siwe_idp_store_operations_total', { operation: 'get', result: 'ok' }), 0);
    assert.equal(sampleValue(after, 'siwe_idp_store_operation_duration_seconds_count', { operation: 'get' }), 1);
    assert.equal(after.filter((sample) => sample.name === 'siwe_idp_memory_store_full').length, 0);
  });
});
