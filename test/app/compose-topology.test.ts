/**
 * docker-compose.yml, which no test here can run (there is no Docker engine):
 * read and checked against the Compose Specification's schema, the Caddyfile
 * and the README. Then the same topology as local processes: a Redis, two
 * src/main.ts instances reading their secrets from *_FILE files (mode 0600),
 * behind a TLS-terminating round-robin proxy (test/support/tls-proxy.ts, in
 * place of Caddy): a login through it lands on both instances in turn and its
 * code buys tokens, a client's X-Forwarded-For changes nothing, and a stopped
 * instance leaves the rotation while it drains. Where Caddy is installed, once
 * more behind Caddy itself running deploy/Caddyfile.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Wallet } from 'ethers';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import supertest from 'supertest';
import { generateRotatingJwks } from '../../src/config/keys.js';
import { SECRET_SETTINGS } from '../../src/config/secret-files.js';
import { type Agent, authorizeUrl, exchangeCode, follow, getInteraction, messageFor, newAuthRequest, postLogin } from '../support/flow.js';
import { type MainProcess, startMainProcess, stopMainProcess } from '../support/main-process.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { MEMORY_ONLY, sleep } from '../support/storage-backends.js';
import { FIRST_PARTY, RP_REDIRECT, TEST_CLIENTS } from '../support/test-clients.js';
import { RecordingRelay } from '../support/recording-relay.js';
import { hasOpenssl, selfSignedCertificate, TlsBalancer } from '../support/tls-proxy.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFile(join(ROOT, path), 'utf8');

// --- docker-compose.yml, read -------------------------------------------------------------------------------

/** js-yaml reads the compose file (a dev dependency; it has no bundled types, so its one function is typed here). */
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface Service {
  image?: string;
  build?: string;
  pull_policy?: string;
  environment?: Record<string, string>;
  secrets?: (string | { source: string; target?: string })[];
  configs?: { source: string; target: string }[];
  healthcheck?: Record<string, unknown>;
  stop_grace_period?: string;
  ports?: string[];
  expose?: string[];
  networks?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
  volumes?: string[];
}

interface Compose {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean }>;
  secrets: Record<string, { file: string }>;
  configs: Record<string, { file: string }>;
}

/** `${NAME:-default}` as Compose interpolates it with NAME unset (no .env). */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

/** `15s`, `1m30s`, `2s` → seconds. */
function seconds(duration: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  assert.ok(match && duration !== '', `a duration: ${duration}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** The secret files a service mounts: /run/secrets/<target> → the host file. */
function mountedSecrets(compose: Compose, service: Service): Map<string, string> {
  const mounted = new Map<string, string>();
  for (const entry of service.secrets ?? []) {
    const { source, target } = typeof entry === 'string' ? { source: entry, target: entry } : { target: entry.source, ...entry };
    mounted.set(`/run/secrets/${target}`, compose.secrets[source]!.file);
  }
  return mounted;
}

const documentedSettings = (readme: string) => new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]!));

describe('docker-compose.yml', () => {
  let text: string;
  let compose: Compose;
  let caddyfile: string;
  let readme: string;
  before(async () => {
    text = await read('docker-compose.yml');
    compose = yaml.load(text) as Compose;
    caddyfile = await read('deploy/Caddyfile');
    readme = await read('README.md');
  });
  const instances = () => [compose.services.idp1!, compose.services.idp2!];
  const env = (service: Service) => Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));

  it('is a valid Compose file: the Compose Specification schema (python3 with PyYAML and jsonschema)', async function () {
    const check = [
      'import json, sys, yaml, jsonschema',
      'doc = yaml.safe_load(open(sys.argv[1]))',
      'errors = list(jsonschema.Draft7Validator(json.load(open(sys.argv[2]))).iter_errors(doc))',
      'print("\\n".join(f"{list(e.path)}: {e.message}" for e in errors))',
      'sys.exit(1 if errors else 0)',
    ].join('\n');
    const usable = await run('python3', ['-c', 'import yaml, jsonschema']).then(
      () => true,
      () => false,
    );
    if (!usable) this.skip();
    const schema = join(ROOT, 'test/fixtures/compose-spec/compose-spec.json');
    const result = await run('python3', ['-c', check, join(ROOT, 'docker-compose.yml'), schema]).then(
      () => '',
      (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
    );
    assert.equal(result, '');
  });

  it('has a Caddyfile Caddy accepts (`caddy adapt`, when Caddy is installed)', async function () {
    const caddy = await run('caddy', ['version']).then(
      () => true,
      () => false,
    );
    if (!caddy) this.skip();
    const proxy = compose.services.proxy!;
    const { stdout } = await run('caddy', ['adapt', '--adapter', 'caddyfile', '--config', join(ROOT, 'deploy/Caddyfile')], {
      env: { PATH: process.env.PATH, HOME: tmpdir(), ...env(proxy) },
    });
    const route = JSON.stringify(JSON.parse(stdout));
    assert.match(route, /"host":\["localhost"\]/);
    assert.match(route, /"upstreams":\[\{"dial":"idp1:3000"\},\{"dial":"idp2:3000"\}\]/);
    assert.match(route, /"active":\{"expect_status":200,"interval":2000000000,"timeout":1000000000,"uri":"\/readyz"\}/);
    assert.match(route, /"selection_policy":\{"policy":"round_robin"\}/);
    assert.match(route, /"issuers":\[\{"module":"internal"\}\]/);
  });

  it('runs Redis, two instances of the one image built here, and the proxy; images pinned to a release', async () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['idp1', 'idp2', 'proxy', 'redis']);
    assert.deepEqual(instances()[0], instances()[1], 'idp1 and idp2 are the same service twice');
    assert.equal(instances()[0]!.build, '.');
    assert.match(compose.services.redis!.image!, /^redis:7\.\d+\.\d+-alpine$/);
    assert.match(compose.services.proxy!.image!, /^caddy:2\.\d+\.\d+-alpine$/);
    // The image's own HEALTHCHECK is kept (no `test`): only its timing changes.
    assert.equal(instances()[0]!.healthcheck?.test, undefined);
    assert.match(await read('Dockerfile'), /HEALTHCHECK .*\/healthz/s);
  });

  it('gives the instances what a shared deployment needs: https issuer, one trusted proxy, one Redis, production', () => {
    const settings = env(instances()[0]!);
    assert.equal(settings.NODE_ENV, 'production');
    assert.equal(settings.ISSUER, 'https://localhost');
    assert.equal(settings.TRUST_PROXY, '1');
    assert.equal(settings.REDIS_URL, 'redis://redis:6379');
    assert.deepEqual(instances()[0]!.expose, [settings.PORT], 'the port is not published: only the proxy reaches it');
    assert.equal(instances()[0]!.ports, undefined);
    // Every variable is a documented setting, or one's *_FILE.
    const documented = documentedSettings(readme);
    for (const name of Object.keys(settings)) {
      const base = name.endsWith('_FILE') && !documented.has(name) ? name.slice(0, -'_FILE'.length) : name;
      assert.ok(documented.has(base), `${name} is documented`);
      if (base !== name) assert.ok((SECRET_SETTINGS as readonly string[]).includes(base), `${name}: ${base} may come from a file`);
    }
  });

  it('mounts each file the instances read as a secret from deploy/secrets/, which git and the build context ignore', async () => {
    const settings = env(instances()[0]!);
    const mounted = mountedSecrets(compose, instances()[0]!);
    const files = Object.entries(settings).filter(([name]) => name.endsWith('_FILE'));
    assert.deepEqual(files.map(([name]) => name).sort(), ['CLIENTS_FILE', 'COOKIE_KEYS_FILE', 'JWKS_FILE']);
    assert.equal(mounted.size, files.length);
    for (const [name, path] of files) {
      assert.ok(mounted.has(path), `${name} ${path} is a mounted secret`);
      assert.match(mounted.get(path)!, /^\.\/deploy\/secrets\/[a-z_.]+$/);
      assert.ok(readme.includes(mounted.get(path)!.slice(2)), `the README says how to make ${mounted.get(path)}`);
    }
    assert.deepEqual(
      (await read('deploy/secrets/.gitignore')).split('\n').filter((line) => line && !line.startsWith('#')),
      ['*', '!.gitignore'],
    );
    assert.match(await read('.dockerignore'), /^deploy\/secrets$/m);
  });

  it('gives a stop more time than the drain takes, and the proxy notices a drain before the port closes', () => {
    const service = instances()[0]!;
    const shutdownTimeout = Number(env(service).SHUTDOWN_TIMEOUT);
    assert.ok(seconds(service.stop_grace_period!) > shutdownTimeout, 'stop_grace_period > SHUTDOWN_TIMEOUT');
    const interval = Number(/^\s*health_interval (\d+)s$/m.exec(caddyfile)![1]);
    const timeout = Number(/^\s*health_timeout (\d+)s$/m.exec(caddyfile)![1]);
    assert.ok(interval + timeout < shutdownTimeout / 2, 'a draining instance leaves before it stops accepting (README: Restarts)');
  });

  it('puts Caddy in front of both instances, checking /readyz, once they are healthy; Redis on an internal network', () => {
    const proxy = compose.services.proxy!;
    assert.deepEqual(proxy.ports, ['443:443']);
    assert.deepEqual(proxy.configs, [{ source: 'caddyfile', target: '/etc/caddy/Caddyfile' }]);
    assert.equal(compose.configs.caddyfile!.file, './deploy/Caddyfile');
    assert.deepEqual(proxy.depends_on, { idp1: { condition: 'service_healthy' }, idp2: { condition: 'service_healthy' } });
    const port = env(instances()[0]!).PORT;
    assert.match(caddyfile, new RegExp(`^\\s*reverse_proxy idp1:${port} idp2:${port} \\{$`, 'm'));
    assert.match(caddyfile, /^\s*health_uri \/readyz$/m);
    assert.match(caddyfile, /^\s*lb_policy round_robin$/m);
    assert.match(caddyfile, /^\{\$SITE_ADDRESS:localhost\} \{$/m);
    assert.match(caddyfile, /^\s*tls \{\$CADDY_TLS:internal\}$/m);
    assert.equal(env(proxy).SITE_ADDRESS, new URL(env(instances()[0]!).ISSUER!).hostname, 'Caddy serves the issuer host');

    assert.deepEqual(instances()[0]!.depends_on, { redis: { condition: 'service_healthy' } });
    assert.ok(compose.services.redis!.healthcheck?.test);
    assert.deepEqual(compose.services.redis!.networks, ['back']);
    assert.equal(compose.networks.back!.internal, true);
    assert.deepEqual(proxy.networks, ['front']);
    assert.deepEqual(instances()[0]!.networks, ['front', 'back']);
    assert.deepEqual(compose.services.redis!.command?.slice(0, 3), ['redis-server', '--appendonly', 'yes']);
    assert.ok(compose.services.redis!.command?.join(' ').includes('--maxmemory-policy noeviction'));
  });

  it('agrees with the README', () => {
    const section = readme.slice(readme.indexOf('## Docker Compose'), readme.indexOf('\n## ', readme.indexOf('## Docker Compose') + 1));
    assert.ok(section.length > 500, 'the README has a Docker Compose section');
    for (const fact of [
      compose.services.redis!.image!,
      compose.services.proxy!.image!,
      `stop_grace_period: ${instances()[0]!.stop_grace_period}`,
      `SHUTDOWN_TIMEOUT=${env(instances()[0]!).SHUTDOWN_TIMEOUT}`,
      'TRUST_PROXY=1',
      '/readyz',
      'deploy/Caddyfile',
      'deploy/secrets/',
      'appendonly',
      'uid 1000',
    ]) {
      assert.ok(section.includes(fact), `the README's Docker Compose section says ${fact}`);
    }
  });
});

// --- the same topology, as local processes ------------------------------------------------------------------

const SPOOFED = '203.0.113.66';

/** Each response's Set-Cookie fields are all Secure (the issuer is https). */
function assertSecureCookies(balancer: TlsBalancer, from: number): number {
  const cookies = balancer.routes.slice(from).flatMap((route) => route.setCookie ?? []);
  for (const cookie of cookies) assert.match(cookie, /;\s*secure\b/i, cookie);
  return cookies.length;
}

(MEMORY_ONLY ? describe.skip : describe)('the compose topology as local processes: Redis, two instances, a TLS proxy', () => {
  let dir: string;
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let instances: MainProcess[] = [];
  let balancer: TlsBalancer | undefined;
  let issuer: string;
  let cert: string;
  let registrationToken: string;
  const agent = (): Agent => supertest.agent(issuer).ca(cert).set('X-Forwarded-For', SPOOFED) as unknown as Agent;

  before(async function () {
    this.timeout(30_000);
    if (!(await hasOpenssl())) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'siwe-idp-compose-'));
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    const proxyPort = await freePort();
    issuer = `https://localhost:${proxyPort}`;
    // The secrets, as files with a trailing line break (as `echo … > file` writes them), mode 0600.
    const secret = async (name: string, content: string) => {
      const path = join(dir, name);
      await writeFile(path, content, { mode: 0o600 });
      return path;
    };
    registrationToken = randomBytes(32).toString('base64url');
    const shared = {
      NODE_ENV: 'production',
      ISSUER: issuer,
      TRUST_PROXY: '1',
      SHUTDOWN_TIMEOUT: '2',
      REGISTRATION: 'token',
      REDIS_URL_FILE: await secret('redis_url', `redis://127.0.0.1:${redisPort}\n`),
      COOKIE_KEYS_FILE: await secret('cookie_keys', `${randomBytes(32).toString('base64url')},${randomBytes(32).toString('base64url')}\n`),
      REGISTRATION_INITIAL_ACCESS_TOKEN_FILE: await secret('registration_token', `${registrationToken}\n`),
      JWKS_FILE: await secret('jwks.json', JSON.stringify(await generateRotatingJwks())),
      CLIENTS_FILE: await secret('clients.json', JSON.stringify(TEST_CLIENTS)),
    };
    const certificate = await selfSignedCertificate(dir);
    cert = certificate.cert;
    instances = await Promise.all([startMainProcess(shared), startMainProcess(shared)]);
    balancer = new TlsBalancer({
      backends: instances.map((instance, index) => ({ name: 'AB'[index]!, origin: instance.origin })),
      key: certificate.key,
      cert,
      // Connections to the instances leave from another loopback address than the client's.
      upstreamAddress: '127.0.0.2',
    });
    await balancer.start(proxyPort);
    assert.deepEqual(balancer.ready, ['A', 'B']);
  });

  after(async () => {
    await balancer?.stop();
    await Promise.all(instances.map(stopMainProcess));
    await kill(redis);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the issuer over https: discovery names it, HSTS is sent', async () => {
    const discovery = await agent().get('/.well-known/openid-configuration');
    assert.equal(discovery.status, 200);
    assert.equal(discovery.body.issuer, issuer);
    assert.equal(discovery.body.token_endpoint, `${issuer}/token`);
    assert.match(discovery.headers['strict-transport-security']!, /^max-age=63072000; includeSubDomains$/);
  });

  it('completes a login whose requests alternate between the instances, with Secure cookies; its code buys tokens', async function () {
    this.timeout(20_000);
    const browser = agent();
    const wallet = Wallet.createRandom();
    const authRequest = newAuthRequest(FIRST_PARTY.client_id);
    const from = balancer!.routes.length;

    const started = await browser.get(authorizeUrl(authRequest)).redirects(0);
    assert.equal(started.status, 303, started.text);
    const uid = /^\/interaction\/([^/?]+)$/.exec(new URL(started.headers.location!, issuer).pathname)![1]!;
    const message = messageFor(await getInteraction(browser, uid), wallet.address);
    const login = await postLogin(browser, uid, message, await wallet.signMessage(message));
    assert.equal(login.status, 200, login.text);
    const callback = await follow(browser, login.body.redirectTo);
    assert.equal(callback.origin + callback.pathname, RP_REDIRECT);
    assert.equal(callback.searchParams.get('state'), authRequest.state);
    const tokens = await exchangeCode(browser, FIRST_PARTY, callback, authRequest);
    assert.equal(tokens.status, 200, tokens.text);

    const jwks = (await browser.get('/jwks')).body as JSONWebKeySet;
    const { payload } = await jwtVerify(tokens.body.id_token, createLocalJWKSet(jwks), { issuer, audience: FIRST_PARTY.client_id });
    assert.equal(payload.sub, wallet.address);
    assert.equal(payload.nonce, authRequest.nonce);

    const flow = balancer!.routes.slice(from);
    assert.ok(flow.length >= 6, JSON.stringify(flow));
    for (let i = 1; i < flow.length; i += 1) {
      assert.notEqual(
        flow[i]!.backend,
        flow[i - 1]!.backend,
        `request ${i} (${flow[i]!.method} ${flow[i]!.path}) went to the other instance`,
      );
    }
    assert.ok(assertSecureCookies(balancer!, from) >= 2, 'the interaction and session cookies were set');
  });

  it("ignores the client's own X-Forwarded-For: an instance sees the address the proxy saw (TRUST_PROXY=1)", async function () {
    this.timeout(20_000);
    const browser = agent();
    const wallet = Wallet.createRandom();
    const started = await browser.get(authorizeUrl(newAuthRequest(FIRST_PARTY.client_id))).redirects(0);
    const uid = /^\/interaction\/([^/?]+)$/.exec(new URL(started.headers.location!, issuer).pathname)![1]!;
    const message = messageFor(await getInteraction(browser, uid), wallet.address);
    const from = balancer!.routes.length;
    const login = await postLogin(browser, uid, message, await wallet.signMessage(message));
    assert.equal(login.status, 200, login.text);

    const route = balancer!.routes[from]!;
    assert.equal(route.path, `/interaction/${uid}/login`);
    assert.equal(route.forwardedFor, `${SPOOFED}, 127.0.0.1`, 'the client wrote the first entry, the proxy appended the second');
    const instance = instances['AB'.indexOf(route.backend)]!;
    await sleep(100); // the audit line is written as the answer goes out
    const audit = instance.logLines().find((line) => line.event === 'login' && line.address === wallet.address);
    assert.ok(audit, instance.stderr());
    assert.equal(audit.outcome, 'success');
    // Not the client's claim (203.0.113.66), nor the TCP peer (the proxy's 127.0.0.2): the client as the proxy saw it.
    assert.equal(audit.client_address, '127.0.0.1');
  });

  it('reads the registration token from its file, and a client registered through one instance is read through the other', async () => {
    const browser = agent();
    const body = { redirect_uris: ['https://rp.example.test/cb'] };
    const refused = await browser.post('/reg').send(body);
    assert.notEqual(refused.status, 201);
    const created = await browser.post('/reg').set('Authorization', `Bearer ${registrationToken}`).send(body);
    assert.equal(created.status, 201, created.text);
    const from = balancer!.routes.length;
    const readBack = await browser
      .get(new URL(created.body.registration_client_uri).pathname)
      .set('Authorization', `Bearer ${created.body.registration_access_token}`);
    assert.equal(readBack.status, 200, readBack.text);
    assert.equal(readBack.body.client_id, created.body.client_id);
    assert.notEqual(balancer!.routes[from]!.backend, balancer!.routes[from - 1]!.backend);
  });

  it('takes a stopped instance out of the rotation while it drains; every request keeps an answer', async function () {
    this.timeout(20_000);
    const [a, b] = instances as [MainProcess, MainProcess];
    b.child.kill('SIGTERM');
    const signalled = Date.now();
    while (balancer!.ready.includes('B')) {
      assert.ok(Date.now() - signalled < 1000, 'the proxy sees B draining (/readyz 503) within its accept window (1 s)');
      await sleep(20);
    }
    const from = balancer!.routes.length;
    for (let i = 0; i < 4; i += 1) {
      const discovery = await agent().get('/.well-known/openid-configuration');
      assert.equal(discovery.status, 200);
    }
    assert.deepEqual(new Set(balancer!.routes.slice(from).map((route) => route.backend)), new Set(['A']));
    assert.equal(await b.exited, 0, b.stderr());
    assert.equal(a.child.exitCode, null);
  });
});

// --- the same, behind the real Caddy with deploy/Caddyfile (where Caddy is installed) -------------------------

const hasCaddy = () =>
  run('caddy', ['version']).then(
    () => true,
    () => false,
  );

(MEMORY_ONLY ? describe.skip : describe)('the compose topology behind Caddy itself (deploy/Caddyfile, when Caddy is installed)', () => {
  let dir: string;
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let instances: MainProcess[] = [];
  const relays: RecordingRelay[] = [];
  let caddy: ChildProcess | undefined;
  let caddyOutput = '';
  let issuer: string;
  let rootCertificate: string;
  const agent = (): Agent => supertest.agent(issuer).ca(rootCertificate).set('X-Forwarded-For', SPOOFED) as unknown as Agent;

  before(async function () {
    this.timeout(30_000);
    if (!(await hasCaddy())) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'siwe-idp-caddy-'));
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    const port = await freePort();
    issuer = `https://localhost:${port}`;
    const secret = async (name: string, content: string) => {
      const path = join(dir, name);
      await writeFile(path, content, { mode: 0o600 });
      return path;
    };
    const shared = {
      NODE_ENV: 'production',
      ISSUER: issuer,
      TRUST_PROXY: '1',
      SHUTDOWN_TIMEOUT: '10',
      REDIS_URL_FILE: await secret('redis_url', `redis://127.0.0.1:${redisPort}\n`),
      COOKIE_KEYS_FILE: await secret('cookie_keys', `${randomBytes(32).toString('base64url')}\n`),
      JWKS_FILE: await secret('jwks.json', JSON.stringify(await generateRotatingJwks())),
      CLIENTS_FILE: await secret('clients.json', JSON.stringify(TEST_CLIENTS)),
    };
    instances = await Promise.all([startMainProcess(shared), startMainProcess(shared)]);
    for (const instance of instances) {
      const relay = new RecordingRelay(instance.origin);
      await relay.start();
      relays.push(relay);
    }

    // deploy/Caddyfile as docker-compose.yml gives it (SITE_ADDRESS=localhost, CADDY_TLS=internal), adapted to
    // Caddy's JSON; then only what differs outside Docker: the port, the upstreams' addresses (each instance
    // behind its relay), the storage folder, no admin endpoint, no HTTP redirect server, no system trust store.
    const { stdout } = await run('caddy', ['adapt', '--adapter', 'caddyfile', '--config', join(ROOT, 'deploy/Caddyfile')], {
      env: { PATH: process.env.PATH, HOME: dir, SITE_ADDRESS: 'localhost', CADDY_TLS: 'internal' },
    });
    const upstreams = stdout
      .replace('"idp1:3000"', `"127.0.0.1:${relays[0]!.port}"`)
      .replace('"idp2:3000"', `"127.0.0.1:${relays[1]!.port}"`);
    assert.notEqual(upstreams, stdout);
    const config = JSON.parse(upstreams) as {
      admin?: unknown;
      storage?: unknown;
      apps: { http: { https_port?: number; servers: Record<string, Record<string, unknown>> }; pki?: unknown };
    };
    config.admin = { disabled: true };
    config.storage = { module: 'file_system', root: join(dir, 'caddy') };
    config.apps.http.https_port = port;
    config.apps.http.servers.srv0!.listen = [`127.0.0.1:${port}`];
    config.apps.http.servers.srv0!.automatic_https = { disable_redirects: true };
    config.apps.pki = { certificate_authorities: { local: { install_trust: false } } };
    await writeFile(join(dir, 'caddy.json'), JSON.stringify(config));
    caddy = spawn('caddy', ['run', '--config', join(dir, 'caddy.json')], {
      env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    caddy.stdout!.on('data', (chunk: Buffer) => {
      caddyOutput += chunk.toString();
    });
    caddy.stderr!.on('data', (chunk: Buffer) => {
      caddyOutput += chunk.toString();
    });
    const rootFile = join(dir, 'caddy/pki/authorities/local/root.crt');
    const deadline = Date.now() + 15_000;
    for (;;) {
      assert.ok(Date.now() < deadline, `Caddy did not serve:\n${caddyOutput}`);
      assert.equal(caddy.exitCode, null, `Caddy exited:\n${caddyOutput}`);
      rootCertificate = await readFile(rootFile, 'utf8').catch(() => '');
      if (rootCertificate) {
        const answer = await supertest(issuer)
          .get('/healthz')
          .ca(rootCertificate)
          .then(
            (response) => response.status,
            () => 0,
          );
        if (answer === 200) break;
      }
      await sleep(100);
    }
  });

  after(async () => {
    if (caddy && caddy.exitCode === null) {
      const exited = once(caddy, 'exit');
      caddy.kill('SIGKILL');
      await exited;
    }
    await Promise.all(relays.map((relay) => relay.stop()));
    await Promise.all(instances.map(stopMainProcess));
    await kill(redis);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('checks /readyz on both instances and sends requests to them in turn', async () => {
    const checked = () => relays.every((relay) => relay.requests.some((entry) => entry.path === '/readyz' && entry.status === 200));
    for (const started = Date.now(); !checked(); await sleep(20)) assert.ok(Date.now() - started < 3000, 'Caddy checks /readyz every 2 s');
    const before = relays.map((relay) => relay.traffic.length);
    for (let i = 0; i < 4; i += 1) assert.equal((await agent().get('/.well-known/openid-configuration')).body.issuer, issuer);
    assert.deepEqual(
      relays.map((relay, index) => relay.traffic.length - before[index]!),
      [2, 2],
    );
  });

  it('completes a login with Secure cookies whose code buys tokens; the client address is the one Caddy saw', async function () {
    this.timeout(20_000);
    const browser = agent();
    const wallet = Wallet.createRandom();
    const authRequest = newAuthRequest(FIRST_PARTY.client_id);
    const started = await browser.get(authorizeUrl(authRequest)).redirects(0);
    assert.equal(started.status, 303, started.text);
    for (const cookie of started.headers['set-cookie'] as unknown as string[]) assert.match(cookie, /;\s*secure\b/i);
    const uid = /^\/interaction\/([^/?]+)$/.exec(new URL(started.headers.location!, issuer).pathname)![1]!;
    const message = messageFor(await getInteraction(browser, uid), wallet.address);
    const login = await postLogin(browser, uid, message, await wallet.signMessage(message));
    assert.equal(login.status, 200, login.text);
    const callback = await follow(browser, login.body.redirectTo);
    const tokens = await exchangeCode(browser, FIRST_PARTY, callback, authRequest);
    assert.equal(tokens.status, 200, tokens.text);
    const { payload } = await jwtVerify(tokens.body.id_token, createLocalJWKSet((await browser.get('/jwks')).body as JSONWebKeySet), {
      issuer,
      audience: FIRST_PARTY.client_id,
    });
    assert.equal(payload.sub, wallet.address);

    // Caddy drops the client's X-Forwarded-For and writes the address it saw.
    const relayed = relays.flatMap((relay) => relay.traffic).find((entry) => entry.path === `/interaction/${uid}/login`);
    assert.equal(relayed?.forwardedFor, '127.0.0.1');
    await sleep(100);
    const audit = instances
      .flatMap((instance) => instance.logLines())
      .find((line) => line.event === 'login' && line.address === wallet.address);
    assert.equal(audit?.client_address, '127.0.0.1');
  });

  it('takes a stopping instance out of the rotation on its first failed /readyz, while it still accepts connections', async function () {
    this.timeout(20_000);
    const [, b] = instances as [MainProcess, MainProcess];
    const signalled = Date.now();
    b.child.kill('SIGTERM');
    // Caddy checks every 2 s; the instance accepts new connections for 5 s (SHUTDOWN_TIMEOUT=10).
    while (!relays[1]!.requests.some((entry) => entry.path === '/readyz' && entry.at >= signalled && entry.status === 503)) {
      assert.ok(Date.now() - signalled < 4000, 'Caddy asked /readyz within its interval');
      await sleep(20);
    }
    await sleep(100);
    const before = relays.map((relay) => relay.traffic.length);
    for (let i = 0; i < 6; i += 1) assert.equal((await agent().get('/.well-known/openid-configuration')).status, 200);
    assert.deepEqual(
      relays.map((relay, index) => relay.traffic.length - before[index]!),
      [6, 0],
    );
    assert.ok(Date.now() - signalled < 5000, 'all within the accept window: only the health check took it out');
  });
});
