import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { createStore, type Store } from '../../src/storage/store.js';
import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import { backends, deleteNamespace, MEMORY_ONLY, REDIS_URL, sleep } from '../support/storage-backends.js';

const key = () => `k-${randomUUID()}`;

for (const backend of backends()) {
  describe(`Store (${backend.name})`, () => {
    let store: Store;
    let peer: Store;

    before(async () => {
      store = await backend.open();
      peer = await backend.peer();
    });

    after(() => backend.cleanup());

    it('reports its kind', () => {
      assert.equal(store.kind, backend.name);
    });

    it('sets, gets and deletes values as keyv stores them', async () => {
      const k = key();
      const value = { a: 1, list: ['x', ':colon-leading'], nested: { ok: true }, text: 'héllo' };
      assert.equal(await store.get(k), undefined);
      await store.set(k, value);
      assert.deepEqual(await store.get(k), value);
      assert.deepEqual(await peer.get(k), value);
      await store.set(k, 'replaced');
      assert.equal(await store.get(k), 'replaced');
      await store.delete(k);
      assert.equal(await store.get(k), undefined);
      await store.delete(k); // deleting a missing key is fine
    });

    it('expires values after their ttl', async () => {
      const k = key();
      await store.set(k, 'short', 60);
      await store.set(`${k}-long`, 'long', 5000);
      assert.equal(await store.get(k), 'short');
      await sleep(150);
      assert.equal(await store.get(k), undefined);
      assert.equal(await store.get(`${k}-long`), 'long');
    });

    it('refuses a ttl that is not a positive number', async () => {
      await assert.rejects(store.set(key(), 1, 0), RangeError);
      await assert.rejects(store.set(key(), 1, -5), RangeError);
      await assert.rejects(store.setIfAbsent(key(), 1, Number.NaN), RangeError);
      await assert.rejects(store.addToSet(key(), 'm', 0), RangeError);
    });

    it('take returns the value once and removes it', async () => {
      const k = key();
      await store.set(k, { n: 1 });
      assert.deepEqual(await store.take(k), { n: 1 });
      assert.equal(await store.take(k), undefined);
      assert.equal(await store.get(k), undefined);
    });

    it('take of an expired value is a miss', async () => {
      const k = key();
      await store.set(k, 'gone', 40);
      await sleep(120);
      assert.equal(await store.take(k), undefined);
    });

    it('take is atomic: of 50 concurrent takers exactly one gets the value', async () => {
      const k = key();
      await store.set(k, 'prize', 10_000);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : peer).take<string>(k)));
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        ['prize'],
      );
      assert.equal(await store.get(k), undefined);
    });

    it('setIfAbsent is atomic: of 50 concurrent callers exactly one sets', async () => {
      const k = key();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : peer).setIfAbsent(k, { winner: i }, 10_000)),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      assert.equal(winners.length, 1);
      assert.deepEqual(await store.get(k), { winner: winners[0] });
    });

    it('setIfAbsent does not replace a present value and works again after expiry', async () => {
      const k = key();
      await store.set(k, 'first', 60);
      assert.equal(await store.setIfAbsent(k, 'second', 60), false);
      assert.equal(await store.get(k), 'first');
      await sleep(150);
      assert.equal(await store.setIfAbsent(k, 'third'), true);
      assert.equal(await store.take(k), 'third');
    });

    it('refreshTtl gives an expiring value a new ttl from now', async () => {
      const k = key();
      const value = { client_id: 'c', list: [], nested: { n: 1 } };
      await store.set(k, value, 150);
      await sleep(100);
      assert.equal(await store.refreshTtl(k, 300), true);
      await sleep(150);
      assert.deepEqual(await peer.get(k), value, 'past the first ttl, within the new one');
      await sleep(250);
      assert.equal(await store.get(k), undefined, 'the new ttl ends it');
    });

    it('refreshTtl leaves missing, deleted, expired and never-expiring keys alone', async () => {
      assert.equal(await store.refreshTtl(key(), 10_000), false);
      const deleted = key();
      await store.set(deleted, 'x', 10_000);
      await store.delete(deleted);
      assert.equal(await store.refreshTtl(deleted, 10_000), false);
      assert.equal(await store.get(deleted), undefined, 'nothing recreated');
      const expired = key();
      await store.set(expired, 'x', 50);
      await sleep(100);
      assert.equal(await store.refreshTtl(expired, 10_000), false);
      assert.equal(await store.get(expired), undefined);
      const forever = key();
      await store.set(forever, 'kept');
      assert.equal(await store.refreshTtl(forever, 50), false);
      await sleep(100);
      assert.equal(await store.get(forever), 'kept', 'a value without a ttl does not get one');
      await assert.rejects(store.refreshTtl(forever, 0), RangeError);
    });

    it('refreshTtl racing a delete never brings the value back', async () => {
      for (let round = 0; round < 20; round += 1) {
        const k = key();
        await store.set(k, { round }, 10_000);
        await Promise.all([store.refreshTtl(k, 10_000), peer.delete(k), store.refreshTtl(k, 10_000)]);
        assert.equal(await store.get(k), undefined, `round ${round}`);
      }
    });

    it('addToSet collects distinct members', async () => {
      const k = key();
      assert.deepEqual(await store.members(k), []);
      await Promise.all(['a', 'b', 'a', 'c', 'b'].map((m) => store.addToSet(k, m, 10_000)));
      assert.deepEqual((await peer.members(k)).sort(), ['a', 'b', 'c']);
      await store.delete(k);
      assert.deepEqual(await store.members(k), []);
    });

    it('addToSet: a set expires with its ttl', async () => {
      const k = key();
      await store.addToSet(k, 'a', 60);
      await sleep(150);
      assert.deepEqual(await store.members(k), []);
    });

    it('addToSet: the ttl only ever grows', async () => {
      const longFirst = key();
      await store.addToSet(longFirst, 'a', 5000);
      await store.addToSet(longFirst, 'b', 60);
      const shortFirst = key();
      await store.addToSet(shortFirst, 'a', 60);
      await store.addToSet(shortFirst, 'b', 5000);
      await sleep(150);
      assert.deepEqual((await store.members(longFirst)).sort(), ['a', 'b']);
      assert.deepEqual((await store.members(shortFirst)).sort(), ['a', 'b']);
    });

    it('addToSet with an infinite ttl keeps the set', async () => {
      const k = key();
      await store.addToSet(k, 'a', 60);
      await store.addToSet(k, 'b', Number.POSITIVE_INFINITY);
      await sleep(150);
      assert.deepEqual((await store.members(k)).sort(), ['a', 'b']);
      await store.delete(k);
    });

    it('ping answers', async () => {
      await store.ping();
    });
  });
}

describe('MemoryStore sweep', () => {
  it('drops expired entries without being read, keeps live ones', async () => {
    const store = await createStore({ sweepIntervalMs: 20 });
    try {
      assert.ok(store instanceof MemoryStore);
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.set(`short-${i}`, i, 10)));
      await store.set('forever', 'stays');
      await store.set('later', 'stays', 60_000);
      assert.equal(store.size, 202);
      await sleep(120);
      assert.equal(store.size, 2);
      assert.equal(await store.get('forever'), 'stays');
    } finally {
      await store.close();
    }
  });

  it('setIfAbsent keeps the first of many concurrent writers per key', async () => {
    const store = await createStore({});
    try {
      await Promise.all(Array.from({ length: 100 }, (_, i) => store.setIfAbsent(`k-${i % 10}`, i)));
      assert.ok(store instanceof MemoryStore);
      assert.equal(store.size, 10);
    } finally {
      await store.close();
    }
  });
});

// Needs the real Redis: not part of `npm run test:unit`.
(MEMORY_ONLY ? describe.skip : describe)('Redis key layout', () => {
  const namespace = `test-layout-${randomUUID()}`;
  const raw = createClient({ url: REDIS_URL });
  let store: Store;
  let plainKeyv: Keyv;

  before(async () => {
    await raw.connect();
    store = await createStore({ redisUrl: REDIS_URL, namespace });
    plainKeyv = new Keyv(new KeyvRedis(REDIS_URL, { namespace }), { namespace, useKeyPrefix: false });
  });

  after(async () => {
    await store.close();
    await plainKeyv.disconnect();
    await deleteNamespace(REDIS_URL, namespace);
    await raw.close();
  });

  it('writes "<namespace>::<key>" holding keyv\'s serialized { value, expires }', async () => {
    await store.set('a', { x: 1 }, 60_000);
    await store.setIfAbsent('b', { y: 2 }, 60_000);
    for (const [k, value] of [
      ['a', { x: 1 }],
      ['b', { y: 2 }],
    ] as const) {
      const stored = await raw.get(`${namespace}::${k}`);
      assert.ok(stored !== null);
      const parsed = JSON.parse(stored) as { value: unknown; expires: number };
      assert.deepEqual(parsed.value, value);
      assert.ok(parsed.expires > Date.now() && parsed.expires <= Date.now() + 60_000);
      const ttl = await raw.pTTL(`${namespace}::${k}`);
      assert.ok(ttl > 55_000 && ttl <= 60_000);
    }
  });

  it("refreshTtl rewrites both keyv's expires and the Redis TTL, and keeps the value byte for byte", async () => {
    await store.set('r', { list: [], n: 1234567890123456, text: ':colon' }, 1000);
    const before = JSON.parse((await raw.get(`${namespace}::r`))!) as { value: unknown; expires: number };
    assert.equal(await store.refreshTtl('r', 60_000), true);
    const after = JSON.parse((await raw.get(`${namespace}::r`))!) as { value: unknown; expires: number };
    assert.deepEqual(after.value, before.value);
    assert.ok(after.expires > Date.now() + 55_000 && after.expires <= Date.now() + 60_000);
    const ttl = await raw.pTTL(`${namespace}::r`);
    assert.ok(ttl > 55_000 && ttl <= 60_000, String(ttl));
  });

  it('is readable and writable by a plain keyv over @keyv/redis', async () => {
    await plainKeyv.set('from-keyv', 'hello');
    assert.equal(await store.take('from-keyv'), 'hello');
    await store.setIfAbsent('from-store', ['a', 1]);
    assert.deepEqual(await plainKeyv.get('from-store'), ['a', 1]);
    await plainKeyv.set('refreshed', { n: 1 }, 1000);
    assert.equal(await store.refreshTtl('refreshed', 60_000), true);
    await sleep(1100);
    assert.deepEqual(await plainKeyv.get('refreshed'), { n: 1 }, 'keyv sees the new expiry');
  });
});
