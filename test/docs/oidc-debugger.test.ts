/**
 * What oidcdebugger.com does (docs/oidc-debugger.md) with "Use PKCE?" on and
 * response_mode=form_post: the authorization response is posted to its
 * redirect URI, and its page then redeems the code itself, from the browser
 * (Origin https://oidcdebugger.com), at the Token URI typed into its form, with
 * the code_verifier and no secret. For a public client that redemption is the
 * one that counts: a code is single-use, so redeeming it again with curl fails.
 * For the confidential development client it fails at client authentication
 * and leaves the code for curl with the secret.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { Wallet } from 'ethers';
import { DEV_CLIENT } from '../../src/config/clients.js';
import { codeChallenge, newAuthRequest, type AuthRequest } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';
import { signIn, type Callback } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

const DEBUGGER = 'https://oidcdebugger.com';
const REDIRECT_URI = `${DEBUGGER}/debug`;

/** The registration docs/oidc-debugger.md section B sends to /reg. */
const REGISTRATION = {
  client_name: 'My OIDC debugger test',
  redirect_uris: [REDIRECT_URI],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'implicit'],
  response_types: ['code', 'id_token', 'code id_token'],
};

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('an OIDC debugger: PKCE, form_post, and the code redeemed from its page (docs/oidc-debugger.md)', function () {
  this.timeout(30_000);
  let server: TestServer;
  let tokenUri: string;

  before(async () => {
    server = await startServer({ clients: [DEV_CLIENT], env: { REGISTRATION: 'open' } });
    tokenUri = `${server.issuer}/token`;
  });
  after(() => server.close());

  /** The debugger's form: Authorize URI, Client ID, Scope, State, Nonce, code, form_post, PKCE SHA-256. */
  function authorizationRequest(clientId: string): { url: URL; request: AuthRequest } {
    const request = newAuthRequest(clientId, { scope: 'openid ethereum', redirectUri: REDIRECT_URI });
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid ethereum',
      response_type: 'code',
      response_mode: 'form_post',
      state: request.state,
      nonce: request.nonce,
      code_challenge: codeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return { url, request };
  }

  /** Sign in with a wallet; the answer is the form posted to the debugger's /debug. */
  async function signInFromDebugger(clientId: string, wallet: Wallet | ReturnType<typeof Wallet.createRandom>) {
    const { url, request } = authorizationRequest(clientId);
    const callback: Callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: DEBUGGER });
    assert.equal(callback.mode, 'form_post');
    assert.equal(callback.url.href, REDIRECT_URI);
    assert.equal(callback.params.get('state'), request.state);
    const code = callback.params.get('code');
    assert.ok(code, callback.params.toString());
    return { code, request, callback };
  }

  /** The debugger page's token request: a cross-origin POST from its own origin, no secret. */
  function redeemFromPage(clientId: string, code: string, request: AuthRequest) {
    return fetch(tokenUri, {
      method: 'POST',
      headers: { origin: DEBUGGER, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        code,
        code_verifier: request.codeVerifier,
      }),
    });
  }

  async function verifyIdToken(idToken: string): Promise<Record<string, unknown>> {
    const [header, payload, signature] = idToken.split('.');
    const { kid, alg } = decode(header!);
    assert.equal(alg, 'ES256');
    const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: Array<JsonWebKey & { kid: string }> };
    const jwk = jwks.keys.find((key) => key.kid === kid);
    assert.ok(jwk, `no key ${String(kid)} at /jwks`);
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    assert.ok(
      verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url')),
    );
    return decode(payload!);
  }

  it('discovery: authorization at /auth, token at /token (the Token URI to type in: no guess from /authorize fits)', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(metadata.authorization_endpoint, `${server.issuer}/auth`);
    assert.equal(metadata.token_endpoint, tokenUri);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    // README, Claims: `sid` cannot be asked for with the claims parameter, which is not enabled.
    assert.equal(metadata.claims_parameter_supported, false);
  });

  it('public client (section B): the page redeems the code cross-origin; a second redemption (curl) gets invalid_grant', async () => {
    const registered = await fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(REGISTRATION),
    });
    const client = (await registered.json()) as { client_id: string; client_secret?: string };
    assert.equal(registered.status, 201, JSON.stringify(client));
    assert.equal(client.client_secret, undefined);

    const wallet = Wallet.createRandom();
    const { code, request, callback } = await signInFromDebugger(client.client_id, wallet);
    assert.deepEqual(callback.prompts, ['login', 'consent'], 'a registered client is never first-party');

    const preflight = await fetch(tokenUri, {
      method: 'OPTIONS',
      headers: { origin: DEBUGGER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.ok(preflight.status < 300, `preflight: ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), DEBUGGER);

    const redeemed = await redeemFromPage(client.client_id, code, request);
    const tokens = (await redeemed.json()) as Record<string, string>;
    assert.equal(redeemed.status, 200, JSON.stringify(tokens));
    assert.equal(redeemed.headers.get('access-control-allow-origin'), DEBUGGER, 'the page can read the answer');
    assert.ok(tokens.access_token);
    const claims = await verifyIdToken(tokens.id_token!);
    assert.equal(claims.sub, wallet.address);
    assert.equal(claims.aud, client.client_id);
    assert.equal(claims.nonce, request.nonce);
    assert.equal(claims.ethereum_address, wallet.address);
    assert.equal(claims.chain_id, 1);
    // README, Claims: no sid for a client without backchannel_logout_session_required.
    assert.equal(claims.sid, undefined);

    const me = () => fetch(`${server.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(((await (await me()).json()) as { sub: string }).sub, wallet.address);

    // The doc's curl, after the debugger has already redeemed the code.
    const again = await fetch(tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        code,
        code_verifier: request.codeVerifier,
      }),
    });
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
    // ... and the replay revokes what the first redemption issued (RFC 6749 section 4.1.2).
    assert.equal((await me()).status, 401);
  });

  it('with another code_verifier the page gets invalid_grant (PKCE binds the code to the debugger that asked)', async () => {
    const registered = (await (
      await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(REGISTRATION),
      })
    ).json()) as { client_id: string };
    const { code, request } = await signInFromDebugger(registered.client_id, Wallet.createRandom());
    const wrong = await redeemFromPage(registered.client_id, code, { ...request, codeVerifier: 'x'.repeat(43) });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant');
  });

  it('development client (section A): the page, without the secret, gets invalid_client and the code stays unused for curl', async () => {
    const wallet = Wallet.createRandom();
    const { code, request } = await signInFromDebugger(DEV_CLIENT.client_id, wallet);

    const fromPage = await redeemFromPage(DEV_CLIENT.client_id, code, request);
    assert.equal(fromPage.status, 401);
    assert.equal(((await fromPage.json()) as { error: string }).error, 'invalid_client');

    // curl -s -u dev-client:dev-client-secret http://localhost:3000/token -d grant_type=authorization_code ...
    const curl = () =>
      fetch(tokenUri, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${DEV_CLIENT.client_id}:${String(DEV_CLIENT.client_secret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          redirect_uri: REDIRECT_URI,
          code,
          code_verifier: request.codeVerifier,
        }),
      });
    const redeemed = await curl();
    const tokens = (await redeemed.json()) as Record<string, string>;
    assert.equal(redeemed.status, 200, JSON.stringify(tokens));
    const claims = await verifyIdToken(tokens.id_token!);
    assert.equal(claims.sub, wallet.address);
    assert.equal(claims.aud, DEV_CLIENT.client_id);

    const again = await curl();
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
  });
});
