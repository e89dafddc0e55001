/**
 * The device authorization grant (RFC 8628) on both stores, over HTTP: a
 * device asks for a code and polls; a person enters the code, sees the
 * application and the code, and signs in with a wallet whose message binds
 * resources[0] to the device request; refusals (at the confirmation and at
 * the sign-in) reach the device as access_denied, expiry as expired_token.
 * openid-client polls as a real device would in the browser test
 * (test/views/device-flow.test.ts) and the docs example's test.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import type { ClientMetadata } from 'oidc-provider';
import supertest from 'supertest';
import { DEVICE_CODE_GRANT } from '../../src/oidc/device-flow.js';
import { setLogLevel } from '../../src/log.js';
import {
  answerConfirmation,
  DEVICE_CLI,
  DEVICE_TV,
  enterCode,
  openCodePage,
  pollOnce,
  requestDeviceCode,
  startDeviceSignIn,
  xsrfOf,
} from '../support/device.js';
import { type Agent, type AnyWallet, getInteraction, messageFor, postLogin } from '../support/flow.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { FIRST_PARTY, RP_REDIRECT, TEST_CLIENTS } from '../support/test-clients.js';

const CLIENTS = [...TEST_CLIENTS, DEVICE_CLI, DEVICE_TV];

/** Signs the interaction's message with `wallet`, overrides applied; the login answer. */
async function signIn(agent: Agent, uid: string, wallet: AnyWallet, overrides: Parameters<typeof messageFor>[2] = {}) {
  const view = await getInteraction(agent, uid);
  const message = messageFor(view, wallet.address, overrides);
  return postLogin(agent, uid, message, await wallet.signMessage(message));
}

/** From the login's redirectTo through the resume (and consent, if asked) to the page the person ends on. */
async function finish(agent: Agent, redirectTo: string): Promise<supertest.Response> {
  const resumed = await agent.get(new URL(redirectTo, 'http://provider.invalid').pathname).redirects(0);
  const consentUid = /^\/interaction\/([^/?]+)$/.exec(resumed.headers.location ?? '')?.[1];
  if (resumed.status !== 303 || !consentUid) return resumed;
  const view = await getInteraction(agent, consentUid);
  assert.equal(view.prompt, 'consent');
  const consent = await agent.post(`/interaction/${consentUid}/confirm`).set('Accept', 'application/json').send({});
  assert.equal(consent.status, 200, consent.text);
  return agent.get(new URL(consent.body.redirectTo, 'http://provider.invalid').pathname).redirects(0);
}

/**
 * The person follows `redirectTo` to the "Your device is signed in" page (checked); the device's next poll gets
 * tokens (checked): the ID token's claims.
 */
async function deviceSignedIn(
  person: Agent,
  device: Agent,
  redirectTo: string,
  client: ClientMetadata,
  deviceCode: string,
): Promise<{ tokens: supertest.Response; claims: Record<string, unknown> }> {
  const done = await finish(person, redirectTo);
  assert.equal(done.status, 200, done.text);
  assert.match(done.text, /Your device is signed in/);
  const tokens = await pollOnce(device, client, deviceCode);
  assert.equal(tokens.status, 200, tokens.text);
  const claims = JSON.parse(Buffer.from(tokens.body.id_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  return { tokens, claims };
}

for (const backend of BACKENDS) {
  describe(`device authorization grant (RFC 8628), ${backend} store`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let device: Agent;
    let person: Agent;

    before(async () => {
      setLogLevel('error');
      server = await startServer({ backend, clients: CLIENTS });
    });
    after(async () => {
      await server?.close();
      setLogLevel('info');
    });
    beforeEach(() => {
      device = supertest.agent(server.issuer);
      person = supertest.agent(server.issuer);
    });

    it('discovery advertises the device authorization endpoint and grant', async () => {
      const metadata = (await device.get('/.well-known/openid-configuration')).body;
      assert.equal(metadata.device_authorization_endpoint, `${server.issuer}/device/auth`);
      assert.ok(metadata.grant_types_supported.includes(DEVICE_CODE_GRANT));
    });

    it("a TV's code entered on a computer, signed by a phone wallet through the QR code (cross-device): tokens for the phone's address", async () => {
      const phone = Wallet.createRandom();
      const request = await requestDeviceCode(device, DEVICE_TV, 'openid ethereum');
      const uid = await startDeviceSignIn(person, request.user_code);
      // The computer's sign-in page asks for the phone link (its QR code), with the interaction's cookie.
      const shown = await person.post(`/interaction/${uid}/cross-device`).set('Accept', 'application/json');
      assert.equal(shown.status, 200, shown.text);
      const link = String(shown.body.link);
      assert.ok(link.startsWith(`${server.issuer}/sign/`), link);
      const handle = link.slice(link.lastIndexOf('/') + 1);
      // The phone (no cookie of the computer's) builds and signs the message: it binds this device request.
      const phoneAgent = supertest(server.issuer);
      const built = await phoneAgent.get(`/sign/${handle}/message?address=${phone.address}&chainId=1`).set('Accept', 'application/json');
      assert.equal(built.status, 200, built.text);
      const message = String(built.body.message);
      assert.ok(message.endsWith(`Resources:\n- ${request.verification_uri_complete}`), message);
      const signed = await phoneAgent
        .post(`/sign/${handle}`)
        .set('Accept', 'application/json')
        .send({ message, signature: await phone.signMessage(message) });
      assert.equal(signed.status, 200, signed.text);
      // The computer finishes (consent for this third-party app included) and the device's next poll gets tokens.
      const finished = await person.post(`/interaction/${uid}/cross-device/finish`).set('Accept', 'application/json');
      assert.equal(finished.status, 200, finished.text);
      const { claims } = await deviceSignedIn(person, device, finished.body.redirectTo, DEVICE_TV, request.device_code);
      assert.equal(claims.sub, phone.address);
      assert.equal(claims.chain_id, 1);
      assert.equal(claims.aud, DEVICE_TV.client_id);
    });

    it('a public CLI: pending while nobody signed in; code, confirmation, wallet; tokens for the address', async () => {
      const wallet = Wallet.createRandom();
      const request = await requestDeviceCode(device, DEVICE_CLI, 'openid ethereum');
      assert.equal(request.verification_uri, `${server.issuer}/device`);
      assert.match(request.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(request.verification_uri_complete, `${server.issuer}/device?user_code=${request.user_code}`);
      assert.equal(request.expires_in, 600, 'INTERACTION_TTL');

      const pending = await pollOnce(device, DEVICE_CLI, request.device_code);
      assert.equal(pending.status, 400);
      assert.equal(pending.body.error, 'authorization_pending');

      // Typed in lower case with a space instead of the dash: oidc-provider normalizes it.
      const confirmPage = await enterCode(person, request.user_code.toLowerCase().replace('-', ' '));
      assert.equal(confirmPage.status, 200);
      assert.match(confirmPage.text, /Sign in a device to Device CLI\?/);
      assert.ok(confirmPage.text.includes(`<code id="user-code">${request.user_code}</code>`), 'the code as the device shows it');
      assert.match(String(confirmPage.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);

      const uid = await startDeviceSignIn(person, request.user_code);
      const view = await getInteraction(person, uid);
      assert.equal(view.prompt, 'login');
      assert.deepEqual(view.device, { user_code: request.user_code });
      assert.deepEqual(view.siwe?.resources, [request.verification_uri_complete], 'resources[0] is the device request');
      const page = await person.get(`/interaction/${uid}`);
      assert.ok(page.text.includes(request.user_code), 'the sign-in page shows the code');

      const login = await signIn(person, uid, wallet);
      assert.equal(login.status, 200, login.text);
      const { tokens, claims } = await deviceSignedIn(person, device, login.body.redirectTo, DEVICE_CLI, request.device_code);
      assert.equal(claims.sub, wallet.address);
      assert.equal(claims.aud, DEVICE_CLI.client_id);
      assert.equal(claims.ethereum_address, wallet.address);
      assert.deepEqual(claims.amr, ['pop']);
      const userinfo = await device.get('/me').set('Authorization', `Bearer ${tokens.body.access_token}`);
      assert.equal(userinfo.body.sub, wallet.address);

      const again = await pollOnce(device, DEVICE_CLI, request.device_code);
      assert.equal(again.body.error, 'invalid_grant', 'a device code gives tokens once');
    });

    it('resources[0] must be this device request: the client’s redirect_uri or another code is resource_mismatch', async () => {
      const wallet = Wallet.createRandom();
      const request = await requestDeviceCode(device, DEVICE_TV);
      const other = await requestDeviceCode(device, DEVICE_TV);
      const uid = await startDeviceSignIn(person, request.user_code);
      for (const resources of [[RP_REDIRECT], [other.verification_uri_complete], [`${server.issuer}/device`], undefined]) {
        const refused = await signIn(person, uid, wallet, { resources });
        assert.equal(refused.status, 400, JSON.stringify(resources));
        assert.equal(refused.body.error, 'resource_mismatch');
        assert.match(refused.body.error_description, /this device request's verification URI/);
      }
      const login = await signIn(person, uid, wallet);
      assert.equal(login.status, 200, login.text);
      // A third-party client: the consent step, then the device is signed in.
      const done = await finish(person, login.body.redirectTo);
      assert.match(done.text, /Your device is signed in/);
      const tokens = await pollOnce(device, DEVICE_TV, request.device_code);
      assert.equal(tokens.status, 200, tokens.text);
      assert.equal((await pollOnce(device, DEVICE_TV, other.device_code)).body.error, 'authorization_pending');
    });

    it('a browser with a session still signs the device in with a fresh wallet signature', async () => {
      const wallet = Wallet.createRandom();
      const first = await requestDeviceCode(device, DEVICE_CLI);
      const login = await signIn(person, await startDeviceSignIn(person, first.user_code), wallet);
      await finish(person, login.body.redirectTo);
      assert.equal((await pollOnce(device, DEVICE_CLI, first.device_code)).status, 200);

      const second = await requestDeviceCode(device, DEVICE_CLI);
      const uid = await startDeviceSignIn(person, second.user_code);
      const view = await getInteraction(person, uid);
      assert.equal(view.prompt, 'login', 'no single sign-on into a device');
      assert.equal((await pollOnce(device, DEVICE_CLI, second.device_code)).body.error, 'authorization_pending');
    });

    it('Cancel on the confirmation page: the page says so, the device gets access_denied', async () => {
      const request = await requestDeviceCode(device, DEVICE_CLI);
      const confirmPage = await enterCode(person, request.user_code);
      const cancelled = await answerConfirmation(person, confirmPage.text, request.user_code, 'abort');
      assert.equal(cancelled.status, 200);
      assert.match(cancelled.text, /The sign-in was cancelled/);
      const denied = await pollOnce(device, DEVICE_CLI, request.device_code);
      assert.equal(denied.status, 400);
      assert.equal(denied.body.error, 'access_denied');
      const reused = await enterCode(person, request.user_code);
      assert.match(reused.text, /This code has already been used/);
    });

    it('Cancel on the sign-in page: the device gets access_denied, the interaction is over', async () => {
      const request = await requestDeviceCode(device, DEVICE_CLI);
      const uid = await startDeviceSignIn(person, request.user_code);
      const wallet = Wallet.createRandom();
      const message = messageFor(await getInteraction(person, uid), wallet.address);
      const abort = await person.post(`/interaction/${uid}/abort`).set('Accept', 'application/json').send({});
      assert.equal(abort.status, 200, abort.text);
      const back = await person.get(new URL(abort.body.redirectTo, server.issuer).pathname).redirects(0);
      assert.equal(back.status, 200);
      assert.match(back.text, /The sign-in was cancelled/);
      assert.equal((await pollOnce(device, DEVICE_CLI, request.device_code)).body.error, 'access_denied');
      const late = await postLogin(person, uid, message, await wallet.signMessage(message));
      assert.equal(late.body.error, 'invalid_interaction');
    });

    it('a client that did not register the grant cannot start one (oidc-provider answers invalid_request)', async () => {
      const response = await device
        .post('/device/auth')
        .set('Authorization', `Basic ${Buffer.from(`${FIRST_PARTY.client_id}:${FIRST_PARTY.client_secret}`).toString('base64')}`)
        .type('form')
        .send({ scope: 'openid' });
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.error, 'invalid_request', response.text);
      assert.match(response.body.error_description, /device_code is not allowed for this client/);
    });

    it('the pages speak German to a German browser', async () => {
      const request = await requestDeviceCode(device, DEVICE_CLI);
      const page = await person.get('/device').set('Accept-Language', 'de-DE,de;q=0.9');
      assert.match(page.text, /<h1>Ein Gerät anmelden<\/h1>/);
      assert.equal(page.headers['content-language'], 'de');
      const confirm = await person
        .post('/device')
        .set('Accept-Language', 'de')
        .type('form')
        .send({ xsrf: xsrfOf(page.text), user_code: request.user_code });
      assert.match(confirm.text, /Ein Gerät bei Device CLI anmelden\?/);
    });

    it('the link with the code (verification_uri_complete) fills the code in; nothing submits itself', async () => {
      const request = await requestDeviceCode(device, DEVICE_CLI);
      const { html } = await openCodePage(person, `?user_code=${request.user_code}`);
      assert.ok(html.includes(`value="${request.user_code}"`), 'the code is filled in');
      assert.doesNotMatch(html, /<script/, 'no script at all on the code page');
      // Given twice, or too long to be a code: not filled in.
      for (const query of [`?user_code=${request.user_code}&user_code=BBBB-BBBB`, `?user_code=${'B'.repeat(65)}`]) {
        const page = await openCodePage(person, query);
        assert.match(page.html, /name="user_code" value=""/, query);
      }
    });
  });

  describe(`device codes expire, ${backend} store`, function () {
    this.timeout(30_000);
    let server: TestServer;
    before(async () => {
      setLogLevel('error');
      // An INTERACTION_TTL of 2 s (the environment allows 60 s at least): the device request expires quickly.
      server = await startServer({ backend, clients: CLIENTS, config: { interactionTtl: 2 } });
    });
    after(async () => {
      await server?.close();
      setLogLevel('info');
    });

    it('expired_token to the device; the page says the code expired; a sign-in begun in time cannot finish', async () => {
      const device = supertest.agent(server.issuer);
      const person = supertest.agent(server.issuer);
      const wallet = Wallet.createRandom();
      const unused = await requestDeviceCode(device, DEVICE_CLI);
      const started = await requestDeviceCode(device, DEVICE_CLI);
      assert.equal(unused.expires_in, 2);
      const uid = await startDeviceSignIn(person, started.user_code);
      const view = await getInteraction(person, uid);
      await new Promise((resolve) => setTimeout(resolve, 2500));

      const expired = await pollOnce(device, DEVICE_CLI, unused.device_code);
      assert.equal(expired.status, 400);
      assert.equal(expired.body.error, 'expired_token');
      assert.equal((await pollOnce(device, DEVICE_CLI, started.device_code)).body.error, 'expired_token');
      const page = await enterCode(person, unused.user_code);
      assert.match(page.text, /This code has expired/);

      const message = messageFor(view, wallet.address);
      const late = await postLogin(person, uid, message, await wallet.signMessage(message));
      assert.equal(late.body.error, 'invalid_interaction');
    });
  });
}

describe('device codes and the in-memory store cap', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    setLogLevel('silent');
    server = await startServer({ clients: CLIENTS, env: { MEMORY_STORE_MAX_ENTRIES: '100', RATE_LIMITS: 'device=off' } });
  });
  after(async () => {
    await server?.close();
    setLogLevel('info');
  });

  it('at MEMORY_STORE_MAX_ENTRIES new device codes are refused with 503; those already issued still poll', async () => {
    const device = supertest.agent(server.issuer);
    const first = await requestDeviceCode(device, DEVICE_CLI);
    let refused: supertest.Response | undefined;
    for (let i = 0; i < 200 && !refused; i += 1) {
      const response = await device.post('/device/auth').type('form').send({ client_id: DEVICE_CLI.client_id, scope: 'openid' });
      if (response.status !== 200) refused = response;
    }
    assert.ok(refused, 'the cap was reached');
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.body.error, 'temporarily_unavailable');
    assert.equal((await pollOnce(device, DEVICE_CLI, first.device_code)).body.error, 'authorization_pending');
  });
});
