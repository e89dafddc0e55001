/**
 * Bad input at the user-code page (GET and POST /device) and the device
 * routes around it, on both stores: garbage and oversized codes, stale or
 * missing form secrets, other content types, repeated fields, unknown resume
 * uids. No answer is a 5xx; a page keeps our headers (strict CSP) and shows
 * no reflected markup; and a live device request is untouched by it all.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { setLogLevel } from '../../src/log.js';
import { DEVICE_CLI, openCodePage, pollOnce, requestDeviceCode, startDeviceSignIn, xsrfOf } from '../support/device.js';
import type { Agent } from '../support/flow.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { TEST_CLIENTS } from '../support/test-clients.js';

const GARBAGE_CODES = [
  '',
  ' ',
  '-',
  'BBBB-BBBB',
  'bcdf ghjk',
  'AEIO-U123',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE codes; --",
  'BCDF\u0000GHJK',
  'ＢＣＤＦ-ＧＨＪＫ',
  '\u202eKJHG-FDCB',
  '../../etc/passwd',
  '%00%2e%2e',
  'B'.repeat(64),
  'B'.repeat(65),
  'B'.repeat(10_000),
  '🦊🦊🦊🦊-🦊🦊🦊🦊',
];

function assertPage(response: supertest.Response, label: string): void {
  assert.ok(response.status < 500, `${label}: ${response.status} ${response.text.slice(0, 300)}`);
  if (/text\/html/.test(String(response.headers['content-type']))) {
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/, `${label}: our page, with our CSP`);
    assert.doesNotMatch(response.text, /<script>alert|<img src=x/, `${label}: nothing reflected as markup`);
    assert.doesNotMatch(response.text, /<script(?![^>]*type="application\/json")/, `${label}: no script`);
  } else if (response.status !== 404 && response.status !== 405) {
    assert.equal(typeof response.body.error, 'string', `${label}: a JSON error`);
  }
}

for (const backend of BACKENDS) {
  describe(`the user-code page refuses bad input without a 5xx, ${backend} store`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let person: Agent;
    before(async () => {
      setLogLevel('silent');
      // The user_code limit (30 a minute) would stop the corpus; its own test is in limited-routes.test.ts.
      server = await startServer({ backend, clients: [...TEST_CLIENTS, DEVICE_CLI], env: { RATE_LIMITS: 'user_code=off' } });
    });
    after(async () => {
      await server?.close();
      setLogLevel('info');
    });
    beforeEach(() => {
      person = supertest.agent(server.issuer);
    });

    it('garbage and oversized codes: the page again, with the problem', async () => {
      for (const code of GARBAGE_CODES) {
        const { xsrf } = await openCodePage(person);
        const response = await person.post('/device').type('form').send({ xsrf, user_code: code });
        assertPage(response, JSON.stringify(code.slice(0, 40)));
        assert.equal(response.status, 200, JSON.stringify(code.slice(0, 40)));
        assert.match(response.text, /No sign-in request has this code|Enter the code your device shows/, JSON.stringify(code.slice(0, 40)));
        // The confirmation and the abort with a garbage code are refused the same way.
        for (const answer of ['confirm', 'abort']) {
          const again = await openCodePage(person);
          const answered = await person
            .post('/device')
            .type('form')
            .send({ xsrf: again.xsrf, user_code: code, [answer]: 'yes' });
          assertPage(answered, `${answer} ${JSON.stringify(code.slice(0, 40))}`);
        }
      }
    });

    it('a missing, stale or forged form secret; repeated fields; no form at all', async () => {
      const { xsrf } = await openCodePage(person);
      const cases: Array<[string, () => supertest.Test]> = [
        ['no xsrf', () => person.post('/device').type('form').send({ user_code: 'BBBB-BBBB' })],
        [
          'forged xsrf',
          () =>
            person
              .post('/device')
              .type('form')
              .send({ xsrf: 'f'.repeat(48), user_code: 'BBBB-BBBB' }),
        ],
        ['another browser', () => supertest(server.issuer).post('/device').type('form').send({ xsrf, user_code: 'BBBB-BBBB' })],
        ['xsrf twice', () => person.post('/device').type('form').send(`xsrf=${xsrf}&xsrf=${xsrf}&user_code=BBBB-BBBB`)],
        ['user_code twice', () => person.post('/device').type('form').send(`xsrf=${xsrf}&user_code=BBBB-BBBB&user_code=CCCC-CCCC`)],
        ['empty body', () => person.post('/device').type('form').send('')],
        [
          'JSON',
          () =>
            person
              .post('/device')
              .set('Content-Type', 'application/json')
              .send(JSON.stringify({ xsrf, user_code: 'B' })),
        ],
        ['text', () => person.post('/device').set('Content-Type', 'text/plain').send(`xsrf=${xsrf}&user_code=B`)],
        ['multipart', () => person.post('/device').field('xsrf', xsrf).field('user_code', 'BBBB-BBBB')],
        ['broken form encoding', () => person.post('/device').type('form').send(`xsrf=${xsrf}&user_code=%E0%A4%A`)],
        [
          'a body over 56 KB',
          () =>
            person
              .post('/device')
              .type('form')
              .send(`xsrf=${xsrf}&user_code=${'B'.repeat(60_000)}`),
        ],
        ['PUT', () => person.put('/device').type('form').send({ xsrf, user_code: 'B' })],
        ['GET with the code twice', () => person.get('/device?user_code=BBBB-BBBB&user_code=CCCC-CCCC')],
        ['GET with a huge code', () => person.get(`/device?user_code=${'B'.repeat(6000)}`)],
        ['GET with a broken query', () => person.get('/device?user_code=%E0%A4%A&x=%')],
        ['resume of an unknown uid', () => person.get('/device/no-such-uid')],
        ['resume with garbage', () => person.get('/device/%00%3Cscript%3E')],
        ['device authorization without a client', () => person.post('/device/auth').type('form').send({ scope: 'openid' })],
        ['device authorization as JSON', () => person.post('/device/auth').set('Content-Type', 'application/json').send('{}')],
        [
          'token with a garbage device code',
          () =>
            person
              .post('/token')
              .type('form')
              .send({ client_id: 'device-cli', grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: '<x>' }),
        ],
      ];
      for (const [label, send] of cases) assertPage(await send(), label);
      // A form from a browser without a session (cookies cleared, or another browser): the page asks again.
      const stale = await supertest(server.issuer).post('/device').type('form').send({ xsrf, user_code: 'BCDF-GHJK' });
      assert.equal(stale.status, 400);
      assert.match(stale.text, /This page had expired/);
      assert.match(stale.text, /<form id="device-form" method="get" action="[^"]+\/device">/);
      assert.match(stale.text, /name="user_code" value="BCDF-GHJK"/);
    });

    it('after all that, a live device request is untouched and signs in', async () => {
      const device = supertest.agent(server.issuer);
      const request = await requestDeviceCode(device, DEVICE_CLI);
      // Garbage around the live code: near-misses, its own code with a wrong secret.
      await person.post('/device').type('form').send({ xsrf: 'x', user_code: request.user_code, confirm: 'yes' });
      await person.post('/device').type('form').send({ xsrf: 'x', user_code: request.user_code, abort: 'yes' });
      const page = await openCodePage(person);
      await person
        .post('/device')
        .type('form')
        .send({ xsrf: xsrfOf(page.html), user_code: `${request.user_code}B` });
      assert.equal((await pollOnce(device, DEVICE_CLI, request.device_code)).body.error, 'authorization_pending');
      const uid = await startDeviceSignIn(supertest.agent(server.issuer), request.user_code);
      assert.ok(uid);
    });
  });
}
