/**
 * X-Request-Id: a sane incoming id is honoured, anything else replaced by a
 * UUID; every response returns it, error answers included; every log line
 * written while the request is served carries it as `request_id`.
 */
import assert from 'node:assert/strict';
import Koa from 'koa';
import supertest from 'supertest';
import { log } from '../../src/log.js';
import { requestId, requestIdFrom } from '../../src/web/request-id.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { startServer, type TestServer } from '../support/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('keeps 1 to 128 characters of A-Z a-z 0-9 . _ : -', () => {
    for (const id of ['a', 'abc-123', 'trace.id_1:2-3', 'A'.repeat(128), '0af7651916cd43dd8448eb211c80319c']) {
      assert.equal(requestIdFrom(id), id);
    }
  });

  it('replaces anything else, or nothing, with a fresh UUID', () => {
    for (const id of [undefined, '', 'A'.repeat(129), 'has space', 'new\nline', 'quote"', 'ünï', '<script>', ['a', 'b']]) {
      const made = requestIdFrom(id);
      assert.match(made, UUID, `for ${JSON.stringify(id)}`);
    }
    assert.notEqual(requestIdFrom(undefined), requestIdFrom(undefined));
  });
});

describe('the request id middleware', () => {
  it('returns the id on an error Koa answers itself (its headers are otherwise dropped)', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(requestId);
    app.use(() => {
      throw new Error('boom');
    });
    const response = await supertest(app.callback()).get('/').set('X-Request-Id', 'koa-error-1');
    assert.equal(response.status, 500);
    assert.equal(response.headers['x-request-id'], 'koa-error-1');
  });
});

describe('request ids on the server', () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.close());
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('honours a sane X-Request-Id and returns it', async () => {
    const response = await supertest(server.issuer).get('/.well-known/openid-configuration').set('X-Request-Id', 'lb-7f3a.42:x_y-z');
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-request-id'], 'lb-7f3a.42:x_y-z');
  });

  it('generates one when the request has none, or an insane one', async () => {
    const none = await supertest(server.issuer).get('/.well-known/openid-configuration');
    assert.match(none.headers['x-request-id']!, UUID);
    const long = await supertest(server.issuer).get('/jwks').set('X-Request-Id', 'x'.repeat(129));
    assert.match(long.headers['x-request-id']!, UUID);
    const odd = await supertest(server.issuer).get('/jwks').set('X-Request-Id', 'a b;c');
    assert.match(odd.headers['x-request-id']!, UUID);
  });

  it('returns it on every kind of answer: not found, health, an oidc-provider error, an interaction error', async () => {
    const agent = supertest(server.issuer);
    for (const [path, status] of [
      ['/no-such-path', 404],
      ['/healthz', 200],
      ['/auth?client_id=nobody&response_type=code&scope=openid', 400],
      ['/interaction/not-an-interaction', 400],
    ] as const) {
      const response = await agent.get(path).set('X-Request-Id', `id-${status}`);
      assert.equal(response.status, status, `${path}: ${response.text}`);
      assert.equal(response.headers['x-request-id'], `id-${status}`, path);
    }
  });

  it('puts it in every log line written for the request', async () => {
    const page = await supertest(server.issuer).get('/auth?client_id=nobody&response_type=code&scope=openid').set('X-Request-Id', 'page-1');
    assert.equal(page.status, 400);
    const [shown] = logs.find({ msg: 'error page shown' });
    assert.ok(shown, logs.text());
    assert.equal(shown.request_id, 'page-1');

    const login = await supertest(server.issuer)
      .post('/interaction/not-an-interaction/login')
      .set('Accept', 'application/json')
      .set('X-Request-Id', 'login-1')
      .send({ message: 'not a message', signature: '0x00' });
    assert.equal(login.status, 400);
    const [event] = logs.find({ event: 'login' });
    assert.ok(event, logs.text());
    assert.equal(event.request_id, 'login-1');
    assert.equal(event.reference, login.body.reference);
    for (const line of logs.lines()) assert.ok(['page-1', 'login-1'].includes(String(line.request_id)), JSON.stringify(line));
  });

  it('keeps concurrent requests apart', async () => {
    const ids = Array.from({ length: 8 }, (_, n) => `concurrent-${n}`);
    const answers = await Promise.all(
      ids.map((id) =>
        supertest(server.issuer)
          .post(`/interaction/${id}/login`)
          .set('Accept', 'application/json')
          .set('X-Request-Id', id)
          .send({ message: 'm', signature: 's' }),
      ),
    );
    const events = logs.find({ event: 'login' });
    assert.equal(events.length, ids.length);
    for (const [n, id] of ids.entries()) {
      assert.equal(answers[n]!.headers['x-request-id'], id);
      const [event] = events.filter((line) => line.reference === answers[n]!.body.reference);
      assert.equal(event?.request_id, id);
    }
  });

  it('a line logged outside any request has no request_id', () => {
    log.info('between requests');
    assert.equal(logs.lines()[0]!.request_id, undefined);
  });
});
