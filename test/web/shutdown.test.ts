/**
 * The drain in-process, on the real server: readiness first, new connections
 * during the accept window only, requests in flight finished (or cut at the
 * deadline), and the exit code shutDown() gives main.ts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { readConfig } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/config-error.js';
import { setLogLevel } from '../../src/log.js';
import type { Store } from '../../src/storage/store.js';
import { Drain, drainTimings, isDraining, shutDown } from '../../src/web/shutdown.js';
import { basicAuth } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';
import { sleep } from '../support/storage-backends.js';
import { FIRST_PARTY } from '../support/test-clients.js';

const BODY = 'grant_type=authorization_code&code=not-a-code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcallback';

function portOf(server: TestServer): number {
  return (server.server.address() as { port: number }).port;
}

/** A token request whose headers and first half of body are sent; `finish()` sends the rest. */
async function slowTokenRequest(
  server: TestServer,
): Promise<{ finish(): void; response: Promise<IncomingMessage>; outgoing: ClientRequest }> {
  const received = once(server.server, 'request');
  const outgoing = request({
    host: '127.0.0.1',
    port: portOf(server),
    method: 'POST',
    path: '/token',
    agent: false,
    headers: {
      Authorization: basicAuth(FIRST_PARTY),
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(BODY)),
    },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
  });
  outgoing.flushHeaders();
  outgoing.write(BODY.slice(0, 20));
  await received;
  return { finish: () => outgoing.end(BODY.slice(20)), response, outgoing };
}

async function get(server: TestServer, path: string) {
  const response = await fetch(`http://127.0.0.1:${portOf(server)}${path}`);
  return {
    status: response.status,
    connection: response.headers.get('connection'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('graceful shutdown (in-process)', () => {
  before(() => setLogLevel('silent'));
  after(() => setLogLevel('info'));

  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('splits SHUTDOWN_TIMEOUT in half: accept new connections, then finish what is in flight', () => {
    assert.deepEqual(drainTimings(10), { acceptMs: 5000, deadlineMs: 10_000 });
    assert.deepEqual(drainTimings(0), { acceptMs: 0, deadlineMs: 0 });
  });

  it('answers /readyz 503 at once, serves new connections in the accept window, refuses them after, and lets the request in flight finish', async () => {
    server = await startServer();
    const drain = new Drain(server.server, server.provider);
    const port = portOf(server);
    assert.equal((await get(server, '/readyz')).status, 200);
    const slow = await slowTokenRequest(server);
    assert.equal(drain.inFlight, 1);

    const started = Date.now();
    const running = drain.run({ acceptMs: 500, deadlineMs: 5000 });
    assert.ok(isDraining(server.provider));
    const ready = await get(server, '/readyz');
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body, { status: 'draining', store: 'memory', chains: { '1': { rpc: null, state: 'no_rpc' } } });
    assert.equal((await get(server, '/healthz')).status, 200, '/healthz stays 200: the process is alive');
    const discovery = await get(server, '/.well-known/openid-configuration');
    assert.equal(discovery.status, 200, 'a new connection is served during the accept window');
    assert.equal(discovery.connection, 'close', 'and does not stay open');

    await sleep(500 - (Date.now() - started) + 100);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'after the accept window the port is closed');
    assert.equal(drain.inFlight, 1);

    slow.finish();
    const response = await slow.response;
    assert.equal(response.statusCode, 400, 'the token request finished: the made-up code is refused');
    assert.equal(response.headers.connection, 'close', 'a request in flight before the signal closes its connection too');
    response.resume();
    assert.deepEqual(await running, { cut: 0 });
    assert.ok(Date.now() - started < 2000, 'the drain ends when nothing is in flight, not at the deadline');
    assert.equal(server.server.listening, false);
  });

  it('cuts a request still in flight at the deadline, and counts it', async () => {
    server = await startServer();
    const drain = new Drain(server.server, server.provider);
    const slow = await slowTokenRequest(server);
    const started = Date.now();
    const result = await drain.run({ acceptMs: 100, deadlineMs: 600 });
    const elapsed = Date.now() - started;
    assert.deepEqual(result, { cut: 1 });
    assert.ok(elapsed >= 550 && elapsed < 2000, `cut after ${elapsed} ms`);
    await assert.rejects(slow.response, /socket hang up|ECONNRESET/);
  });

  it('abort() (a second signal) cuts everything at once', async () => {
    server = await startServer();
    const drain = new Drain(server.server, server.provider);
    const slow = await slowTokenRequest(server);
    const started = Date.now();
    const running = drain.run({ acceptMs: 5000, deadlineMs: 10_000 });
    await sleep(50);
    drain.abort();
    await assert.rejects(slow.response, /socket hang up|ECONNRESET/);
    assert.deepEqual(await running, { cut: 1 });
    assert.ok(Date.now() - started < 1000);
  });

  it('readiness is per server: another instance in the same process stays ready', async () => {
    server = await startServer();
    const other = await startServer();
    try {
      await new Drain(server.server, server.provider).run({ acceptMs: 0, deadlineMs: 0 });
      assert.equal(isDraining(server.provider), true);
      assert.equal((await get(other, '/readyz')).status, 200);
    } finally {
      await other.close();
    }
  });

  it('shutDown() closes the store and gives exit code 0, or 1 when the store fails to close', async () => {
    server = await startServer();
    let closed = 0;
    const store = {
      kind: 'memory',
      close: async () => {
        closed += 1;
      },
    } as unknown as Store;
    assert.equal(await shutDown('SIGTERM', new Drain(server.server, server.provider), store, 0), 0);
    assert.equal(closed, 1);

    await server.close();
    server = await startServer();
    const failing = {
      kind: 'redis',
      close: async () => {
        throw new Error('no reply within 1000 ms');
      },
    } as unknown as Store;
    assert.equal(await shutDown('SIGTERM', new Drain(server.server, server.provider), failing, 0), 1);
  });
});

describe('SHUTDOWN_TIMEOUT', () => {
  it('is 10 seconds by default, any whole number of seconds from 0 to 600', () => {
    assert.equal(readConfig({}).shutdownTimeout, 10);
    assert.equal(readConfig({ SHUTDOWN_TIMEOUT: '0' }).shutdownTimeout, 0);
    assert.equal(readConfig({ SHUTDOWN_TIMEOUT: ' 30 ' }).shutdownTimeout, 30);
    assert.equal(readConfig({ SHUTDOWN_TIMEOUT: '' }).shutdownTimeout, 10);
    for (const bad of ['2.5', '-1', '601', '10s']) {
      assert.throws(
        () => readConfig({ SHUTDOWN_TIMEOUT: bad }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /SHUTDOWN_TIMEOUT must be a whole number from 0 to 600/);
          return true;
        },
      );
    }
  });
});
