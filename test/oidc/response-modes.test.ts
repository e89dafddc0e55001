/**
 * The response types and modes identity brokers use, with openid-client as
 * the relying party: `id_token` with form_post (Auth0's front channel),
 * `code id_token` with form_post, and `code` by query and by fragment.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import { startServer, type TestServer } from '../support/server.js';
import { BASIC, HYBRID, IMPLICIT, RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

describe('response types and modes with openid-client', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({ clients: [BASIC, IMPLICIT, HYBRID] });
  });
  after(() => server.close());

  it('advertises code, id_token and code id_token, and the query, fragment and form_post modes', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    assert.deepEqual(metadata.response_types_supported, ['code', 'id_token', 'code id_token']);
    for (const mode of ['query', 'fragment', 'form_post']) assert.ok(metadata.response_modes_supported!.includes(mode), mode);
  });

  it('id_token with form_post: the ID token arrives in an auto-submitting form and verifies', async () => {
    const config = await discover(server, {
      clientId: IMPLICIT.client_id,
      clientAuth: oidc.None(),
      execute: [oidc.useIdTokenResponseType],
    });
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: 'openid ethereum',
      response_mode: 'form_post',
      nonce,
      state,
    });
    const wallet = Wallet.createRandom();
    const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
    assert.equal(callback.mode, 'form_post');
    assert.equal(callback.url.href, RP_CALLBACK);
    assert.equal(callback.params.get('code'), null, 'no code in an id_token response');

    const claims = await oidc.implicitAuthentication(config, callback.request(), nonce, { expectedState: state });
    assert.equal(claims.sub, wallet.address);
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.nonce, nonce);
    assert.deepEqual(claims.amr, ['pop']);
    // Without an access token, everything the scopes grant is in the ID token.
    assert.equal(claims.ethereum_address, wallet.address);
    assert.equal(claims.chain_id, 1);
  });

  it('id_token without response_mode: the default fragment', async () => {
    const config = await discover(server, {
      clientId: IMPLICIT.client_id,
      clientAuth: oidc.None(),
      execute: [oidc.useIdTokenResponseType],
    });
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP_CALLBACK, scope: 'openid', nonce });
    const wallet = Wallet.createRandom();
    const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
    assert.equal(callback.mode, 'fragment');
    const claims = await oidc.implicitAuthentication(config, callback.url, nonce);
    assert.equal(claims.sub, wallet.address);
  });

  it('code id_token with form_post: the front-channel ID token, then the code exchanged for tokens', async () => {
    const config = await discover(server, {
      clientId: HYBRID.client_id,
      clientAuth: oidc.ClientSecretBasic(String(HYBRID.client_secret)),
      execute: [oidc.useCodeIdTokenResponseType],
    });
    const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK, response_mode: 'form_post' });
    const wallet = Wallet.createRandom();
    const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
    assert.equal(callback.mode, 'form_post');
    assert.ok(callback.params.get('code'));
    assert.ok(callback.params.get('id_token'));

    const tokens = await oidc.authorizationCodeGrant(config, callback.request(), checks);
    assert.equal(tokens.claims()?.sub, wallet.address);
    assert.ok(tokens.access_token);
  });

  it('code with response_mode=fragment and with the default query', async () => {
    const config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
    for (const mode of ['fragment', 'query'] as const) {
      const { url, checks } = await codeRequest(config, {
        redirect_uri: RP_CALLBACK,
        ...(mode === 'fragment' ? { response_mode: 'fragment' } : {}),
      });
      const wallet = Wallet.createRandom();
      const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
      assert.equal(callback.mode, mode);
      const tokens = await oidc.authorizationCodeGrant(config, callback.asQueryUrl(), checks);
      assert.equal(tokens.claims()?.sub, wallet.address, mode);
    }
  });

  it('refuses a response type the client did not register', async () => {
    const config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP_CALLBACK, scope: 'openid', response_type: 'id_token', nonce: 'n' });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    const params = new URLSearchParams(location.hash.slice(1));
    assert.equal(params.get('error'), 'invalid_request');
    assert.match(String(params.get('error_description')), /response_type is not allowed for this client/);
  });
});
