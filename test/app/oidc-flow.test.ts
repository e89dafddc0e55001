/**
 * A full authorization-code + PKCE login with a programmatic wallet, against
 * the in-memory store and the real Redis: ID token, userinfo, refresh,
 * introspection, revocation, logout.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import supertest from 'supertest';
import { FIRST_PARTY, PUBLIC_CLIENT, RP_REDIRECT, RS256_CLIENT, THIRD_PARTY } from '../support/test-clients.js';
import { basicAuth, exchangeCode, newAuthRequest, walletLogin, type Agent } from '../support/flow.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';

for (const backend of BACKENDS) {
  describe(`OIDC code flow with a wallet (${backend} store)`, () => {
    let server: TestServer;
    let agent: Agent;
    let jwks: ReturnType<typeof createLocalJWKSet>;

    before(async () => {
      server = await startServer({ backend });
      agent = supertest.agent(server.issuer);
      const keys = await agent.get('/jwks');
      jwks = createLocalJWKSet(keys.body as JSONWebKeySet);
    });
    after(() => server.close());

    it('publishes discovery that matches the configuration', async () => {
      const { body, status } = await agent.get('/.well-known/openid-configuration');
      assert.equal(status, 200);
      assert.equal(body.issuer, server.issuer);
      assert.deepEqual(body.response_types_supported, ['code', 'id_token', 'code id_token']);
      assert.deepEqual(body.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(body.id_token_signing_alg_values_supported, ['ES256', 'RS256']);
      assert.deepEqual(body.ui_locales_supported, ['en', 'de']);
      for (const endpoint of [
        'authorization_endpoint',
        'token_endpoint',
        'userinfo_endpoint',
        'jwks_uri',
        'revocation_endpoint',
        'introspection_endpoint',
        'end_session_endpoint',
      ]) {
        assert.ok(String(body[endpoint]).startsWith(server.issuer), `${endpoint} is served`);
      }
    });

    it('logs a wallet in: ID token with the checksummed address as sub, userinfo, refresh, revocation', async () => {
      const wallet = Wallet.createRandom();
      const request = newAuthRequest(FIRST_PARTY.client_id, { scope: 'openid offline_access', prompt: 'consent' });
      const callback = await walletLogin(agent, wallet, request);
      assert.equal(`${callback.origin}${callback.pathname}`, RP_REDIRECT);
      assert.equal(callback.searchParams.get('state'), request.state);
      assert.equal(callback.searchParams.get('iss'), server.issuer);
      const code = callback.searchParams.get('code');
      assert.ok(code);

      const token = await exchangeCode(agent, FIRST_PARTY, callback, request);
      assert.equal(token.status, 200, token.text);
      assert.equal(token.body.token_type, 'Bearer');
      assert.ok(token.body.refresh_token, 'offline_access with prompt=consent yields a refresh token');

      const { payload, protectedHeader } = await jwtVerify(token.body.id_token, jwks, {
        issuer: server.issuer,
        audience: FIRST_PARTY.client_id,
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.sub, wallet.address);
      assert.match(payload.sub!, /^0x[0-9a-fA-F]{40}$/);
      assert.equal(payload.nonce, request.nonce);
      assert.deepEqual(payload.amr, ['pop']);
      assert.ok(payload.exp! > Date.now() / 1000);
      assert.ok(typeof payload.auth_time === 'number');

      const userinfo = await agent.get('/me').set('Authorization', `Bearer ${token.body.access_token}`);
      assert.equal(userinfo.status, 200, userinfo.text);
      assert.deepEqual(userinfo.body, { sub: wallet.address });

      const refreshed = await agent
        .post('/token')
        .set('Authorization', basicAuth(FIRST_PARTY))
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token });
      assert.equal(refreshed.status, 200, refreshed.text);
      const { payload: again } = await jwtVerify(refreshed.body.id_token, jwks, { issuer: server.issuer, audience: FIRST_PARTY.client_id });
      assert.equal(again.sub, wallet.address);

      const introspected = await agent
        .post('/token/introspection')
        .set('Authorization', basicAuth(FIRST_PARTY))
        .type('form')
        .send({ token: refreshed.body.access_token });
      assert.equal(introspected.body.active, true);
      assert.equal(introspected.body.sub, wallet.address);

      const revoked = await agent
        .post('/token/revocation')
        .set('Authorization', basicAuth(FIRST_PARTY))
        .type('form')
        .send({ token: refreshed.body.access_token });
      assert.equal(revoked.status, 200);
      const after = await agent.get('/me').set('Authorization', `Bearer ${refreshed.body.access_token}`);
      assert.equal(after.status, 401);
    });

    it('asks a third-party client for consent, then issues tokens to it with client_secret_post', async () => {
      const fresh = supertest.agent(server.issuer);
      const wallet = Wallet.createRandom();
      const request = newAuthRequest(THIRD_PARTY.client_id);
      const callback = await walletLogin(fresh, wallet, request);
      const token = await fresh
        .post('/token')
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code'),
          redirect_uri: RP_REDIRECT,
          code_verifier: request.codeVerifier,
          client_id: THIRD_PARTY.client_id,
          client_secret: THIRD_PARTY.client_secret,
        });
      assert.equal(token.status, 200, token.text);
      const { payload } = await jwtVerify(token.body.id_token, jwks, { issuer: server.issuer, audience: THIRD_PARTY.client_id });
      assert.equal(payload.sub, wallet.address);
    });

    it('signs ID tokens with RS256 for a client registered for it', async () => {
      const fresh = supertest.agent(server.issuer);
      const wallet = Wallet.createRandom();
      const request = newAuthRequest(RS256_CLIENT.client_id);
      const callback = await walletLogin(fresh, wallet, request);
      const token = await exchangeCode(fresh, RS256_CLIENT, callback, request);
      assert.equal(token.status, 200, token.text);
      const { payload, protectedHeader } = await jwtVerify(token.body.id_token, jwks, {
        issuer: server.issuer,
        audience: RS256_CLIENT.client_id,
        algorithms: ['RS256'],
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.sub, wallet.address);
    });

    it('requires PKCE from a public client and checks the verifier', async () => {
      const fresh = supertest.agent(server.issuer);
      const withoutPkce = await fresh
        .get(`/auth?client_id=${PUBLIC_CLIENT.client_id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP_REDIRECT)}`)
        .redirects(0);
      const location = new URL(withoutPkce.headers.location!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description') ?? '', /PKCE/);

      const wallet = Wallet.createRandom();
      const request = newAuthRequest(PUBLIC_CLIENT.client_id);
      const callback = await walletLogin(fresh, wallet, request);
      const code = callback.searchParams.get('code');
      const wrong = await fresh
        .post('/token')
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code,
          redirect_uri: RP_REDIRECT,
          client_id: PUBLIC_CLIENT.client_id,
          code_verifier: 'x'.repeat(43),
        });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error, 'invalid_grant');
    });

    it('rejects an unregistered redirect_uri without redirecting to it', async () => {
      const response = await supertest(server.issuer)
        .get(
          `/auth?client_id=${FIRST_PARTY.client_id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:9999/callback/evil')}`,
        )
        .redirects(0);
      assert.equal(response.status, 400);
      assert.match(response.headers['content-type'] ?? '', /html/);
      assert.match(response.text, /redirect_uri/);
      assert.doesNotMatch(response.text, /at \w+ \(/, 'no stack trace on the page');
    });

    it('ends the session with RP-initiated logout', async () => {
      const fresh = supertest.agent(server.issuer);
      const wallet = Wallet.createRandom();
      const request = newAuthRequest(FIRST_PARTY.client_id);
      const callback = await walletLogin(fresh, wallet, request);
      const token = await exchangeCode(fresh, FIRST_PARTY, callback, request);
      const page = await fresh.get(
        `/session/end?id_token_hint=${token.body.id_token}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9999/bye')}`,
      );
      assert.equal(page.status, 200);
      assert.match(page.text, /Sign out/);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.text)?.[1];
      assert.ok(xsrf);
      const done = await fresh.post('/session/end/confirm').type('form').send({ xsrf, logout: 'yes' }).redirects(0);
      assert.equal(done.status, 303);
      assert.equal(done.headers.location, 'http://127.0.0.1:9999/bye');
      // The session is gone: a new authorization asks for a wallet again.
      const again = await fresh
        .get(
          `/auth?client_id=${FIRST_PARTY.client_id}&response_type=code&scope=openid&prompt=none&redirect_uri=${encodeURIComponent(RP_REDIRECT)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
        )
        .redirects(0);
      assert.equal(new URL(again.headers.location!).searchParams.get('error'), 'login_required');
    });
  });
}
