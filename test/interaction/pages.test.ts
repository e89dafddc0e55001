/**
 * The interaction as a person's browser meets it: HTML pages with a strict
 * CSP, plain HTML forms answered with 303s, consent, abort, and the error page.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { FIRST_PARTY, RP_REDIRECT, THIRD_PARTY } from '../support/test-clients.js';
import { authorizeUrl, follow, getInteraction, messageFor, newAuthRequest, startInteraction, type Agent } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

describe('interaction pages and forms', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('serves the login page with a strict Content-Security-Policy and its script from our origin', async () => {
    const agent = supertest.agent(server.issuer);
    const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    const page = await agent.get(`/interaction/${uid}`).set('Accept', 'text/html');
    assert.equal(page.status, 200);
    const csp = page.headers['content-security-policy'] ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.text, /<script src="\/static\/login\.js"><\/script>/);
    assert.doesNotMatch(page.text, /<script>(?!<)/, 'no inline script');
    assert.doesNotMatch(page.text, /https?:\/\/(?!127\.0\.0\.1:9999)[^"'\s<]*\.(js|css)/, 'no third-party assets');
    const script = await agent.get('/static/login.js');
    assert.equal(script.status, 200);
    assert.match(script.headers['content-type'] ?? '', /javascript/);
    const cached = await agent.get('/static/login.js').set('If-None-Match', script.headers.etag!);
    assert.equal(cached.status, 304);
  });

  it('accepts a plain HTML form login (CRLF line breaks) and answers 303 to the consent page, then Allow → code', async () => {
    const agent = supertest.agent(server.issuer);
    const wallet = Wallet.createRandom();
    const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(THIRD_PARTY.client_id)));
    const view = await getInteraction(agent, uid);
    const message = messageFor(view, wallet.address);
    const signature = await wallet.signMessage(message);
    const posted = await agent
      .post(`/interaction/${uid}/login`)
      .type('form')
      .send({ message: message.replace(/\n/g, '\r\n'), signature })
      .redirects(0);
    assert.equal(posted.status, 303, posted.text);
    const consent = await follow(agent, posted.headers.location!);
    assert.match(consent.pathname, /^\/interaction\//);
    const page = await agent.get(consent.pathname).set('Accept', 'text/html');
    assert.match(page.text, /Allow/);
    assert.match(page.text, /Third Party App/);
    assert.match(page.text, new RegExp(wallet.address));
    const allowed = await agent.post(`${consent.pathname}/confirm`).type('form').send({}).redirects(0);
    assert.equal(allowed.status, 303);
    const callback = await follow(agent, allowed.headers.location!);
    assert.equal(`${callback.origin}${callback.pathname}`, RP_REDIRECT);
    assert.ok(callback.searchParams.get('code'));
  });

  it('Deny on the consent page sends the RP access_denied', async () => {
    const agent = supertest.agent(server.issuer);
    const wallet = Wallet.createRandom();
    const request = newAuthRequest(THIRD_PARTY.client_id);
    const uid = await startInteraction(agent, authorizeUrl(request));
    const view = await getInteraction(agent, uid);
    const message = messageFor(view, wallet.address);
    const login = await agent
      .post(`/interaction/${uid}/login`)
      .set('Accept', 'application/json')
      .send({ message, signature: await wallet.signMessage(message) });
    const consent = await follow(agent, login.body.redirectTo);
    const consentView = await getInteraction(agent, consent.pathname.split('/')[2]!);
    assert.equal(consentView.prompt, 'consent');
    assert.equal(consentView.siwe, null);
    assert.equal(consentView.account, wallet.address);
    assert.equal(consentView.client.client_name, 'Third Party App');
    assert.equal(consentView.client.policy_uri, 'https://third.example/privacy');
    const denied = await agent.post(`${consent.pathname}/abort`).set('Accept', 'application/json').send({});
    const callback = await follow(agent, denied.body.redirectTo);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), request.state);
  });

  it('Cancel on the login page sends the RP access_denied', async () => {
    const agent = supertest.agent(server.issuer);
    const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    const cancelled = await agent.post(`/interaction/${uid}/abort`).type('form').send({}).redirects(0);
    assert.equal(cancelled.status, 303);
    const callback = await follow(agent, cancelled.headers.location!);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
  });

  it('builds the exact message for an address on request, and refuses bad input', async () => {
    const agent: Agent = supertest.agent(server.issuer);
    const wallet = Wallet.createRandom();
    const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    const view = await getInteraction(agent, uid);
    const built = await agent
      .get(`/interaction/${uid}/message?address=${wallet.address.toLowerCase()}&chainId=1`)
      .set('Accept', 'application/json');
    assert.equal(built.status, 200, built.text);
    assert.equal(built.body.address, wallet.address);
    assert.equal(built.body.message, messageFor(view, wallet.address));
    const badChain = await agent.get(`/interaction/${uid}/message?address=${wallet.address}&chainId=5`).set('Accept', 'application/json');
    assert.equal(badChain.body.error, 'chain_not_allowed');
    const badAddress = await agent.get(`/interaction/${uid}/message?address=0x12&chainId=1`).set('Accept', 'application/json');
    assert.equal(badAddress.body.error, 'invalid_request');
    const login = await agent
      .post(`/interaction/${uid}/login`)
      .set('Accept', 'application/json')
      .send({ message: built.body.message, signature: await wallet.signMessage(built.body.message) });
    assert.equal(login.status, 200, login.text);
  });

  it('shows a readable error page with a reference id and no stack trace for an unknown interaction', async () => {
    const page = await supertest(server.issuer).get('/interaction/does-not-exist').set('Accept', 'text/html');
    assert.equal(page.status, 400);
    assert.match(page.text, /invalid_interaction/);
    assert.match(page.text, /Reference: <code>[\w-]+<\/code>/);
    assert.doesNotMatch(page.text, /\.(ts|js):\d+/);
    const json = await supertest(server.issuer).get('/interaction/does-not-exist').set('Accept', 'application/json');
    assert.equal(json.body.error, 'invalid_interaction');
  });

  it('answers /healthz and /readyz', async () => {
    const alive = await supertest(server.issuer).get('/healthz');
    assert.deepEqual(alive.body, { status: 'ok' });
    const ready = await supertest(server.issuer).get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.store, 'memory');
  });
});
