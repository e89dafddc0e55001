/**
 * Dynamically registered clients expire after REGISTRATION_CLIENT_TTL without a
 * sign-in, their registration access token with them; a sign-in extends both.
 * Static and command-line clients never expire, and their sign-ins do not
 * touch the store for it.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import type { AdapterPayload } from 'oidc-provider';
import supertest from 'supertest';
import { withClientIndex } from '../../src/oidc/client-index.js';
import { artifactKey, createAdapter } from '../../src/storage/adapter.js';
import { FIRST_PARTY, RP_REDIRECT } from '../support/test-clients.js';
import { newAuthRequest, walletLogin } from '../support/flow.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TTL_SECONDS = 2;

interface Registered {
  clientId: string;
  accessToken: string;
  uri: string;
}

for (const backend of BACKENDS) {
  describe(`registered clients expire when idle (${backend} store)`, () => {
    let server: TestServer;
    let refreshes: number;
    before(async () => {
      server = await startServer({
        backend,
        env: { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: '100/hour', REGISTRATION_CLIENT_TTL: String(TTL_SECONDS) },
      });
      const refreshTtl = server.store.refreshTtl.bind(server.store);
      server.store.refreshTtl = (key, ttlMs) => {
        refreshes += 1;
        return refreshTtl(key, ttlMs);
      };
    });
    after(() => server.close());

    const register = async (): Promise<Registered> => {
      const response = await supertest(server.issuer)
        .post('/reg')
        .send({ redirect_uris: [RP_REDIRECT], token_endpoint_auth_method: 'none' });
      assert.equal(response.status, 201, response.text);
      return {
        clientId: response.body.client_id,
        accessToken: response.body.registration_access_token,
        uri: response.body.registration_client_uri,
      };
    };
    const signIn = async (clientId: string) => {
      const callback = await walletLogin(supertest.agent(server.issuer), Wallet.createRandom(), newAuthRequest(clientId));
      assert.ok(callback.searchParams.get('code'), String(callback));
    };
    const read = async ({ uri, accessToken }: Registered) =>
      (await fetch(uri, { headers: { authorization: `Bearer ${accessToken}` } })).status;
    const stored = (model: string, id: string) => server.store.get<AdapterPayload>(artifactKey(model, id));

    it('removes a client and its registration access token after the TTL; a sign-in extends both', async () => {
      const idle = await register();
      const active = await register();
      assert.equal(await read(idle), 200);
      assert.ok(await stored('RegistrationAccessToken', idle.accessToken));

      await sleep(1200);
      refreshes = 0;
      await signIn(active.clientId);
      assert.ok(refreshes > 0, 'the sign-in extended the client');

      await sleep(1300); // past the first TTL, within the extended one
      assert.equal(await stored('Client', idle.clientId), undefined, 'the idle client is gone');
      assert.equal(await stored('RegistrationAccessToken', idle.accessToken), undefined, 'with its registration access token');
      assert.equal(await read(idle), 401);
      const authorize = await fetch(`${server.issuer}/auth?client_id=${idle.clientId}&response_type=code&scope=openid`, {
        redirect: 'manual',
      });
      assert.equal(authorize.status, 400);
      assert.equal(await read(active), 200, 'the client signed in with is there, and can still manage itself');
      await signIn(active.clientId);

      await sleep(TTL_SECONDS * 1000 + 500);
      assert.equal(await stored('Client', active.clientId), undefined, 'idle again for the TTL: gone');
      assert.equal(await stored('RegistrationAccessToken', active.accessToken), undefined);
    });

    it('an RFC 7592 update stores the client, and its rotated token, for the TTL again, never for ever', async () => {
      const client = await register();
      const update = await fetch(client.uri, {
        method: 'PUT',
        headers: { authorization: `Bearer ${client.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: client.clientId,
          redirect_uris: [RP_REDIRECT],
          token_endpoint_auth_method: 'none',
          client_name: 'Updated',
        }),
      });
      assert.equal(update.status, 200);
      const rotated = String(((await update.json()) as Record<string, unknown>).registration_access_token);
      assert.ok(await stored('RegistrationAccessToken', rotated));
      await sleep(TTL_SECONDS * 1000 + 300);
      assert.equal(await stored('Client', client.clientId), undefined);
      assert.equal(await stored('RegistrationAccessToken', rotated), undefined);
    });

    it('never expires static or command-line clients, and their sign-ins do not touch the store for it', async () => {
      // As `npx siwe-idp clients add` stores one: through the adapter, outside any request.
      const cli = {
        client_id: `cli-${backend}`,
        client_name: 'CLI client',
        redirect_uris: [RP_REDIRECT],
        token_endpoint_auth_method: 'none',
        first_party: true,
      };
      await new (withClientIndex(createAdapter(server.store), server.store))('Client').upsert(cli.client_id, cli as AdapterPayload);
      refreshes = 0;
      await signIn(FIRST_PARTY.client_id);
      await signIn(cli.client_id);
      assert.equal(refreshes, 0);
      await sleep(TTL_SECONDS * 1000 + 300);
      assert.ok(await stored('Client', cli.client_id), 'the command-line client is still there');
      await signIn(cli.client_id);
      await signIn(FIRST_PARTY.client_id);
    });
  });
}
