/**
 * The per-client-address limits against the running server, on both stores:
 * every spelling of a path that its router routes to a limited handler counts
 * (case, one trailing slash, a query), and nothing else does; a refusal is 429
 * with Retry-After, a page for a person and JSON for a program; another client
 * address is not affected; RATE_LIMITS=off and the REGISTRATION_RATE_LIMIT
 * alias; and with the store down the limited routes fail closed (503).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import type { LimitName } from '../../src/config/rate-limits.js';
import { setLogLevel } from '../../src/log.js';
import { fold } from '../../src/oidc/route-matcher.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { MEMORY_ONLY } from '../support/storage-backends.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request with the exact request target given (no URL normalization on the way). */
function raw(port: number, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: target, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let addresses = 0;
/** A client address nobody has used yet (TRUST_PROXY=1 believes the last X-Forwarded-For entry). */
function freshAddress(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

interface LimitedRoute {
  limit: LimitName;
  method: string;
  /** As its router knows it, spelled as a client normally does. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Routed elsewhere or nowhere: must not count. */
  elsewhere: string[];
}

const JSON_BODY = { 'content-type': 'application/json' };
const FORM_BODY = { 'content-type': 'application/x-www-form-urlencoded' };

const ROUTES: LimitedRoute[] = [
  { limit: 'auth', method: 'GET', path: '/auth', elsewhere: ['/auth//', '/auth/some-uid', '//auth', '/%61uth', '/authx'] },
  { limit: 'auth', method: 'HEAD', path: '/auth', elsewhere: [] },
  {
    limit: 'token',
    method: 'POST',
    path: '/token',
    headers: FORM_BODY,
    body: 'grant_type=authorization_code&code=x',
    elsewhere: ['/token//', '/token/revocation', '/token/introspection', '/%74oken'],
  },
  { limit: 'session_end', method: 'GET', path: '/session/end', elsewhere: ['/session/end//', '/session/end/success', '/session//end'] },
  {
    limit: 'session_end',
    method: 'POST',
    path: '/session/end/confirm',
    headers: FORM_BODY,
    body: 'xsrf=x',
    elsewhere: ['/session/end/confirm//'],
  },
  {
    limit: 'registration',
    method: 'POST',
    path: '/reg',
    headers: JSON_BODY,
    body: JSON.stringify({ redirect_uris: ['https://rp.example.test/callback'] }),
    elsewhere: ['/reg//', '/reg/some-client', '/%72eg', '/reg%2f'],
  },
  {
    limit: 'device',
    method: 'POST',
    path: '/device/auth',
    headers: FORM_BODY,
    body: 'client_id=device-cli&scope=openid',
    elsewhere: ['/device/auth//', '/device/auth/x', '/%64evice/auth', '/device'],
  },
  { limit: 'user_code', method: 'GET', path: '/device', elsewhere: ['/device//', '/device/some-uid', '/%64evice', '/devices'] },
  {
    limit: 'user_code',
    method: 'POST',
    path: '/device',
    headers: FORM_BODY,
    body: 'xsrf=x&user_code=BBBB-BBBB',
    elsewhere: ['/device//', '/device/auth'],
  },
  {
    limit: 'login',
    method: 'POST',
    path: '/interaction/some-uid/login',
    headers: { ...JSON_BODY, accept: 'application/json' },
    body: JSON.stringify({ message: 'x', signature: 'y' }),
    elsewhere: [
      '/interaction/some-uid/login//',
      '/interaction//login',
      '//interaction/some-uid/login',
      '/interaction/some-uid/%6cogin',
      '/interaction/some-uid/login/x',
      '/interaction/some-uid/confirm',
    ],
  },
];

/** The same path in other cases: upper, capitalized segments, alternating; fold() says they are one path. */
function caseVariants(path: string): string[] {
  const alternate = (start: number) =>
    [...path].map((char, i) => ((i + start) % 2 === 0 ? char.toUpperCase() : char.toLowerCase())).join('');
  const capitalized = path.replace(/\/([a-z])/g, (_all, letter: string) => `/${letter.toUpperCase()}`);
  return [...new Set([path, path.toUpperCase(), capitalized, alternate(0), alternate(1)])];
}

/** Every spelling its router routes to it: each case, with and without one trailing slash, with a query. */
function spellings(path: string): string[] {
  return caseVariants(path).flatMap((variant) => [variant, `${variant}/`, `${variant}?x=1`, `${variant}/?x=1`]);
}

function assertTooMany(response: Raw, label: string): void {
  assert.equal(response.status, 429, `${label}: ${response.status} ${response.text.slice(0, 200)}`);
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600,
    `${label}: Retry-After ${response.headers['retry-after']}`,
  );
  assert.match(String(response.headers['cache-control']), /no-store/, label);
}

const SMALL = 'auth=1/minute,token=1/minute,login=1/minute,session_end=1/minute,registration=1/hour,device=1/minute,user_code=1/minute';

for (const backend of BACKENDS) {
  describe(`the per-address limits, ${backend} store`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let port: number;
    before(async () => {
      setLogLevel('error');
      server = await startServer({ backend, env: { RATE_LIMITS: SMALL, REGISTRATION: 'open', TRUST_PROXY: '1' } });
      port = (server.server.address() as { port: number }).port;
    });
    after(async () => {
      await server?.close();
      setLogLevel('info');
    });

    const send = (route: LimitedRoute, target: string, from: string, extra: Record<string, string> = {}) =>
      raw(
        port,
        route.method,
        target,
        { ...route.headers, 'x-forwarded-for': from, ...extra },
        route.method === 'HEAD' || route.method === 'GET' ? '' : route.body,
      );

    for (const route of ROUTES) {
      it(`${route.method} ${route.path}: every routed spelling counts against ${route.limit}, nothing else does`, async () => {
        for (const spelling of spellings(route.path)) {
          assert.equal(fold(spelling.split('?')[0]!.replace(/(.)\/$/, '$1')), fold(route.path), spelling);
          const from = freshAddress();
          const first = await send(route, spelling, from);
          assert.notEqual(first.status, 404, `${spelling} is routed`);
          assert.notEqual(first.status, 429, `${spelling}: the first request is allowed`);
          assertTooMany(await send(route, route.path, from), `${spelling} then ${route.path}`);
          // Another client address has its own count.
          assert.notEqual((await send(route, route.path, freshAddress())).status, 429, `${spelling}: another address`);
        }
        for (const spelling of route.elsewhere) {
          const from = freshAddress();
          await send(route, spelling, from);
          const second = await send(route, route.path, from);
          assert.notEqual(second.status, 429, `${spelling} was counted against ${route.limit}`);
        }
      });
    }

    it('refuses a person with the error page, a program with JSON', async () => {
      const page = async (method: string, path: string, headers: Record<string, string> = {}, body = '') => {
        const from = freshAddress();
        await raw(port, method, path, { ...headers, 'x-forwarded-for': from }, body);
        return raw(port, method, path, { ...headers, 'x-forwarded-for': from }, body);
      };
      for (const [label, response] of [
        ['GET /auth', await page('GET', '/auth?client_id=first-party')],
        ['GET /session/end', await page('GET', '/session/end')],
        ['a login form', await page('POST', '/interaction/some-uid/login', FORM_BODY, 'message=x&signature=y')],
        ['the user-code page', await page('GET', '/device')],
      ] as const) {
        assertTooMany(response, label);
        assert.match(String(response.headers['content-type']), /text\/html/, label);
        assert.match(response.text, /too_many_requests/, label);
        assert.match(response.text, /try again in \d+ s/, label);
        assert.match(String(response.headers['content-security-policy']), /default-src 'none'/, label);
      }
      for (const [label, response] of [
        ['POST /token', await page('POST', '/token', FORM_BODY, 'grant_type=x')],
        ['POST /reg', await page('POST', '/reg', JSON_BODY, '{}')],
        ['POST /device/auth', await page('POST', '/device/auth', FORM_BODY, 'client_id=device-cli')],
        ['the login API', await page('POST', '/interaction/some-uid/login', { ...JSON_BODY, accept: 'application/json' }, '{}')],
        ['GET /auth asking for JSON', await page('GET', '/auth', { accept: 'application/json' })],
      ] as const) {
        assertTooMany(response, label);
        assert.match(String(response.headers['content-type']), /application\/json/, label);
        const body = JSON.parse(response.text) as { error: string; error_description: string };
        assert.equal(body.error, 'too_many_requests', label);
        assert.match(body.error_description, /\(at most 1 in an? (minute|hour)\); try again in \d+ s$/, label);
      }
    });
  });
}

describe('RATE_LIMITS=off and the REGISTRATION_RATE_LIMIT alias', function () {
  this.timeout(20_000);
  const servers: TestServer[] = [];
  before(() => setLogLevel('error'));
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    setLogLevel('info');
  });

  async function start(env: Record<string, string>): Promise<number> {
    const server = await startServer({ env: { REGISTRATION: 'open', ...env } });
    servers.push(server);
    return (server.server.address() as { port: number }).port;
  }

  const register = (port: number) =>
    raw(port, 'POST', '/reg', JSON_BODY, JSON.stringify({ redirect_uris: ['https://rp.example.test/callback'] }));

  it('off: nothing is limited, the alias neither', async () => {
    const port = await start({ RATE_LIMITS: 'off', REGISTRATION_RATE_LIMIT: '1/hour' });
    for (let i = 0; i < 3; i += 1) assert.equal((await register(port)).status, 201);
    for (let i = 0; i < 70; i += 1) assert.notEqual((await raw(port, 'GET', '/auth')).status, 429);
  });

  it('REGISTRATION_RATE_LIMIT limits registrations as registration= does', async () => {
    const port = await start({ REGISTRATION_RATE_LIMIT: '1/hour' });
    assert.equal((await register(port)).status, 201);
    const refused = await register(port);
    assertTooMany(refused, 'the second registration');
    assert.ok(Number(refused.headers['retry-after']) > 60, 'the window is an hour');
  });

  it('one limit off leaves the others on', async () => {
    const port = await start({ RATE_LIMITS: 'token=off,auth=1/minute' });
    for (let i = 0; i < 3; i += 1) assert.notEqual((await raw(port, 'POST', '/token', FORM_BODY, 'grant_type=x')).status, 429);
    await raw(port, 'GET', '/auth');
    assertTooMany(await raw(port, 'GET', '/auth'), 'auth');
  });
});

// A private redis-server: not under `npm run test:unit` (TEST_BACKENDS=memory), which needs no Redis.
(MEMORY_ONLY ? describe.skip : describe)('the limited routes when the store is down', function () {
  this.timeout(30_000);
  let redisPort: number;
  let redis: ChildProcess | undefined;
  let server: TestServer;
  let port: number;

  before(async () => {
    setLogLevel('silent');
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    server = await startServer({ backend: 'redis', redisUrl: `redis://127.0.0.1:${redisPort}`, env: { REGISTRATION: 'open' } });
    port = (server.server.address() as { port: number }).port;
  });
  after(async () => {
    await server?.close().catch(() => undefined);
    await kill(redis);
    setLogLevel('info');
  });

  it('fail closed: 503 temporarily_unavailable, quickly, and count again once Redis is back', async () => {
    assert.equal((await raw(port, 'GET', '/auth')).status, 400, 'up: the request reaches the endpoint');
    await kill(redis);
    const cases: Array<[string, () => Promise<Raw>, 'page' | 'json']> = [
      ['GET /auth', () => raw(port, 'GET', '/AUTH/'), 'page'],
      ['POST /token', () => raw(port, 'POST', '/token', FORM_BODY, 'grant_type=x'), 'json'],
      ['GET /session/end', () => raw(port, 'GET', '/session/end'), 'page'],
      ['POST /reg', () => raw(port, 'POST', '/reg', JSON_BODY, '{}'), 'json'],
      ['the login API', () => raw(port, 'POST', '/interaction/x/login', { ...JSON_BODY, accept: 'application/json' }, '{}'), 'json'],
    ];
    for (const [label, send] of cases) {
      const started = performance.now();
      const response = await send();
      assert.ok(performance.now() - started < 3000, `${label} took too long`);
      assert.equal(response.status, 503, `${label}: ${response.text.slice(0, 200)}`);
      assert.match(response.text, /temporarily_unavailable/, label);
      assert.match(String(response.headers['content-type']), label.startsWith('GET') ? /text\/html/ : /application\/json/, label);
    }
    redis = await startRedis(redisPort);
    const deadline = Date.now() + 15_000;
    while ((await raw(port, 'GET', '/auth')).status === 503) {
      assert.ok(Date.now() < deadline, 'the limits did not recover within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
