/**
 * openid-client as the relying party: the authorization code flow with PKCE
 * and each client authentication method the token endpoint accepts
 * (client_secret_basic, client_secret_post, private_key_jwt, none), then
 * userinfo and a refresh.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { startServer, type TestServer } from '../support/server.js';
import { BASIC, POST, PUBLIC, RP_CALLBACK, RP_ORIGIN, privateKeyJwtClient } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

describe('client authentication with openid-client (code + PKCE)', () => {
  let server: TestServer;
  let clientKey: oidc.CryptoKey;

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    clientKey = privateKey;
    const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'rp-key-1' };
    server = await startServer({ clients: [BASIC, POST, PUBLIC, privateKeyJwtClient(publicJwk)] });
  });
  after(() => server.close());

  it('advertises the four methods in discovery', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']) {
      assert.ok(metadata.token_endpoint_auth_methods_supported!.includes(method), method);
    }
  });

  const cases: Array<[string, string, () => oidc.ClientAuth, boolean]> = [
    ['client_secret_basic', BASIC.client_id, () => oidc.ClientSecretBasic(String(BASIC.client_secret)), true],
    ['client_secret_post', POST.client_id, () => oidc.ClientSecretPost(String(POST.client_secret)), true],
    ['private_key_jwt', 'rp-private-key-jwt', () => oidc.PrivateKeyJwt(clientKey), true],
    ['none (a public client)', PUBLIC.client_id, () => oidc.None(), false],
  ];

  for (const [method, clientId, clientAuth, refreshes] of cases) {
    it(`${method}: tokens, userinfo${refreshes ? ', refresh' : ''}`, async () => {
      const config = await discover(server, { clientId, clientAuth: clientAuth() });
      const wallet = Wallet.createRandom();
      const { url, checks } = await codeRequest(config, {
        redirect_uri: RP_CALLBACK,
        scope: refreshes ? 'openid offline_access' : 'openid',
        ...(refreshes ? { prompt: 'consent' } : {}),
      });
      const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
      assert.equal(callback.mode, 'query');

      const tokens = await oidc.authorizationCodeGrant(config, callback.request(), checks);
      assert.equal(tokens.claims()?.sub, wallet.address);
      assert.deepEqual(tokens.claims()?.amr, ['pop']);
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, wallet.address);
      assert.equal(userinfo.sub, wallet.address);
      if (refreshes) {
        assert.ok(tokens.refresh_token, 'offline_access with prompt=consent yields a refresh token');
        const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
        assert.equal(refreshed.claims()?.sub, wallet.address);
      }
    });
  }

  it('refuses a confidential client with the wrong secret', async () => {
    const config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic('not-the-secret') });
    const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK });
    const callback = await signIn(new UserAgent(), url, { wallet: Wallet.createRandom(), rpOrigin: RP_ORIGIN });
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback.request(), checks),
      (error: { cause?: Array<{ parameters?: { error?: string } }> }) => {
        assert.equal(error.cause?.[0]?.parameters?.error, 'invalid_client');
        return true;
      },
    );
  });
});
