/**
 * Two instances sharing one Redis, as behind a load balancer: a signed message
 * logs in once, and an authorization code buys tokens once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { generateJwks } from '../../src/config/keys.js';
import { FIRST_PARTY, RP_REDIRECT } from '../support/test-clients.js';
import {
  authorizeUrl,
  basicAuth,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  startInteraction,
  walletLogin,
} from '../support/flow.js';
import { BACKENDS, newNamespace, startServer, type Backend, type TestServer } from '../support/server.js';

const basic = basicAuth(FIRST_PARTY);

/** Two instances on one store (for memory: the same instance twice). */
async function startPair(backend: Backend): Promise<[TestServer, TestServer]> {
  const shared = { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: newNamespace() };
  const first = await startServer({ backend, shared });
  if (backend === 'memory') return [first, first];
  const second = await startServer({ backend, shared, env: { ISSUER: first.issuer } });
  return [first, second];
}

/** The instance's own address (both share one issuer, as behind a load balancer). */
function direct(server: TestServer): string {
  return `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
}

/** The same cookie header sent to both instances: one browser, two back ends. */
function cookieHeader(agent: ReturnType<typeof supertest.agent>, server: TestServer, path: string): string {
  const url = new URL(path, server.issuer);
  // superagent's cookie jar
  const jar = (agent as unknown as { jar: { getCookies(access: unknown): { toValueString(): string } } }).jar;
  return jar.getCookies({ domain: url.hostname, path: url.pathname, secure: false, script: false }).toValueString();
}

for (const backend of BACKENDS) {
  describe(`races on a shared store (${backend})`, () => {
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      [a, b] = await startPair(backend);
    });
    after(async () => {
      await a.close();
      if (b !== a) await b.close();
    });

    it('one signed message posted to both instances at once logs in exactly once', async () => {
      const agent = supertest.agent(a.issuer);
      const wallet = Wallet.createRandom();
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
      const view = await getInteraction(agent, uid);
      const message = messageFor(view, wallet.address);
      const signature = await wallet.signMessage(message);
      const cookie = cookieHeader(agent, a, `/interaction/${uid}/login`);
      const post = (server: TestServer) =>
        supertest(direct(server))
          .post(`/interaction/${uid}/login`)
          .set('Cookie', cookie)
          .set('Accept', 'application/json')
          .send({ message, signature });
      const results = await Promise.all([post(a), post(b), post(a), post(b)]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 400, 400, 400], JSON.stringify(results.map((r) => r.body)));
      for (const rejected of results.filter((r) => r.status === 400)) {
        assert.equal(rejected.body.error, 'nonce_consumed', rejected.text);
      }
    });

    it('two concurrent token requests with one code: exactly one gets tokens, and the grant is revoked', async () => {
      const agent = supertest.agent(a.issuer);
      const wallet = Wallet.createRandom();
      const request = newAuthRequest(FIRST_PARTY.client_id);
      const callback = await walletLogin(agent, wallet, request);
      const code = callback.searchParams.get('code');
      const exchange = (base: string) =>
        supertest(base)
          .post('/token')
          .set('Authorization', basic)
          .type('form')
          .send({ grant_type: 'authorization_code', code, redirect_uri: RP_REDIRECT, code_verifier: request.codeVerifier });
      const results = await Promise.all([exchange(direct(a)), exchange(direct(b)), exchange(direct(a)), exchange(direct(b))]);
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, JSON.stringify(results.map((r) => [r.status, r.body])));
      for (const loser of results.filter((r) => r.status !== 200)) {
        assert.equal(loser.status, 400);
        assert.equal(loser.body.error, 'invalid_grant');
      }
      // The code was replayed: the winner's access token dies with its grant (RFC 6749 §4.1.2).
      const userinfo = await supertest(a.issuer).get('/me').set('Authorization', `Bearer ${winners[0]!.body.access_token}`);
      assert.equal(userinfo.status, 401, userinfo.text);
    });

    it('a code used once, then replayed later, is refused and revokes the tokens it bought', async () => {
      const agent = supertest.agent(a.issuer);
      const request = newAuthRequest(FIRST_PARTY.client_id);
      const callback = await walletLogin(agent, Wallet.createRandom(), request);
      const form = {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code'),
        redirect_uri: RP_REDIRECT,
        code_verifier: request.codeVerifier,
      };
      const first = await supertest(a.issuer).post('/token').set('Authorization', basic).type('form').send(form);
      assert.equal(first.status, 200);
      const replay = await supertest(direct(b)).post('/token').set('Authorization', basic).type('form').send(form);
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      const userinfo = await supertest(a.issuer).get('/me').set('Authorization', `Bearer ${first.body.access_token}`);
      assert.equal(userinfo.status, 401);
    });

    it('a login started on one instance finishes on the other', async () => {
      if (a === b) return;
      const agent = supertest.agent(a.issuer);
      const wallet = Wallet.createRandom();
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
      const view = await getInteraction(agent, uid);
      const message = messageFor(view, wallet.address);
      const login = await supertest(direct(b))
        .post(`/interaction/${uid}/login`)
        .set('Cookie', cookieHeader(agent, a, `/interaction/${uid}/login`))
        .set('Accept', 'application/json')
        .send({ message, signature: await wallet.signMessage(message) });
      assert.equal(login.status, 200, login.text);
      const callback = await follow(agent, login.body.redirectTo);
      assert.ok(callback.searchParams.get('code'));
    });
  });
}
