/**
 * The route label of request times (src/metrics/request-duration.ts): a name
 * from a bounded set for every spelling the routers accept, `other` for the
 * rest; and without metrics (METRICS_PORT unset) nothing is installed at all.
 */
import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { routeNamer } from '../../src/metrics/request-duration.js';
import { startServer, type TestServer } from '../support/server.js';

describe('request time route names', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.close());

  it('names every route, however its path is spelled, and never returns a path', () => {
    const nameOf = routeNamer(server.provider);
    const cases: Array<[method: string, path: string, name: string]> = [
      ['GET', '/auth', 'authorization'],
      ['GET', '/AUTH', 'authorization'],
      ['HEAD', '/auth/', 'authorization'],
      ['GET', '/auth/Zx9_uid', 'resume'],
      ['POST', '/token', 'token'],
      ['POST', '/token/', 'token'],
      ['OPTIONS', '/token', 'cors.token'],
      ['POST', '/token/introspection', 'introspection'],
      ['GET', '/me', 'userinfo'],
      ['GET', '/jwks', 'jwks'],
      ['GET', '/.well-known/openid-configuration', 'discovery'],
      ['GET', '/session/end', 'end_session'],
      ['POST', '/session/end/confirm', 'end_session_confirm'],
      ['GET', '/interaction/Zx9_uid', 'page'],
      ['HEAD', '/interaction/Zx9_uid', 'page'],
      ['GET', '/interaction/Zx9_uid/message', 'message'],
      ['GET', '/interaction/Zx9_uid/logo', 'logo'],
      ['POST', '/interaction/Zx9_uid/login', 'login'],
      ['POST', '/Interaction/Zx9_uid/LOGIN/', 'login'],
      ['POST', '/interaction/Zx9_uid/confirm', 'confirm'],
      ['POST', '/interaction/Zx9_uid/abort', 'abort'],
      ['GET', '/interaction/Zx9_uid/ens', 'ens'],
      ['POST', '/interaction/Zx9_uid/cross-device', 'cross_device'],
      ['GET', '/interaction/Zx9_uid/cross-device/events', 'cross_device_events'],
      ['POST', '/interaction/Zx9_uid/cross-device/finish', 'cross_device_finish'],
      ['GET', '/sign/AbCdEfGhIjKlMnOpQrStUvWx', 'sign_page'],
      ['GET', '/sign/AbCdEfGhIjKlMnOpQrStUvWx/message', 'sign_message'],
      ['POST', '/sign/AbCdEfGhIjKlMnOpQrStUvWx', 'sign'],
      ['GET', '/sign/', 'other'],
      ['GET', '/interaction/Zx9_uid/login', 'other'],
      ['GET', '/interaction/Zx9_uid/nothing', 'other'],
      ['GET', '/interaction/', 'other'],
      ['GET', '/healthz', 'healthz'],
      ['GET', '/readyz', 'readyz'],
      ['GET', '/static/login.js', 'static'],
      ['GET', '/', 'other'],
      ['GET', '/metrics', 'other'],
      ['GET', '/Zx9_uid', 'other'],
    ];
    for (const [method, path, name] of cases) {
      assert.equal(nameOf({ method, path, req: { method, url: path } } as unknown as Context), name, `${method} ${path}`);
    }
  });

  it('without metrics: no timing middleware, no event listener, no ctx.metrics', () => {
    const { provider } = server;
    assert.equal(provider.context.metrics, undefined);
    assert.equal(
      provider.middleware.some((middleware) => middleware.name === 'timeRequest'),
      false,
    );
    for (const event of ['grant.success', 'grant.error', 'interaction.started', 'access_token.saved']) {
      assert.equal(provider.listenerCount(event), 0, event);
    }
  });
});
