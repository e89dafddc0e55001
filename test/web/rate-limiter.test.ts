/**
 * The limits' counters on both stores: counts, checks and penalties; Redis
 * keys in the store's namespace, shared by every instance; a store failure or
 * a Redis that stops answering is StoreUnavailableError (fail closed), never
 * a verdict; the client address key (IPv6 per /64).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createClient } from '@keyv/redis';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../src/config/rate-limits.js';
import { createStore, type Store, StoreUnavailableError } from '../../src/storage/store.js';
import { clientKey, RateLimiter } from '../../src/web/rate-limiter.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { backends, MEMORY_ONLY, REDIS_URL } from '../support/storage-backends.js';

const LIMITS: RateLimits = {
  ...DEFAULT_RATE_LIMITS,
  auth: { max: 3, windowSeconds: 60 },
  address: { max: 2, windowSeconds: 60 },
  token: null,
};

describe('clientKey', () => {
  it('keeps IPv4 and counts IPv6 by its /64', () => {
    assert.equal(clientKey('192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:0db8:0001:0002:ffff::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
    assert.equal(clientKey('::ffff:1:2:3:4:1.2.3.4'), '0:ffff:1:2::/64');
    assert.equal(clientKey('not an address'), 'not an address');
  });
});

for (const backend of backends()) {
  describe(`RateLimiter, ${backend.name} store`, () => {
    let store: Store;
    let limiter: RateLimiter;
    before(async () => {
      store = await backend.open();
      limiter = new RateLimiter(store, LIMITS);
    });
    after(() => backend.cleanup());

    it('hit: allowed up to the limit, then refused until the window ends', async () => {
      const verdicts = [];
      for (let i = 0; i < 5; i += 1) verdicts.push(await limiter.hit('auth', '198.51.100.1'));
      assert.deepEqual(
        verdicts.map((verdict) => [verdict?.allowed, verdict?.count]),
        [
          [true, 1],
          [true, 2],
          [true, 3],
          [false, 4],
          [false, 5],
        ],
      );
      assert.ok(verdicts[3]!.retryAfter >= 59 && verdicts[3]!.retryAfter <= 60, String(verdicts[3]!.retryAfter));
      assert.equal((await limiter.hit('auth', '198.51.100.2'))?.allowed, true, 'another key');
      assert.equal((await limiter.hit('login', '198.51.100.1'))?.allowed, true, 'another limit');
    });

    it("a refusal's Retry-After is what is left of the window, not the whole window", async function () {
      this.timeout(5000);
      const key = '198.51.100.77';
      for (let i = 0; i < 3; i += 1) assert.equal((await limiter.hit('auth', key))?.allowed, true);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const refused = await limiter.hit('auth', key);
      assert.equal(refused?.allowed, false);
      assert.ok(refused.retryAfter >= 58 && refused.retryAfter <= 59, String(refused.retryAfter));
    });

    it('check counts nothing; penalize counts failures; the limit-th failure closes', async () => {
      const key = '0xabc@198.51.100.1';
      assert.deepEqual([(await limiter.check('address', key))?.allowed, (await limiter.check('address', key))?.count], [true, 0]);
      assert.equal((await limiter.penalize('address', key))?.allowed, true);
      assert.equal((await limiter.check('address', key))?.allowed, true);
      assert.equal((await limiter.penalize('address', key))?.allowed, false);
      const closed = await limiter.check('address', key);
      assert.deepEqual([closed?.allowed, closed?.count], [false, 2]);
    });

    it('a limit that is off counts nothing', async () => {
      assert.equal(limiter.limit('token'), null);
      assert.equal(await limiter.hit('token', 'x'), undefined);
      assert.equal(await limiter.check('token', 'x'), undefined);
    });

    if (backend.name === 'redis') {
      it("counts in the store's namespace, together with every instance on it", async () => {
        const peer = new RateLimiter(await backend.peer(), LIMITS);
        assert.equal((await peer.hit('auth', '198.51.100.1'))?.count, 6, 'the other instance sees the same count');
        const redis = createClient({ url: REDIS_URL });
        await redis.connect();
        try {
          const prefix = (store as unknown as { rateLimitBackend: { redisKey(key: string): string } }).rateLimitBackend.redisKey('');
          const keys = await redis.keys(`${prefix}ratelimit:*`);
          assert.ok(keys.includes(`${prefix}ratelimit:auth:198.51.100.1`), keys.join(', '));
          assert.ok(keys.includes(`${prefix}ratelimit:address:0xabc@198.51.100.1`), keys.join(', '));
          const ttl = await redis.pTTL(`${prefix}ratelimit:auth:198.51.100.1`);
          assert.ok(ttl > 0 && ttl <= 60_000, `the window expires: ${ttl}`);
        } finally {
          await redis.close();
        }
      });
    }
  });
}

// A private redis-server: not under `npm run test:unit` (TEST_BACKENDS=memory), which needs no Redis.
(MEMORY_ONLY ? describe.skip : describe)('RateLimiter when Redis fails', function () {
  this.timeout(20_000);
  let port: number;
  let redis: ChildProcess | undefined;
  let store: Store;
  let limiter: RateLimiter;
  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    store = await createStore({ redisUrl: `redis://127.0.0.1:${port}`, timeoutMs: 300 });
    limiter = new RateLimiter(store, LIMITS);
  });
  after(async () => {
    if (redis?.pid !== undefined && redis.exitCode === null) redis.kill('SIGCONT');
    await store?.close().catch(() => undefined);
    await kill(redis);
  });

  it('a Redis that stops answering: StoreUnavailableError within the store bound', async () => {
    assert.equal((await limiter.hit('auth', 'a'))?.allowed, true);
    redis!.kill('SIGSTOP');
    try {
      const started = performance.now();
      await assert.rejects(limiter.hit('auth', 'a'), StoreUnavailableError);
      await assert.rejects(limiter.check('address', 'b'), StoreUnavailableError);
      await assert.rejects(limiter.penalize('address', 'b'), StoreUnavailableError);
      assert.ok(performance.now() - started < 2000, 'each within about the bound of 300 ms');
    } finally {
      redis!.kill('SIGCONT');
    }
    assert.equal(typeof (await limiter.hit('auth', 'a'))?.allowed, 'boolean', 'answers again');
  });

  it('a Redis that is gone: StoreUnavailableError at once, never a verdict', async () => {
    await kill(redis);
    const started = performance.now();
    await assert.rejects(limiter.hit('auth', 'a'), (error) => {
      assert.ok(error instanceof StoreUnavailableError);
      assert.match(error.message, /rate limit auth count failed/);
      return true;
    });
    assert.ok(performance.now() - started < 1000, 'at once');
  });
});
