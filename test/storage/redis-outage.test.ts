/**
 * A private redis-server is killed and restarted under a live store: calls
 * must fail fast and closed (never as a miss), then succeed again by themselves.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { errors } from 'oidc-provider';
import type { AdapterConstructor } from 'oidc-provider';
import { createAdapter } from '../../src/storage/adapter.js';
import { createStore, StoreUnavailableError, type Store } from '../../src/storage/store.js';
import { STORE_OUTAGE } from '../../src/storage/outage.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { sleep } from '../support/storage-backends.js';

const BOUND_MS = 3000;

/** Asserts `call` rejects within BOUND_MS and passes `check`. */
async function rejectsFast(name: string, call: () => Promise<unknown>, check: (error: unknown) => void): Promise<void> {
  const started = performance.now();
  await assert.rejects(
    call(),
    (error) => {
      check(error);
      return true;
    },
    `${name} should reject`,
  );
  const elapsed = performance.now() - started;
  assert.ok(elapsed < BOUND_MS, `${name} took ${Math.round(elapsed)} ms`);
}

const isStoreUnavailable = (error: unknown) => {
  assert.ok(error instanceof StoreUnavailableError, String(error));
  assert.equal(error.code, 'store_unavailable');
};

const isTemporarilyUnavailable = (error: unknown) => {
  assert.ok(error instanceof errors.TemporarilyUnavailable, String(error));
  assert.equal(error.status, 503);
  assert.equal(error.statusCode, 503);
  assert.equal(error.expose, true);
  assert.equal(error.error, 'temporarily_unavailable');
  assert.equal(error.error_description, STORE_OUTAGE.description);
  assert.ok(error.cause instanceof StoreUnavailableError);
};

describe('Redis outage', function () {
  this.timeout(30_000);

  let port: number;
  let redis: ChildProcess | undefined;
  let store: Store | undefined;
  let Adapter: AdapterConstructor;
  const namespace = `test-outage-${randomUUID()}`;

  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    store = await createStore({ redisUrl: `redis://127.0.0.1:${port}`, namespace });
    Adapter = createAdapter(store);
  });

  after(async () => {
    await kill(redis);
    await store?.close().catch(() => undefined);
  });

  it('works while Redis is up', async () => {
    assert.ok(store);
    await store.set('k', 'v', 60_000);
    assert.equal(await store.get('k'), 'v');
    await new Adapter('Grant').upsert('g1', { jti: 'g1', kind: 'Grant', exp: Math.floor(Date.now() / 1000) + 60 }, 60);
    assert.equal((await new Adapter('Grant').find('g1'))?.jti, 'g1');
  });

  it('calls fail within the timeout while Redis hangs (SIGSTOP), and succeed once it resumes', async () => {
    assert.ok(store && redis);
    const s = store;
    redis.kill('SIGSTOP');
    try {
      for (const [name, call] of [
        ['get', () => s.get('k')],
        ['setIfAbsent', () => s.setIfAbsent('hung', 1, 60_000)],
        ['ping', () => s.ping()],
      ] as const) {
        await rejectsFast(name, call, isStoreUnavailable);
      }
    } finally {
      redis.kill('SIGCONT');
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await s.ping();
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
    assert.equal(await s.get('k'), 'v');
  });

  it('every store call fails fast with StoreUnavailableError once Redis is killed', async () => {
    assert.ok(store);
    const s = store;
    await kill(redis);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['get', () => s.get('k')],
      ['set', () => s.set('k', 'v2', 60_000)],
      ['delete', () => s.delete('k')],
      ['take', () => s.take('k')],
      ['setIfAbsent', () => s.setIfAbsent('n', 1, 60_000)],
      ['addToSet', () => s.addToSet('set', 'm', 60_000)],
      ['addToSet forever', () => s.addToSet('set', 'm', Number.POSITIVE_INFINITY)],
      ['members', () => s.members('set')],
      ['ping', () => s.ping()],
    ];
    for (const [name, call] of calls) await rejectsFast(name, call, isStoreUnavailable);
    // All at once as well: nothing queues up behind the outage.
    await Promise.all(calls.map(([name, call]) => rejectsFast(`${name} (parallel)`, call, isStoreUnavailable)));
  });

  it('every adapter call fails fast with a 503 temporarily_unavailable', async () => {
    const payload = { jti: 'c1', kind: 'AuthorizationCode', grantId: 'g1', exp: Math.floor(Date.now() / 1000) + 60 };
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['upsert', () => new Adapter('AuthorizationCode').upsert('c1', payload, 60)],
      ['find', () => new Adapter('AuthorizationCode').find('c1')],
      ['findByUid', () => new Adapter('Session').findByUid('u1')],
      ['findByUserCode', () => new Adapter('DeviceCode').findByUserCode('UC')],
      ['consume', () => new Adapter('AuthorizationCode').consume('c1')],
      ['destroy', () => new Adapter('AuthorizationCode').destroy('c1')],
      ['revokeByGrantId', () => new Adapter('AccessToken').revokeByGrantId('g1')],
    ];
    for (const [name, call] of calls) await rejectsFast(name, call, isTemporarilyUnavailable);
  });

  it('recovers by itself once Redis is back on the same port', async () => {
    assert.ok(store);
    redis = await startRedis(port);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await store.ping();
        break;
      } catch (error) {
        isStoreUnavailable(error);
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
    await store.set('k', 'back', 60_000);
    assert.equal(await store.take('k'), 'back');
    assert.equal(await store.setIfAbsent('n', 1, 60_000), true);
    await new Adapter('Grant').upsert('g2', { jti: 'g2', kind: 'Grant', exp: Math.floor(Date.now() / 1000) + 60 }, 60);
    assert.equal((await new Adapter('Grant').find('g2'))?.jti, 'g2');
  });
});

describe('Redis down at start-up', function () {
  this.timeout(10_000);

  it('createStore fails fast with StoreUnavailableError, without leaking credentials', async () => {
    const port = await freePort();
    const started = performance.now();
    await assert.rejects(createStore({ redisUrl: `redis://alice:s3cret-pa55@127.0.0.1:${port}/0` }), (error) => {
      isStoreUnavailable(error);
      assert.ok(error instanceof Error);
      assert.ok(!error.message.includes('s3cret-pa55'), error.message);
      assert.ok(!error.message.includes('alice'), error.message);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      return true;
    });
    assert.ok(performance.now() - started < BOUND_MS);
  });

  it('refuses an unparsable URL without echoing it', async () => {
    await assert.rejects(createStore({ redisUrl: 'redis://:s3cret@[bad' }), (error) => {
      assert.ok(error instanceof TypeError);
      assert.ok(!error.message.includes('s3cret'));
      assert.equal(error.cause, undefined);
      return true;
    });
  });
});
