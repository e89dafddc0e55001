/**
 * Logout as relying parties see it: RP-initiated logout built by openid-client
 * (buildEndSessionUrl), and back-channel logout delivered to each client's
 * receiver on 127.0.0.1, whose logout_token is validated with jose against
 * the provider's JWKS as OpenID Connect Back-Channel Logout 1.0 section 2.6 says.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { BASIC, POST, RP_CALLBACK, RP_LOGGED_OUT, RP_ORIGIN } from '../support/federation-clients.js';
import { startLogoutReceiver, type LogoutReceiver } from '../support/logout-receiver.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

for (const backend of BACKENDS) {
  describe(`logout (${backend} store)`, () => {
    let server: TestServer;
    let receiver: LogoutReceiver;
    let withSid: ClientMetadata;
    let withoutSid: ClientMetadata;

    before(async () => {
      receiver = await startLogoutReceiver();
      // One client asks for the session id in logout tokens; the other (as Keycloak needs) gets sub only.
      withSid = { ...BASIC, backchannel_logout_uri: receiver.url, backchannel_logout_session_required: true };
      withoutSid = { ...POST, backchannel_logout_uri: receiver.url, backchannel_logout_session_required: false };
      server = await startServer({ backend, clients: [withSid, withoutSid], env: { PRIVATE_NETWORK_HOSTS: '127.0.0.1' } });
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('advertises RP-initiated and back-channel logout', async () => {
      const config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
      const metadata = config.serverMetadata();
      assert.equal(metadata.end_session_endpoint, `${server.issuer}/session/end`);
      assert.equal(metadata.backchannel_logout_supported, true);
      assert.equal(metadata.backchannel_logout_session_supported, true);
    });

    it('ends the session at every client: RP-initiated logout, then a validated logout token per client', async () => {
      const agent = new UserAgent();
      const wallet = Wallet.createRandom() as unknown as Wallet;
      const first = await discover(server, {
        clientId: withSid.client_id,
        clientAuth: oidc.ClientSecretBasic(String(withSid.client_secret)),
      });
      const second = await discover(server, {
        clientId: withoutSid.client_id,
        clientAuth: oidc.ClientSecretPost(String(withoutSid.client_secret)),
      });
      const signedIn = [];
      for (const config of [first, second]) {
        const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK });
        const callback = await signIn(agent, url, { wallet, rpOrigin: RP_ORIGIN });
        signedIn.push(await oidc.authorizationCodeGrant(config, callback.request(), checks));
      }
      const sid = signedIn[0]!.claims()?.sid;
      assert.ok(sid, 'the ID token of a client that requires it carries sid');
      const before = receiver.tokens.length;

      // RP-initiated logout, as the first relying party builds it.
      const endSession = oidc.buildEndSessionUrl(first, {
        id_token_hint: signedIn[0]!.id_token!,
        post_logout_redirect_uri: RP_LOGGED_OUT,
        state: 'bye',
      });
      const page = await agent.request(endSession);
      assert.equal(page.status, 200);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(xsrf, 'the logout page carries its form');
      const done = await agent.request(new URL('/session/end/confirm', server.issuer), { form: { xsrf, logout: 'yes' } });
      assert.equal(done.status, 303);
      const back = new URL(done.headers.get('location')!);
      assert.equal(`${back.origin}${back.pathname}`, RP_LOGGED_OUT);
      assert.equal(back.searchParams.get('state'), 'bye');

      // Each client's receiver got a logout token before the browser was sent back.
      const tokens = receiver.tokens.slice(before);
      assert.equal(tokens.length, 2);
      const jwks = createRemoteJWKSet(new URL(first.serverMetadata().jwks_uri!));
      const verified = await Promise.all(
        tokens.map((token) =>
          jwtVerify(token, jwks, { issuer: server.issuer, typ: 'logout+jwt', requiredClaims: ['iat', 'jti', 'events'] }),
        ),
      );
      const byClient = new Map(verified.map(({ payload }) => [payload.aud, payload]));
      for (const client of [withSid, withoutSid]) {
        const payload = byClient.get(client.client_id);
        assert.ok(payload, `a logout token for ${client.client_id}`);
        assert.equal(payload.sub, wallet.address);
        assert.deepEqual((payload.events as Record<string, unknown>)[BACKCHANNEL_EVENT], {});
        assert.equal(payload.nonce, undefined, 'a logout token never carries a nonce');
      }
      assert.equal(byClient.get(withSid.client_id)!.sid, sid);
      assert.equal(byClient.get(withoutSid.client_id)!.sid, undefined);

      // The session is gone: a silent authorization needs a login again.
      const { url } = await codeRequest(first, { redirect_uri: RP_CALLBACK, prompt: 'none' });
      const silent = await signIn(agent, url, { wallet, rpOrigin: RP_ORIGIN });
      assert.equal(silent.params.get('error'), 'login_required');
    });

    it('refuses a back-channel receiver on a private address unless PRIVATE_NETWORK_HOSTS names it', async () => {
      const other = await startServer({ backend, clients: [withSid] });
      try {
        const agent = new UserAgent();
        const wallet = Wallet.createRandom() as unknown as Wallet;
        const config = await discover(other, {
          clientId: withSid.client_id,
          clientAuth: oidc.ClientSecretBasic(String(withSid.client_secret)),
        });
        const { url } = await codeRequest(config, { redirect_uri: RP_CALLBACK });
        await signIn(agent, url, { wallet, rpOrigin: RP_ORIGIN });
        const before = receiver.tokens.length;
        const page = await agent.request(new URL('/session/end', other.issuer));
        const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
        const done = await agent.request(new URL('/session/end/confirm', other.issuer), { form: { xsrf: xsrf!, logout: 'yes' } });
        assert.equal(done.status, 303, 'the logout itself completes');
        assert.equal(receiver.tokens.length, before, 'nothing was sent to 127.0.0.1');
      } finally {
        await other.close();
      }
    });
  });
}
