/**
 * The store on a real Redis Cluster (REDIS_CLUSTER_NODES): 3 masters with a
 * replica each, from Debian's redis-server, on free ports. Every store
 * operation works with keys spread over all three masters (a cross-slot
 * command would be refused: CROSSSLOT); two server instances sharing the
 * cluster log in, and the races still hold (a signed message logs in once, a
 * code buys tokens once); a killed master's slots fail closed until the
 * cluster promotes its replica, which the store finds by itself.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { generateJwks } from '../../src/config/keys.js';
import { readConfig } from '../../src/config/env.js';
import { keySlot, type RedisSettings } from '../../src/storage/redis-topology.js';
import { createStore, StoreUnavailableError, type Store } from '../../src/storage/store.js';
import { RateLimiter } from '../../src/web/rate-limiter.js';
import {
  authorizeUrl,
  basicAuth,
  exchangeCode,
  getInteraction,
  messageFor,
  newAuthRequest,
  startInteraction,
  walletLogin,
} from '../support/flow.js';
import { MEMORY_ONLY } from '../support/storage-backends.js';
import {
  newNamespace,
  type RedisClusterHandle,
  redisCommand,
  startAppOn,
  startCluster,
  type TestApp,
  waitFor,
} from '../support/redis-topologies.js';
import { FIRST_PARTY, RP_REDIRECT } from '../support/test-clients.js';

const basic = basicAuth(FIRST_PARTY);
/** Generous limits: the rate limiter counts on the cluster too, without refusing the tests' traffic. */
const RATE_LIMITS = 'auth=10000/minute,token=10000/minute,login=10000/minute,session_end=10000/minute,address=10000/minute';

(MEMORY_ONLY ? describe.skip : describe)('Redis Cluster (3 masters, a replica each)', function () {
  this.timeout(60_000);

  let cluster: RedisClusterHandle;
  let redis: RedisSettings;
  let store: Store;
  const namespace = `test-cluster-${randomUUID()}`;

  before(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
    // As the settings read it: every node, with each master's replica acknowledging the used markers.
    const config = readConfig({ REDIS_CLUSTER_NODES: cluster.urls.join(','), REDIS_WAIT_REPLICAS: '1' });
    assert.ok(config.redis);
    redis = config.redis;
    store = await createStore({ redis, namespace });
  });

  after(async () => {
    await store?.close().catch(() => undefined);
    await cluster?.stop();
  });

  it('computes the slot of a key as the cluster does (hash tags included)', async () => {
    const keys = [
      '',
      'a',
      'foo',
      '{user1000}.following',
      'foo{}{bar}',
      'foo{{bar}}zap',
      'foo{bar}{zap}',
      'héllo:ü€',
      `${namespace}::oidc:Session:x`,
    ];
    for (let i = 0; i < 40; i++) keys.push(randomBytes(12).toString('base64'));
    const [port] = cluster.processes.keys();
    for (const key of keys) assert.equal(keySlot(key), Number(await redisCommand(port!, ['CLUSTER', 'KEYSLOT', key])), key);
  });

  it('every store operation works, with keys on every master', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}-${randomUUID()}`);
    for (const key of keys) {
      await store.set(key, { key }, 60_000);
      assert.deepEqual(await store.get(key), { key });
      assert.equal(await store.refreshTtl(key, 120_000), true);
      assert.equal(await store.setIfAbsent(`${key}:marker`, 1, 60_000), true);
      assert.equal(await store.setIfAbsent(`${key}:marker`, 2, 60_000), false);
      await store.addToSet(`${key}:set`, 'a', 60_000);
      await store.addToSet(`${key}:set`, 'b', Number.POSITIVE_INFINITY);
      assert.deepEqual((await store.members(`${key}:set`)).sort(), ['a', 'b']);
      await store.removeFromSet(`${key}:set`, 'a');
      assert.deepEqual(await store.members(`${key}:set`), ['b']);
      assert.equal(await store.increment(`${key}:count`, 60_000), 1);
      assert.equal(await store.increment(`${key}:count`, 60_000), 2);
      assert.deepEqual(await store.take(key), { key });
      assert.equal(await store.take(key), undefined);
      await store.delete(`${key}:marker`);
      assert.equal(await store.get(`${key}:marker`), undefined);
    }
    await store.ping();
    // The keys are spread over the masters: no hash tag pins them to one slot.
    const sizes = await Promise.all((await cluster.masterPorts()).map(async (port) => Number(await redisCommand(port, ['DBSIZE']))));
    assert.equal(sizes.length, 3);
    for (const size of sizes) assert.ok(size > 0, `keys on every master: ${sizes}`);
  });

  it('the rate limiter counts on the cluster', async () => {
    const limiter = new RateLimiter(store, {
      auth: { max: 2, windowSeconds: 60 },
      token: null,
      login: null,
      session_end: null,
      registration: null,
      device: null,
      user_code: null,
      address: null,
      cross_device: null,
    });
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      const verdicts = [await limiter.hit('auth', address), await limiter.hit('auth', address), await limiter.hit('auth', address)];
      assert.deepEqual(
        verdicts.map((verdict) => verdict?.allowed),
        [true, true, false],
      );
    }
  });

  describe('two instances on the cluster', () => {
    let a: TestApp;
    let b: TestApp;

    before(async () => {
      const shared = { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: newNamespace() };
      a = await startAppOn(redis, shared, { env: { RATE_LIMITS } });
      b = await startAppOn(redis, shared, { env: { RATE_LIMITS }, issuer: a.issuer });
    });

    after(async () => {
      await a?.close();
      await b?.close();
    });

    it('a login: code, tokens, userinfo', async () => {
      const agent = supertest.agent(a.issuer);
      const request = newAuthRequest(FIRST_PARTY.client_id);
      const callback = await walletLogin(agent, Wallet.createRandom(), request);
      const tokens = await exchangeCode(supertest.agent(b.direct), FIRST_PARTY, callback, request);
      assert.equal(tokens.status, 200, tokens.text);
      const userinfo = await supertest(b.direct).get('/me').set('Authorization', `Bearer ${tokens.body.access_token}`);
      assert.equal(userinfo.status, 200, userinfo.text);
    });

    it('one signed message posted to both instances at once logs in exactly once', async () => {
      const agent = supertest.agent(a.issuer);
      const wallet = Wallet.createRandom();
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
      const message = messageFor(await getInteraction(agent, uid), wallet.address);
      const signature = await wallet.signMessage(message);
      const cookie = cookieHeader(agent, a.issuer, `/interaction/${uid}/login`);
      const post = (app: TestApp) =>
        supertest(app.direct)
          .post(`/interaction/${uid}/login`)
          .set('Cookie', cookie)
          .set('Accept', 'application/json')
          .send({ message, signature });
      const results = await Promise.all([post(a), post(b), post(a), post(b)]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400, 400], JSON.stringify(results.map((r) => r.body)));
      for (const rejected of results.filter((r) => r.status === 400)) assert.equal(rejected.body.error, 'nonce_consumed', rejected.text);
    });

    it('two concurrent token requests with one code: exactly one gets tokens, and the grant is revoked', async () => {
      const agent = supertest.agent(a.issuer);
      const request = newAuthRequest(FIRST_PARTY.client_id);
      const callback = await walletLogin(agent, Wallet.createRandom(), request);
      const exchange = (base: string) =>
        supertest(base)
          .post('/token')
          .set('Authorization', basic)
          .type('form')
          .send({
            grant_type: 'authorization_code',
            code: callback.searchParams.get('code'),
            redirect_uri: RP_REDIRECT,
            code_verifier: request.codeVerifier,
          });
      const results = await Promise.all([exchange(a.direct), exchange(b.direct), exchange(a.direct), exchange(b.direct)]);
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, JSON.stringify(results.map((r) => [r.status, r.body])));
      for (const loser of results.filter((r) => r.status !== 200)) assert.equal(loser.body.error, 'invalid_grant');
      const userinfo = await supertest(a.direct).get('/me').set('Authorization', `Bearer ${winners[0]!.body.access_token}`);
      assert.equal(userinfo.status, 401, userinfo.text);
    });
  });

  describe('a master killed', () => {
    it('its slots fail closed, then work again on the promoted replica, which the store finds by itself', async function () {
      this.timeout(40_000);
      const [victim] = await cluster.masterPorts();
      assert.ok(victim !== undefined);
      // A key on the victim's slots.
      const myself = String(await redisCommand(victim, ['CLUSTER', 'NODES']))
        .split('\n')
        .find((line) => line.includes('myself'))!;
      const ranges = myself
        .split(' ')
        .slice(8)
        .map((range) => range.split('-').map(Number) as [number, number?]);
      const onVictim = (name: string) =>
        ranges.some(([from, to = from]) => keySlot(`${namespace}::${name}`) >= from && keySlot(`${namespace}::${name}`) <= to);
      let key = '{victim-0}';
      for (let i = 1; !onVictim(key) || !onVictim(`${key}:marker`) || !onVictim(`${key}:fresh`); i++) key = `{victim-${i}}`;
      await store.set(key, 'before', 60_000);
      assert.equal(await store.setIfAbsent(`${key}:marker`, 1, 60_000), true);
      const killedAt = performance.now();
      await cluster.kill(victim);
      // Fail closed: an error, fast, never a miss or a second "stored".
      const started = performance.now();
      await assert.rejects(store.get(key), StoreUnavailableError);
      await assert.rejects(store.setIfAbsent(`${key}:marker`, 1, 60_000), StoreUnavailableError);
      assert.ok(performance.now() - started < 2500, 'fails within the bound');
      // The replica is promoted; the store re-reads the slot map after its node errors and reads on.
      let firstRead = 0;
      const unexpected: unknown[] = [];
      await waitFor(
        'the key to be readable again',
        async () => {
          try {
            assert.equal(await store.get(key), 'before');
            firstRead = performance.now();
            return true;
          } catch (error) {
            if (!(error instanceof StoreUnavailableError)) unexpected.push(error);
            return false;
          }
        },
        20_000,
      );
      assert.deepEqual(unexpected, [], 'only StoreUnavailableError while the slots have no master');
      // The marker was acknowledged by the replica before setIfAbsent said true: it survived the failover.
      assert.equal(await store.setIfAbsent(`${key}:marker`, 1, 60_000), false);
      // The new master has no replica: a new marker cannot be made durable, and fails closed …
      await assert.rejects(store.setIfAbsent(`${key}:fresh`, 1, 60_000), /reached 0 of 1 replica/);
      // … until the killed node is back (it rejoins as the new master's replica).
      await cluster.restart(victim);
      await waitFor('a new marker on the failed-over slots', async () => {
        try {
          return await store.setIfAbsent(`${key}:fresh-after`, 1, 60_000);
        } catch {
          return false;
        }
      });
      assert.equal(await store.setIfAbsent(`${key}:marker`, 1, 60_000), false, 'the marker from before the failover is still there');
      console.log(`      (master killed: reads again after ${Math.round(firstRead - killedAt)} ms)`);
    });
  });
});

/** The same cookie header sent to both instances: one browser, two back ends. */
function cookieHeader(agent: ReturnType<typeof supertest.agent>, issuer: string, path: string): string {
  const url = new URL(path, issuer);
  // superagent's cookie jar
  const jar = (agent as unknown as { jar: { getCookies(access: unknown): { toValueString(): string } } }).jar;
  return jar.getCookies({ domain: url.hostname, path: url.pathname, secure: false, script: false }).toValueString();
}
