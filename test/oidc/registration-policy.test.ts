/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592),
 * driven by openid-client's dynamicClientRegistration: off by default; with
 * an initial access token; open under a policy and a per-IP rate limit.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-registration-tests';

async function register(server: TestServer, metadata: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

/** Signs a new wallet in with a registered client and returns the ID token's subject. */
async function loginWith(config: oidc.Configuration): Promise<{ wallet: Wallet; sub: unknown }> {
  const wallet = Wallet.createRandom() as unknown as Wallet;
  const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK });
  const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
  const tokens = await oidc.authorizationCodeGrant(config, callback.request(), checks);
  return { wallet, sub: tokens.claims()?.sub };
}

describe('dynamic client registration: off by default', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('has no registration endpoint', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(metadata.registration_endpoint, undefined);
    const response = await fetch(`${server.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 404);
  });
});

describe('dynamic client registration with an initial access token (REGISTRATION=token)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ env: { REGISTRATION: 'token', REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN } });
  });
  after(() => server.close());

  it('registers a client with openid-client, which then signs a wallet in', async () => {
    const config = await oidc.dynamicClientRegistration(
      new URL(server.issuer),
      {
        redirect_uris: [RP_CALLBACK],
        client_name: 'Registered RP',
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
      oidc.ClientSecretBasic(),
      { initialAccessToken: INITIAL_ACCESS_TOKEN, execute: [oidc.allowInsecureRequests] },
    );
    const metadata = config.clientMetadata();
    assert.ok(metadata.client_id && metadata.client_secret);
    assert.ok(metadata.registration_access_token && metadata.registration_client_uri, 'RFC 7592 management credentials');
    const { wallet, sub } = await loginWith(config);
    assert.equal(sub, wallet.address);
  });

  it('refuses a registration without the initial access token, or with a wrong one', async () => {
    const metadata = { redirect_uris: [RP_CALLBACK] };
    const without = await register(server, metadata);
    assert.equal(without.status, 401);
    assert.equal(without.body.error, 'invalid_token');
    const wrong = await register(server, metadata, { authorization: 'Bearer not-the-token' });
    assert.equal(wrong.status, 401);
  });

  it('never lets a client register itself as first-party', async () => {
    const { status, body } = await register(
      server,
      { redirect_uris: [RP_CALLBACK], first_party: true },
      { authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` },
    );
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_client_metadata');
    assert.match(String(body.error_description), /first_party/);
  });

  it('manages a registration (RFC 7592): read, update with a rotated token, delete', async () => {
    const created = await register(
      server,
      { redirect_uris: [RP_CALLBACK], client_name: 'Before' },
      { authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` },
    );
    assert.equal(created.status, 201);
    const uri = String(created.body.registration_client_uri);
    const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });

    const read = await fetch(uri, { headers: bearer(created.body.registration_access_token) });
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as Record<string, unknown>).client_name, 'Before');

    const update = await fetch(uri, {
      method: 'PUT',
      headers: { ...bearer(created.body.registration_access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: created.body.client_id, redirect_uris: [RP_CALLBACK], client_name: 'After' }),
    });
    assert.equal(update.status, 200);
    const updated = (await update.json()) as Record<string, unknown>;
    assert.equal(updated.client_name, 'After');
    assert.notEqual(updated.registration_access_token, created.body.registration_access_token, 'the registration access token rotates');

    const firstParty = await fetch(uri, {
      method: 'PUT',
      headers: { ...bearer(updated.registration_access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: created.body.client_id, redirect_uris: [RP_CALLBACK], first_party: true }),
    });
    assert.equal(firstParty.status, 400, 'an update cannot make a client first-party either');

    const removed = await fetch(uri, { method: 'DELETE', headers: bearer(updated.registration_access_token) });
    assert.equal(removed.status, 204);
    const authorize = await fetch(`${server.issuer}/auth?client_id=${String(created.body.client_id)}&response_type=code&scope=openid`, {
      redirect: 'manual',
    });
    assert.equal(authorize.status, 400, 'the client is gone');
  });
});

for (const backend of BACKENDS) {
  describe(`open dynamic client registration (REGISTRATION=open, ${backend} store)`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        backend,
        env: { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: '100/hour', PRIVATE_NETWORK_HOSTS: 'keycloak.internal' },
      });
    });
    after(() => server.close());

    it('registers a public client as an OIDC debugger would, which then signs a wallet in with PKCE', async () => {
      const config = await oidc.dynamicClientRegistration(
        new URL(server.issuer),
        { redirect_uris: [RP_CALLBACK], token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'ES256' },
        oidc.None(),
        { execute: [oidc.allowInsecureRequests] },
      );
      assert.equal(config.clientMetadata().client_secret, undefined);
      const { wallet, sub } = await loginWith(config);
      assert.equal(sub, wallet.address);
    });

    it('accepts https and loopback http redirect URIs (RFC 8252), refuses others', async () => {
      for (const uri of ['https://app.example/cb', 'http://localhost:8080/cb', 'http://127.0.0.1/cb', 'http://[::1]:3001/cb']) {
        const { status, body } = await register(server, { redirect_uris: [uri] });
        assert.equal(status, 201, `${uri}: ${JSON.stringify(body)}`);
      }
      for (const uri of ['http://app.example/cb', 'http://192.168.1.10/cb', 'com.example.app:/cb']) {
        const { status, body } = await register(server, { redirect_uris: [uri] });
        assert.equal(status, 400, uri);
        assert.equal(body.error, 'invalid_redirect_uri', uri);
      }
    });

    it('refuses URLs the server would call on a private or loopback host, and first_party', async () => {
      const refused = [
        { backchannel_logout_uri: 'http://127.0.0.1:8080/logout' },
        { backchannel_logout_uri: 'https://keycloak.internal/realms/x/protocol/openid-connect/logout/backchannel-logout' },
        { jwks_uri: 'http://app.example/jwks', token_endpoint_auth_method: 'private_key_jwt' },
        { first_party: true },
      ];
      for (const extra of refused) {
        const { status, body } = await register(server, { redirect_uris: [RP_CALLBACK], ...extra });
        assert.equal(status, 400, JSON.stringify(extra));
        assert.equal(body.error, 'invalid_client_metadata', JSON.stringify(body));
      }
      const accepted = await register(server, { redirect_uris: [RP_CALLBACK], backchannel_logout_uri: 'https://rp.example.test/logout' });
      assert.equal(accepted.status, 201);
    });
  });

  describe(`open registration is rate-limited per client address (${backend} store)`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: '2/hour', TRUST_PROXY: 'true' } });
    });
    after(() => server.close());

    it('answers 429 with Retry-After past the limit, per address', async () => {
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      const metadata = { redirect_uris: [RP_CALLBACK] };
      assert.equal((await register(server, metadata, from('203.0.113.1'))).status, 201);
      assert.equal((await register(server, metadata, from('203.0.113.1'))).status, 201);
      const limited = await register(server, metadata, from('203.0.113.1'));
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, 'too_many_requests');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal((await register(server, metadata, from('203.0.113.2'))).status, 201, 'another address is not limited');
    });
  });
}
