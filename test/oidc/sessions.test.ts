/**
 * Sessions as relying parties and brokers use them, with openid-client
 * building the requests: single sign-on across clients, prompt=none,
 * prompt=login, max_age, id_token_hint and an address as login_hint.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import type { AdapterPayload } from 'oidc-provider';
import type { InteractionView } from '../../src/interaction/view-model.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { BASIC, POST, RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

for (const backend of BACKENDS) {
  describe(`sessions and single sign-on (${backend} store)`, () => {
    let server: TestServer;
    let basic: oidc.Configuration;
    let post: oidc.Configuration;

    before(async () => {
      server = await startServer({ backend, clients: [BASIC, POST] });
      basic = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
      post = await discover(server, { clientId: POST.client_id, clientAuth: oidc.ClientSecretPost(String(POST.client_secret)) });
    });
    after(() => server.close());

    async function authorize(agent: UserAgent, config: oidc.Configuration, wallet: Wallet, parameters: Record<string, string> = {}) {
      const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK, ...parameters });
      const callback = await signIn(agent, url, { wallet, rpOrigin: RP_ORIGIN });
      return { callback, checks };
    }

    async function signedIn(config = basic) {
      const agent = new UserAgent();
      const wallet = Wallet.createRandom() as unknown as Wallet;
      const { callback, checks } = await authorize(agent, config, wallet);
      assert.deepEqual(callback.prompts, ['login']);
      const tokens = await oidc.authorizationCodeGrant(config, callback.request(), checks);
      return { agent, wallet, tokens };
    }

    it('signs a person in to a second client without asking again (prompt=none)', async () => {
      const { agent, wallet } = await signedIn();
      const { callback, checks } = await authorize(agent, post, wallet, { prompt: 'none' });
      assert.deepEqual(callback.prompts, [], 'no interaction');
      const tokens = await oidc.authorizationCodeGrant(post, callback.request(), checks);
      assert.equal(tokens.claims()?.sub, wallet.address);
    });

    it('prompt=none without a session answers login_required', async () => {
      const { callback } = await authorize(new UserAgent(), basic, Wallet.createRandom() as unknown as Wallet, { prompt: 'none' });
      assert.equal(callback.params.get('error'), 'login_required');
    });

    it('prompt=login asks for the wallet again although a session exists', async () => {
      const { agent, wallet } = await signedIn();
      const { callback, checks } = await authorize(agent, post, wallet, { prompt: 'login' });
      assert.deepEqual(callback.prompts, ['login']);
      assert.equal((await oidc.authorizationCodeGrant(post, callback.request(), checks)).claims()?.sub, wallet.address);
    });

    it('id_token_hint: the same account passes with prompt=none, another one does not', async () => {
      const { agent, wallet, tokens } = await signedIn();
      const same = await authorize(agent, basic, wallet, { prompt: 'none', id_token_hint: tokens.id_token! });
      assert.ok(same.callback.params.get('code'), String(same.callback.params.get('error_description')));

      const other = await signedIn();
      const mismatch = await authorize(agent, basic, wallet, { prompt: 'none', id_token_hint: other.tokens.id_token! });
      assert.equal(mismatch.callback.params.get('error'), 'login_required');
    });

    it('max_age: a sign-in older than max_age is asked for again, and auth_time is fresh', async () => {
      const { agent, wallet } = await signedIn();
      // Age the session by two hours, in the store the server reads it from.
      const key = `oidc:Session:${agent.cookie('localhost', '_session')}`;
      const session = await server.store.get<AdapterPayload & { loginTs: number }>(key);
      assert.ok(session, 'the session is stored');
      await server.store.set(key, { ...session, loginTs: session.loginTs - 7200 }, 3_600_000);

      const silent = await authorize(agent, basic, wallet, { prompt: 'none', max_age: '3600' });
      assert.equal(silent.callback.params.get('error'), 'login_required');

      const { callback, checks } = await authorize(agent, basic, wallet, { max_age: '3600' });
      assert.deepEqual(callback.prompts, ['login']);
      const tokens = await oidc.authorizationCodeGrant(basic, callback.request(), { ...checks, maxAge: 3600 });
      assert.ok(Number(tokens.claims()?.auth_time) >= session.loginTs, 'auth_time is the new sign-in, not the aged one');
    });

    it('login_hint: an address is handed to the sign-in page, checksummed', async () => {
      const wallet = Wallet.createRandom();
      const { url } = await codeRequest(basic, { redirect_uri: RP_CALLBACK, login_hint: wallet.address.toLowerCase() });
      const agent = new UserAgent();
      const toInteraction = await agent.request(url);
      const interaction = new URL(toInteraction.headers.get('location')!, server.issuer);
      const view = (await (await agent.request(interaction, { headers: { accept: 'application/json' } })).json()) as InteractionView;
      assert.equal(view.loginHint, wallet.address);
    });
  });
}
