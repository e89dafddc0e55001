/**
 * Introspection (RFC 7662) answers only the token's own client or a client the
 * operator marked `resource_server: true`; anyone else learns `{"active":false}`.
 * Revocation (RFC 7009) is for the token's own client only. `resource_server`
 * cannot be registered, and must be a boolean on an authenticating client.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import type { ClientMetadata } from 'oidc-provider';
import supertest from 'supertest';
import { readConfig } from '../../src/config/env.js';
import { generateJwks } from '../../src/config/keys.js';
import { ConfigError } from '../../src/config/config-error.js';
import { createProvider } from '../../src/oidc/provider.js';
import { createAdapter } from '../../src/storage/adapter.js';
import { createStore } from '../../src/storage/store.js';
import { FIRST_PARTY, PUBLIC_CLIENT, THIRD_PARTY } from '../support/test-clients.js';
import { basicAuth, exchangeCode, newAuthRequest, walletLogin } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

const RESOURCE_SERVER: ClientMetadata = {
  client_id: 'api',
  client_secret: 'api-secret-which-is-long-enough-for-anything',
  redirect_uris: [],
  response_types: [],
  grant_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  resource_server: true,
};

type Caller = 'owner' | 'other' | 'resource server' | 'public';

describe('who may introspect and revoke a token', () => {
  let server: TestServer;
  let accessToken: string;

  /** A request to `path` authenticated as `caller`. */
  const as = (caller: Caller, path: string, form: Record<string, string>) => {
    const post = supertest(server.issuer).post(path).type('form');
    if (caller === 'owner') return post.set('Authorization', basicAuth(FIRST_PARTY)).send(form);
    if (caller === 'resource server') return post.set('Authorization', basicAuth(RESOURCE_SERVER)).send(form);
    if (caller === 'other')
      return post.send({ ...form, client_id: THIRD_PARTY.client_id, client_secret: String(THIRD_PARTY.client_secret) });
    return post.send({ ...form, client_id: PUBLIC_CLIENT.client_id });
  };
  const introspect = (caller: Caller, token = accessToken) => as(caller, '/token/introspection', { token });

  before(async () => {
    server = await startServer({ clients: [FIRST_PARTY, THIRD_PARTY, PUBLIC_CLIENT, RESOURCE_SERVER] });
    const agent = supertest.agent(server.issuer);
    const request = newAuthRequest(FIRST_PARTY.client_id);
    const callback = await walletLogin(agent, Wallet.createRandom(), request);
    const tokens = await exchangeCode(agent, FIRST_PARTY, callback, request);
    assert.equal(tokens.status, 200, tokens.text);
    accessToken = tokens.body.access_token;
  });
  after(() => server.close());

  it("the token's own client and a resource server see it active", async () => {
    for (const caller of ['owner', 'resource server'] as const) {
      const response = await introspect(caller);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.active, true, caller);
      assert.equal(response.body.client_id, FIRST_PARTY.client_id);
    }
  });

  it('another client, confidential or public, learns only {"active": false}', async () => {
    for (const caller of ['other', 'public'] as const) {
      const response = await introspect(caller);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body, { active: false }, caller);
    }
  });

  it("only the token's own client revokes it", async () => {
    const other = await as('other', '/token/revocation', { token: accessToken });
    assert.equal(other.status, 400);
    assert.equal(other.body.error, 'invalid_request');
    const api = await as('resource server', '/token/revocation', { token: accessToken });
    assert.equal(api.status, 400, 'a resource server introspects, it does not revoke');
    const anonymous = await as('public', '/token/revocation', { token: accessToken });
    assert.equal(anonymous.status, 200, 'a public client is told nothing');
    assert.equal((await introspect('owner')).body.active, true, 'none of them revoked it');
    const owner = await as('owner', '/token/revocation', { token: accessToken });
    assert.equal(owner.status, 200);
    assert.equal((await introspect('owner')).body.active, false, 'the owner did');
  });
});

describe('resource_server metadata', () => {
  async function start(client: ClientMetadata) {
    const store = await createStore({});
    try {
      return await createProvider({
        config: readConfig({}),
        jwks: await generateJwks(),
        clients: [client],
        cookieKeys: ['k'.repeat(32)],
        adapter: createAdapter(store),
      });
    } finally {
      await store.close();
    }
  }

  it('must be a boolean, on a client that authenticates', async () => {
    await start(RESOURCE_SERVER);
    await assert.rejects(
      start({ ...RESOURCE_SERVER, resource_server: 'yes' }),
      (error) => error instanceof ConfigError && /resource_server must be true or false/.test(error.message),
    );
    await assert.rejects(
      start({ ...RESOURCE_SERVER, client_secret: undefined, token_endpoint_auth_method: 'none' }),
      /resource_server needs client authentication/,
    );
  });

  it('cannot be registered or added by an RFC 7592 update', async () => {
    const token = 'initial-access-token-for-the-resource-server-tests';
    const registering = await startServer({ env: { REGISTRATION: 'token', REGISTRATION_INITIAL_ACCESS_TOKEN: token } });
    try {
      const register = (body: Record<string, unknown>) =>
        supertest(registering.issuer)
          .post('/reg')
          .set('Authorization', `Bearer ${token}`)
          .send({ redirect_uris: ['https://rp.example.test/cb'], ...body });
      const refused = await register({ resource_server: true });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_client_metadata');
      assert.match(refused.body.error_description, /resource_server cannot be registered/);
      const created = await register({});
      assert.equal(created.status, 201);
      const update = await supertest(created.body.registration_client_uri)
        .put('')
        .set('Authorization', `Bearer ${created.body.registration_access_token}`)
        .send({ client_id: created.body.client_id, redirect_uris: ['https://rp.example.test/cb'], resource_server: true });
      assert.equal(update.status, 400);
      assert.equal(update.body.error, 'invalid_client_metadata');
    } finally {
      await registering.close();
    }
  });
});
