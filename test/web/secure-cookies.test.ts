/**
 * An https issuer makes every cookie Secure and every response carry HSTS,
 * with TRUST_PROXY off and the server itself speaking plain http (a TLS proxy
 * that does not forward X-Forwarded-Proto). A whole sign-in runs that way, so
 * the cookies library, which refuses to send a Secure cookie on a request it
 * does not see as secure, sees every request as secure.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import Koa from 'koa';
import supertest from 'supertest';
import { HSTS, hsts } from '../../src/web/hsts.js';
import { FIRST_PARTY } from '../support/test-clients.js';
import { authorizeUrl, messageFor, newAuthRequest } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

/** What a browser behind the TLS proxy would send back: the latest value of each cookie. */
class Jar {
  readonly #cookies = new Map<string, string>();
  readonly seen: string[] = [];

  take(response: supertest.Response): void {
    for (const cookie of ([] as string[]).concat(response.headers['set-cookie'] ?? [])) {
      this.seen.push(cookie);
      const [pair = ''] = cookie.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/expires=Thu, 01 Jan 1970/i.test(cookie)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair);
    }
  }

  get header(): string {
    return [...this.#cookies.values()].join('; ');
  }
}

describe('an https issuer without TRUST_PROXY: Secure cookies and HSTS', () => {
  let server: TestServer;
  let http: ReturnType<typeof supertest>;
  before(async () => {
    server = await startServer({ env: { ISSUER: 'https://id.example.test' } });
    http = supertest(`http://127.0.0.1:${(server.server.address() as { port: number }).port}`);
  });
  after(() => server.close());

  it('signs a wallet in over plain http with every cookie Secure', async () => {
    const jar = new Jar();
    const request = newAuthRequest(FIRST_PARTY.client_id);
    const start = await http.get(authorizeUrl(request)).redirects(0);
    assert.equal(start.status, 303, start.text);
    jar.take(start);
    const uid = new URL(start.headers.location!, server.issuer).pathname.split('/')[2]!;
    const view = await http.get(`/interaction/${uid}`).set('Accept', 'application/json').set('Cookie', jar.header);
    assert.equal(view.status, 200, view.text);
    jar.take(view);
    const wallet = Wallet.createRandom();
    const message = messageFor(view.body, wallet.address);
    const login = await http
      .post(`/interaction/${uid}/login`)
      .set('Accept', 'application/json')
      .set('Cookie', jar.header)
      .send({ message, signature: await wallet.signMessage(message) });
    assert.equal(login.status, 200, login.text);
    jar.take(login);
    assert.equal(login.body.redirectTo, `https://id.example.test/auth/${uid}`);
    const resume = await http.get(new URL(login.body.redirectTo).pathname).set('Cookie', jar.header).redirects(0);
    assert.equal(resume.status, 303, resume.text);
    jar.take(resume);
    const callback = new URL(resume.headers.location!);
    assert.equal(callback.origin + callback.pathname, FIRST_PARTY.redirect_uris![0]);
    assert.ok(callback.searchParams.get('code'), resume.headers.location);
    assert.ok(
      jar.seen.some((cookie) => cookie.startsWith('_session=')),
      'a session cookie was set',
    );
    for (const cookie of jar.seen) assert.match(cookie, /;\s*secure/i, cookie);
  });

  it('sends Strict-Transport-Security on every response, errors included', async () => {
    for (const [path, status] of [
      ['/.well-known/openid-configuration', 200],
      ['/healthz', 200],
      ['/static/login.js', 200],
      ['/no-such-path', 404],
      ['/auth?client_id=unknown&response_type=code&scope=openid', 400],
      ['/interaction/unknown-uid', 400],
    ] as const) {
      const response = await http.get(path).set('Accept', 'application/json');
      assert.equal(response.status, status, `${path}: ${response.text}`);
      assert.equal(response.headers['strict-transport-security'], HSTS, path);
    }
  });

  it("keeps HSTS on an error that reaches Koa's own error response", async () => {
    const app = new Koa();
    app.silent = true;
    app.use(hsts('https://id.example.test'));
    app.use((ctx) => ctx.throw(418, 'thrown'));
    const response = await supertest(app.callback()).get('/');
    assert.equal(response.status, 418);
    assert.equal(response.headers['strict-transport-security'], HSTS);
  });

  it('sends no HSTS for an http issuer', async () => {
    const plain = await startServer();
    try {
      const response = await fetch(`${plain.issuer}/.well-known/openid-configuration`);
      assert.equal(response.headers.get('strict-transport-security'), null);
    } finally {
      await plain.close();
    }
  });
});
