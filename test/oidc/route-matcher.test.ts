/**
 * The route matcher decides which oidc-provider route a request goes to, as
 * oidc-provider's own router does, so the limits in front of it
 * (limited-routes.ts) count every spelling the provider serves and nothing
 * else. Checked against the running provider with the registration limit (a
 * large corpus of spellings, each from its own client address), and on its own.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { setLogLevel } from '../../src/log.js';
import { RouteMatcher, fold, providerRoutes } from '../../src/oidc/route-matcher.js';
import { startServer, type TestServer } from '../support/server.js';

interface Raw {
  status: number;
  /** False when Node's HTTP parser refused the request before the app saw it. */
  reachedApp: boolean;
}

/** A request with the exact request target given (no URL normalization on the way). */
function raw(port: number, method: string, target: string, headers: Record<string, string>, body = ''): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, reachedApp: res.headers['content-type'] !== undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function caseVariants(word: string): string[] {
  const out: string[] = [];
  for (let mask = 0; mask < 2 ** word.length; mask += 1) {
    out.push([...word].map((char, i) => (mask & (1 << i) ? char.toUpperCase() : char)).join(''));
  }
  return out;
}

describe('the registration limit counts whatever the router routes to registration', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    setLogLevel('error');
    server = await startServer({ env: { REGISTRATION: 'open', RATE_LIMITS: 'registration=1/hour', TRUST_PROXY: '1' } });
    port = (server.server.address() as { port: number }).port;
  });
  after(async () => {
    await server.close();
    setLogLevel('info');
  });

  const body = JSON.stringify({ redirect_uris: ['https://rp.example.test/callback'] });
  const spellings = () => [
    ...caseVariants('reg').flatMap((reg) => [`/${reg}`, `/${reg}/`, `/${reg}?x=1`, `/${reg}/?x=1`, `/${reg}#f`]),
    '/reg//',
    '//reg',
    '///reg',
    '/./reg',
    '/reg/.',
    '/reg/..',
    '/x/../reg',
    '/reg;x',
    '/reg%20',
    '/reg%2f',
    '/reg%2F',
    '/reg/%2e',
    '/%72eg',
    '/%52EG',
    '/re%67',
    '/%2freg',
    '/reg/x',
    '/reg/x/',
    '/reg\\',
    '\\reg',
    '/r\u00c9g',
    '/reg\u00ff',
    'reg',
    '*',
    '/reg?',
    '/reg/?',
    '/REG//?x',
    '/reg/ ',
    `http://localhost:${port}/reg`,
    'http://evil.example/REG/',
    'HTTP://EVIL.EXAMPLE/Reg',
    'http://evil.example//reg',
    'https://evil.example/reg?x',
    'http://evil.example',
    'http://evil.example/',
    '/.well-known/../reg',
    '/auth/../reg',
  ];

  it('every spelling the provider serves is counted; one it does not serve is not', async () => {
    const routed: string[] = [];
    let n = 0;
    for (const spelling of spellings()) {
      n += 1;
      const from = { 'x-forwarded-for': `198.51.100.${n}` };
      let first: Raw;
      try {
        first = await raw(port, 'POST', spelling, from, body);
      } catch {
        continue; // Node's client refuses to send it: nobody can.
      }
      const served = first.reachedApp && first.status !== 404;
      if (served) routed.push(spelling);
      const second = await raw(port, 'POST', '/reg', from, body);
      assert.equal(
        second.status,
        served ? 429 : 201,
        `${JSON.stringify(spelling)} answered ${first.status}: ${served ? 'not counted' : 'counted although not routed'}`,
      );
    }
    for (const spelling of ['/REG', '/reg/', '/Reg/?x=1', 'http://evil.example/REG/']) assert.ok(routed.includes(spelling), spelling);
  });

  it("the matcher names the provider's routes", () => {
    const routes = providerRoutes(server.provider);
    assert.equal(routes.match('POST', '/REG/')?.name, 'registration');
    assert.deepEqual(routes.match('PUT', '/Reg/some%20client'), { name: 'client_update', params: { clientId: 'some client' } });
    assert.equal(routes.match('GET', '/reg'), undefined);
    assert.equal(routes.match('GET', '/AUTH')?.name, 'authorization');
    assert.equal(routes.match('HEAD', '/auth/')?.name, 'authorization');
    assert.equal(routes.match('GET', '/auth/abc')?.name, 'resume');
    assert.equal(routes.match('POST', '/Token')?.name, 'token');
    assert.equal(routes.match('GET', '/session/END')?.name, 'end_session');
    assert.equal(routes.match('POST', '/session/end/confirm/')?.name, 'end_session_confirm');
    assert.equal(routes.match('GET', '/.well-known/OPENID-configuration')?.name, 'discovery');
    assert.equal(routes.match('POST', '/Device/Auth/')?.name, 'device_authorization');
    assert.equal(routes.match('GET', '/DEVICE')?.name, 'code_verification');
    assert.equal(routes.match('POST', '/device/')?.name, 'code_verification');
    assert.equal(routes.match('GET', '/device/auth')?.name, 'device_resume', 'the device authorization endpoint is POST only');
    assert.deepEqual(routes.match('GET', '/device/abc'), { name: 'device_resume', params: { uid: 'abc' } });
    assert.equal(routes.match('POST', '/interaction/abc/login'), undefined, "our own routes are not oidc-provider's");
  });
});

describe('RouteMatcher', () => {
  const matcher = new RouteMatcher([
    { name: 'static', method: 'GET', path: '/a/b' },
    { name: 'dynamic', method: 'GET', path: '/a/:id' },
    { name: 'first', method: 'POST', path: '/x' },
    { name: 'second', method: 'POST', path: '/X' },
  ]);

  it('folds case as oidc-provider does, never a non-ASCII character into ASCII', () => {
    assert.equal(fold('/reg'), '/REG');
    assert.equal(fold('/ſ\u0131'), '/ſ\u0131', 'long s and dotless i stay');
    assert.equal(fold('/straße'), '/STRAßE', 'ß would become two characters');
    assert.equal(fold('/é'), '/É');
  });

  it('matches static before dynamic, the first registration of a path, one trailing slash, GET as HEAD', () => {
    assert.equal(matcher.match('GET', '/A/B')?.name, 'static');
    assert.deepEqual(matcher.match('GET', '/a/c%2Fd'), { name: 'dynamic', params: { id: 'c/d' } });
    assert.deepEqual(
      matcher.match('HEAD', '/a/%E0%A4%A'),
      { name: 'dynamic', params: { id: '%E0%A4%A' } },
      'an undecodable parameter stays as is',
    );
    assert.equal(matcher.match('GET', '/a//'), undefined, 'an empty parameter');
    assert.equal(matcher.match('POST', '/x/')?.name, 'first');
    assert.equal(matcher.match('POST', '/x//'), undefined);
    assert.equal(matcher.match('PUT', '/x'), undefined);
    assert.equal(matcher.match('GET', '/ſ'), undefined);
  });
});
