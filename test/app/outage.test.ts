/**
 * The whole server on a private redis-server that is killed and restarted:
 * nobody logs in while it is down, every endpoint says so quickly (503 or
 * `temporarily_unavailable` to the relying party), and service comes back by
 * itself when Redis does.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { FIRST_PARTY } from '../support/test-clients.js';
import {
  authorizeUrl,
  exchangeCode,
  getInteraction,
  messageFor,
  newAuthRequest,
  postLogin,
  startInteraction,
  walletLogin,
} from '../support/flow.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { startServer, type TestServer } from '../support/server.js';
import { sleep } from '../support/storage-backends.js';

/** Generous: the product promise is "about a second"; this only catches hangs. */
const FAST_MS = 3000;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('Redis outage under the running server', function () {
  this.timeout(60_000);
  let port: number;
  let redis: ChildProcess | undefined;
  let server: TestServer;

  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    server = await startServer({ backend: 'redis', redisUrl: `redis://127.0.0.1:${port}` });
  });
  after(async () => {
    await server?.close().catch(() => undefined);
    await kill(redis);
  });

  it('fails closed while Redis is down, then recovers by itself', async () => {
    const agent = supertest.agent(server.issuer);
    const wallet = Wallet.createRandom();

    // Up: a login in progress (challenge issued) and a code waiting for exchange.
    const request = newAuthRequest(FIRST_PARTY.client_id);
    const callback = await walletLogin(agent, wallet, request);
    const pendingAgent = supertest.agent(server.issuer);
    const uid = await startInteraction(pendingAgent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    const view = await getInteraction(pendingAgent, uid);
    const message = messageFor(view, wallet.address);
    const signature = await wallet.signMessage(message);

    await kill(redis);

    const ready = await timed(() => supertest(server.issuer).get('/readyz'));
    assert.equal(ready.value.status, 503);
    assert.ok(ready.ms < FAST_MS, `readyz took ${ready.ms} ms`);
    assert.equal((await supertest(server.issuer).get('/healthz')).status, 200, 'the process itself is alive');

    const authorize = await timed(() =>
      supertest
        .agent(server.issuer)
        .get(authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)))
        .redirects(0),
    );
    assert.ok(authorize.ms < FAST_MS, `authorize took ${authorize.ms} ms`);
    // Its rate limit (RATE_LIMITS' auth) cannot count: 503, the error page (limited routes fail closed).
    assert.equal(authorize.value.status, 503, authorize.value.text);
    assert.match(authorize.value.text, /temporarily_unavailable/);

    const login = await timed(() => postLogin(pendingAgent, uid, message, signature));
    assert.ok(login.ms < FAST_MS, `login took ${login.ms} ms`);
    assert.equal(login.value.status, 503, login.value.text);
    assert.equal(login.value.body.error, 'temporarily_unavailable');

    const token = await timed(() => exchangeCode(supertest.agent(server.issuer), FIRST_PARTY, callback, request));
    assert.ok(token.ms < FAST_MS, `token took ${token.ms} ms`);
    assert.equal(token.value.status, 503, token.value.text);
    assert.equal(token.value.body.error, 'temporarily_unavailable');

    redis = await startRedis(port);
    const deadline = Date.now() + 15_000;
    while ((await supertest(server.issuer).get('/readyz')).status !== 200) {
      assert.ok(Date.now() < deadline, 'the server did not recover within 15 s');
      await sleep(100);
    }

    // Redis restarted empty (no persistence): old state is gone, new logins work.
    const fresh = supertest.agent(server.issuer);
    const again = newAuthRequest(FIRST_PARTY.client_id);
    const after = await walletLogin(fresh, wallet, again);
    const tokens = await exchangeCode(fresh, FIRST_PARTY, after, again);
    assert.equal(tokens.status, 200, tokens.text);
  });
});
