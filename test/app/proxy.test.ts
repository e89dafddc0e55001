/** Behind a TLS-terminating proxy (TRUST_PROXY=true, one hop) with an https issuer. */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { FIRST_PARTY } from '../support/test-clients.js';
import { authorizeUrl, messageFor, newAuthRequest, type Agent } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

describe('behind a TLS-terminating proxy', () => {
  let server: TestServer;
  let direct: string;
  before(async () => {
    server = await startServer({ env: { ISSUER: 'https://id.example.test', TRUST_PROXY: 'true' } });
    direct = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  const proxied = (request: supertest.Test) => request.set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'id.example.test');

  it('advertises https endpoints and the SIWE domain of the public host', async () => {
    const discovery = await proxied(supertest(direct).get('/.well-known/openid-configuration'));
    assert.equal(discovery.body.issuer, 'https://id.example.test');
    assert.equal(discovery.body.authorization_endpoint, 'https://id.example.test/auth');
    assert.equal(server.settings.config.siweDomain, 'id.example.test');
  });

  it('sets Secure cookies and completes a login through the proxy headers', async () => {
    const agent: Agent = supertest.agent(direct);
    const start = await proxied(agent.get(authorizeUrl(newAuthRequest(FIRST_PARTY.client_id))).redirects(0));
    assert.equal(start.status, 303);
    const cookies = ([] as string[]).concat(start.headers['set-cookie'] ?? []);
    assert.ok(cookies.length > 0 && cookies.every((cookie) => /;\s*secure/i.test(cookie)), cookies.join('\n'));
    // Secure cookies are not sent over http by a cookie jar; replay them by hand as the proxy would.
    const cookieHeader = cookies.map((cookie) => cookie.split(';')[0]).join('; ');
    const uid = new URL(start.headers.location!, 'https://id.example.test').pathname.split('/')[2]!;
    const view = await proxied(supertest(direct).get(`/interaction/${uid}`).set('Accept', 'application/json').set('Cookie', cookieHeader));
    assert.equal(view.status, 200, view.text);
    assert.equal(view.body.siwe.domain, 'id.example.test');
    assert.equal(view.body.siwe.uri, 'https://id.example.test');
    const wallet = Wallet.createRandom();
    const message = messageFor(view.body, wallet.address);
    const login = await proxied(
      supertest(direct)
        .post(`/interaction/${uid}/login`)
        .set('Accept', 'application/json')
        .set('Cookie', cookieHeader)
        .send({ message, signature: await wallet.signMessage(message) }),
    );
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.redirectTo, `https://id.example.test/auth/${uid}`);
  });

  it('with TRUST_PROXY off, still takes the origin from the issuer alone: Secure cookies, https URLs', async () => {
    const plain = await startServer({ env: { ISSUER: 'https://id.example.test' } });
    try {
      const port = (plain.server.address() as { port: number }).port;
      const forged = (request: supertest.Test) => request.set('X-Forwarded-Proto', 'http').set('X-Forwarded-Host', 'evil.example');
      const start = await forged(
        supertest(`http://127.0.0.1:${port}`)
          .get(authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)))
          .redirects(0),
      );
      const cookies = ([] as string[]).concat(start.headers['set-cookie'] ?? []);
      assert.ok(cookies.length > 0 && cookies.every((cookie) => /;\s*secure/i.test(cookie)), cookies.join('\n'));
      const discovery = await forged(supertest(`http://127.0.0.1:${port}`).get('/.well-known/openid-configuration'));
      assert.equal(discovery.body.token_endpoint, 'https://id.example.test/token');
      assert.match(plain.settings.warnings.join('\n'), /TRUST_PROXY is off/);
    } finally {
      await plain.close();
    }
  });
});
