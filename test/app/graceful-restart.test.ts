/**
 * SIGTERM on the real entry point (src/main.ts in its own process): /readyz
 * answers 503 at once, the instance keeps serving while it drains, a request in
 * flight finishes, and the process exits 0. With two instances behind one
 * issuer (a small load balancer here, routing by /readyz) on a shared Redis, a
 * login in flight while one instance restarts completes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { generateRotatingJwks } from '../../src/config/keys.js';
import {
  type AuthRequest,
  authorizeUrl,
  basicAuth,
  exchangeCode,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  postLogin,
  startInteraction,
  walletLogin,
} from '../support/flow.js';
import { agentCookies } from '../support/raw-request.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { MEMORY_ONLY, sleep } from '../support/storage-backends.js';
import { FIRST_PARTY, RP_REDIRECT, TEST_CLIENTS } from '../support/test-clients.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

interface Instance {
  child: ChildProcess;
  port: number;
  origin: string;
  stderr(): string;
  /** Resolves with the exit code and the time of exit (Date.now()). */
  exited: Promise<{ code: number | null; at: number }>;
}

/** Starts src/main.ts on a free port with `env` (beside PATH), resolved once it listens. */
async function startMain(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
    child.once('exit', (code) => resolve({ code, at: Date.now() }));
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('siwe-idp listening on port')) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`exited ${code} before listening:\n${stderr}`)));
  });
  return { child, port, origin: `http://127.0.0.1:${port}`, stderr: () => stderr, exited };
}

async function stopMain(instance: Instance | undefined): Promise<void> {
  if (instance) await kill(instance.child);
}

/** Polls `check` every 20 ms until it holds; fails after `ms`. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

async function readyz(origin: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${origin}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A POST whose headers and first bytes of body are sent now, the rest at `finish()`: a slow client, in flight. */
function slowPost(origin: string, path: string, headers: Record<string, string>, body: string) {
  const url = new URL(origin);
  const outgoing = request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path,
    agent: false,
    headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
  });
  const response = new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
    outgoing.once('response', (incoming: IncomingMessage) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        text += chunk;
      });
      incoming.once('end', () => resolve({ status: incoming.statusCode ?? 0, connection: incoming.headers.connection, text }));
      incoming.once('error', reject);
    });
    outgoing.once('error', reject);
  });
  response.catch(() => undefined); // observed by the test when it matters
  outgoing.flushHeaders();
  outgoing.write(body.slice(0, 10));
  return { response, finish: () => outgoing.end(body.slice(10)) };
}

function tokenForm(code: string, authRequest: AuthRequest): string {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: RP_REDIRECT,
    code_verifier: authRequest.codeVerifier,
  }).toString();
}

function idTokenSubject(idToken: string): string {
  return (JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}

/**
 * The load balancer in front of both instances: every request goes to the first
 * backend whose /readyz last answered 200, polled every 100 ms (new connection
 * per request, as a proxy that does not pool). Records where each request went.
 */
class Balancer {
  readonly routes: { path: string; backend: string }[] = [];
  readonly #backends: { name: string; origin: string; ready: boolean }[];
  readonly #server: Server;
  #poller: NodeJS.Timeout | undefined;

  constructor(backends: { name: string; origin: string }[]) {
    this.#backends = backends.map((backend) => ({ ...backend, ready: false }));
    this.#server = createServer((incoming, outgoing) => this.#forward(incoming, outgoing));
  }

  async start(port: number): Promise<void> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#poller = setInterval(() => void this.#poll(), 100);
    await this.#poll();
  }

  async stop(): Promise<void> {
    clearInterval(this.#poller);
    this.#server.closeAllConnections();
    this.#server.close();
  }

  get target(): string | undefined {
    return this.#backends.find((backend) => backend.ready)?.name;
  }

  async #poll(): Promise<void> {
    await Promise.all(
      this.#backends.map(async (backend) => {
        backend.ready = await fetch(`${backend.origin}/readyz`, { signal: AbortSignal.timeout(500) }).then(
          (response) => response.status === 200,
          () => false,
        );
      }),
    );
  }

  #forward(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const backend = this.#backends.find((candidate) => candidate.ready);
    this.routes.push({ path: incoming.url ?? '', backend: backend?.name ?? 'none' });
    if (!backend) {
      outgoing.writeHead(503).end();
      return;
    }
    const url = new URL(backend.origin);
    const upstream = request(
      { host: url.hostname, port: url.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent: false },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.once('error', () => outgoing.headersSent || outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  }
}

describe('graceful restart (src/main.ts)', () => {
  let dir: string;
  let clientsFile: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'siwe-idp-restart-'));
    clientsFile = join(dir, 'clients.json');
    await writeFile(clientsFile, JSON.stringify(TEST_CLIENTS), { mode: 0o600 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on SIGTERM: /readyz 503 at once, new connections served for half of SHUTDOWN_TIMEOUT, the request in flight finishes, exit 0', async function () {
    this.timeout(20_000);
    const instance = await startMain({ CLIENTS_FILE: clientsFile, SHUTDOWN_TIMEOUT: '4' });
    try {
      const issuer = `http://localhost:${instance.port}`;
      const authRequest = newAuthRequest(FIRST_PARTY.client_id);
      const callback = await walletLogin(supertest.agent(issuer), Wallet.createRandom(), authRequest);
      // The relying party's token request, from a slow client: in flight across the signal.
      const slow = slowPost(
        instance.origin,
        '/token',
        { Authorization: basicAuth(FIRST_PARTY), 'Content-Type': 'application/x-www-form-urlencoded' },
        tokenForm(callback.searchParams.get('code')!, authRequest),
      );
      await sleep(200);
      assert.equal((await readyz(instance.origin)).status, 200);

      const signalled = Date.now();
      instance.child.kill('SIGTERM');
      await until('/readyz answers 503', 1000, async () => (await readyz(instance.origin)).status === 503);
      const draining = await readyz(instance.origin);
      assert.deepEqual(draining.body, { status: 'draining', store: 'memory', chains: { '1': { rpc: null, state: 'no_rpc' } } });

      // The accept window (the first 2 s): a load balancer not yet aware still gets answers, on new connections.
      const health = await fetch(`${instance.origin}/healthz`);
      assert.equal(health.status, 200);
      const discovery = await fetch(`${instance.origin}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      assert.equal(discovery.headers.get('connection'), 'close');
      assert.equal(((await discovery.json()) as { issuer: string }).issuer, issuer);
      const login = await supertest
        .agent(issuer)
        .get(authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)))
        .redirects(0);
      assert.equal(login.status, 303, 'a new sign-in still starts during the accept window');

      // After it: no new connection; the request in flight still finishes.
      await sleep(2300 - (Date.now() - signalled));
      await assert.rejects(fetch(`${instance.origin}/healthz`), 'the port is closed after the accept window');
      slow.finish();
      const tokens = await slow.response;
      assert.equal(tokens.status, 200, tokens.text);
      assert.ok((JSON.parse(tokens.text) as { id_token?: string }).id_token);
      assert.equal(tokens.connection, 'close');

      const { code, at } = await instance.exited;
      assert.equal(code, 0, instance.stderr());
      const took = at - signalled;
      assert.ok(took >= 2000 && took < 4000 + 2000, `exited ${took} ms after SIGTERM`);
      assert.match(instance.stderr(), /SIGTERM received: draining/);
      assert.match(instance.stderr(), /\bstopped\b/);
    } finally {
      await stopMain(instance);
    }
  });

  it('a second SIGTERM during the drain cuts the request in flight and exits 1 at once', async function () {
    this.timeout(20_000);
    const instance = await startMain({ CLIENTS_FILE: clientsFile, SHUTDOWN_TIMEOUT: '60' });
    try {
      const slow = slowPost(
        instance.origin,
        '/token',
        { 'Content-Type': 'application/x-www-form-urlencoded' },
        'grant_type=client_credentials',
      );
      await sleep(200);
      instance.child.kill('SIGTERM');
      await until('/readyz answers 503', 1000, async () => (await readyz(instance.origin)).status === 503);
      const again = Date.now();
      instance.child.kill('SIGTERM');
      const { code, at } = await instance.exited;
      assert.equal(code, 1, instance.stderr());
      assert.ok(at - again < 1000, `exited ${at - again} ms after the second SIGTERM`);
      await assert.rejects(slow.response);
      assert.match(instance.stderr(), /SIGTERM received again: cutting 1 request\(s\) in flight and exiting now/);
    } finally {
      await stopMain(instance);
    }
  });

  (MEMORY_ONLY ? it.skip : it)(
    'two instances on one Redis: logins in flight while one restarts complete, and their codes buy tokens',
    async function () {
      this.timeout(30_000);
      const redisPort = await freePort();
      const redis = await startRedis(redisPort);
      const jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(await generateRotatingJwks()), { mode: 0o600 });
      const lbPort = await freePort();
      const issuer = `http://localhost:${lbPort}`;
      const shared = {
        ISSUER: issuer,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        COOKIE_KEYS: randomBytes(32).toString('base64url'),
        JWKS_FILE: jwksFile,
        CLIENTS_FILE: clientsFile,
        SHUTDOWN_TIMEOUT: '3',
      };
      let a: Instance | undefined;
      let b: Instance | undefined;
      let balancer: Balancer | undefined;
      try {
        [a, b] = await Promise.all([startMain(shared), startMain(shared)]);
        balancer = new Balancer([
          { name: 'A', origin: a.origin },
          { name: 'B', origin: b.origin },
        ]);
        await balancer.start(lbPort);
        assert.equal(balancer.target, 'A');

        // Two sign-ins start on A: authorization request and interaction (the SIWE challenge).
        // Two people (two browsers, two cookie jars).
        const agents = [supertest.agent(issuer), supertest.agent(issuer)];
        const wallets = [Wallet.createRandom(), Wallet.createRandom()];
        const authRequests = [newAuthRequest(FIRST_PARTY.client_id), newAuthRequest(FIRST_PARTY.client_id)];
        const uids: string[] = [];
        const messages: string[] = [];
        for (const [index, wallet] of wallets.entries()) {
          const uid = await startInteraction(agents[index]!, authorizeUrl(authRequests[index]!));
          uids.push(uid);
          messages.push(messageFor(await getInteraction(agents[index]!, uid), wallet.address));
        }
        assert.deepEqual(new Set(balancer.routes.map((route) => route.backend)), new Set(['A']));
        const signatures = await Promise.all(wallets.map((wallet, index) => wallet.signMessage(messages[index]!)));

        const signalled = Date.now();
        a.child.kill('SIGTERM');
        await until('A: /readyz answers 503', 1000, async () => (await readyz(a!.origin)).status === 503);

        // The first login posts its signature to A during the drain (a balancer that has not noticed yet).
        const loginOnA = await supertest(a.origin)
          .post(`/interaction/${uids[0]}/login`)
          .set('Cookie', agentCookies(agents[0]!, issuer, `/interaction/${uids[0]}/login`))
          .set('Accept', 'application/json')
          .send({ message: messages[0], signature: signatures[0] });
        assert.equal(loginOnA.status, 200, loginOnA.text);

        // The balancer notices and routes new requests to B: the second login finishes there, during A's drain.
        await until('the balancer routes to B', 1000, async () => balancer!.target === 'B');
        const routed = balancer.routes.length;
        const loginOnB = await postLogin(agents[1]!, uids[1]!, messages[1]!, signatures[1]!);
        assert.equal(loginOnB.status, 200, loginOnB.text);
        const callbacks = [undefined, await follow(agents[1]!, loginOnB.body.redirectTo)] as (URL | undefined)[];

        // A exits 0 once drained; the first login then finishes on B.
        const { code, at } = await a.exited;
        assert.equal(code, 0, a.stderr());
        assert.ok(at - signalled < 3000 + 2000, `A exited ${at - signalled} ms after SIGTERM`);
        callbacks[0] = await follow(agents[0]!, loginOnA.body.redirectTo);

        for (const [index, callback] of callbacks.entries()) {
          assert.equal(callback!.origin + callback!.pathname, RP_REDIRECT);
          assert.equal(callback!.searchParams.get('state'), authRequests[index]!.state);
          const tokens = await exchangeCode(agents[index]!, FIRST_PARTY, callback!, authRequests[index]!);
          assert.equal(tokens.status, 200, tokens.text);
          assert.equal(idTokenSubject(tokens.body.id_token), wallets[index]!.address);
        }
        assert.deepEqual(new Set(balancer.routes.slice(routed).map((route) => route.backend)), new Set(['B']));
      } finally {
        await balancer?.stop();
        await Promise.all([stopMain(a), stopMain(b)]);
        await kill(redis);
      }
    },
  );
});
