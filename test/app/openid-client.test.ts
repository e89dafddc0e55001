/**
 * The same login with a certified relying-party library as the client:
 * openid-client does discovery, builds the request, checks state, nonce, PKCE
 * and the ID token, fetches userinfo and refreshes.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import supertest from 'supertest';
import { FIRST_PARTY, PUBLIC_CLIENT } from '../support/test-clients.js';
import { completeLogin, startInteraction } from '../support/flow.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';

/** The browser's part: from the authorization URL to the RP callback, with a wallet signing. */
async function browserLogin(server: TestServer, url: URL, wallet: Wallet): Promise<URL> {
  const agent = supertest.agent(server.issuer);
  return completeLogin(agent, await startInteraction(agent, `${url.pathname}${url.search}`), wallet);
}

for (const backend of BACKENDS) {
  describe(`openid-client as the relying party (${backend} store)`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    it('code + PKCE with client_secret_basic: ID token, userinfo, refresh', async () => {
      const config = await oidc.discovery(
        new URL(server.issuer),
        FIRST_PARTY.client_id,
        { id_token_signed_response_alg: 'ES256' },
        oidc.ClientSecretBasic(String(FIRST_PARTY.client_secret)),
        { execute: [oidc.allowInsecureRequests] },
      );
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: String(FIRST_PARTY.redirect_uris?.[0]),
        scope: 'openid offline_access',
        prompt: 'consent',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const wallet = Wallet.createRandom() as unknown as Wallet;
      const callback = await browserLogin(server, url, wallet);

      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.sub, wallet.address);
      assert.equal(claims.iss, server.issuer);
      assert.deepEqual(claims.amr, ['pop']);

      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, wallet.address);
      assert.equal(userinfo.sub, wallet.address);

      assert.ok(tokens.refresh_token);
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.equal(refreshed.claims()?.sub, wallet.address);
    });

    it('a public client with PKCE and no secret', async () => {
      const config = await oidc.discovery(
        new URL(server.issuer),
        PUBLIC_CLIENT.client_id,
        { id_token_signed_response_alg: 'ES256' },
        oidc.None(),
        { execute: [oidc.allowInsecureRequests] },
      );
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: String(PUBLIC_CLIENT.redirect_uris?.[0]),
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      const wallet = Wallet.createRandom() as unknown as Wallet;
      const callback = await browserLogin(server, url, wallet);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier });
      assert.equal(tokens.claims()?.sub, wallet.address);
    });
  });
}
