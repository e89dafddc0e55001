/**
 * The `siwe-idp` command, run as a process: `clients add|list|show|remove`
 * against the Redis a running server uses (a private redis-server here), so
 * a client added from the command line signs a wallet in at once; the
 * refusal without a shared store; clients files; `config check`; a stale
 * entry in the store's client index skipped and dropped by `clients list`.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import { generateJwks } from '../../src/config/keys.js';
import { loadSettings } from '../../src/config/settings.js';
import { CLIENT_INDEX_KEY } from '../../src/oidc/client-index.js';
import { createStore } from '../../src/storage/store.js';
import { freePort, kill, startRedis } from '../support/redis-server.js';
import { startServer, type TestServer } from '../support/server.js';
import { cli } from '../support/cli.js';
import { RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

// Each command is a fresh Node.js process that loads TypeScript and oidc-provider: about a second or two.
const CLI_TIMEOUT = 90_000;

describe('siwe-idp command-line tool', function () {
  this.timeout(CLI_TIMEOUT);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'siwe-idp-cli-'));
  });

  it('prints its usage', async () => {
    const { code, stdout } = await cli(['--help']);
    assert.equal(code, 0);
    for (const command of [
      'clients add',
      'clients list',
      'clients show',
      'clients remove',
      'keys generate',
      'keys rotate',
      'keys list',
      'config check',
    ]) {
      assert.ok(stdout.includes(command), command);
    }
  });

  it('refuses an unknown command with exit code 2', async () => {
    const { code, stderr } = await cli(['frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command/);
  });

  it('clients add without REDIS_URL says why it cannot reach the server, and what to do instead', async () => {
    const { code, stderr } = await cli(['clients', 'add', 'my-app', '--redirect-uri', 'https://my-app.example/callback']);
    assert.equal(code, 1);
    assert.match(stderr, /REDIS_URL is not set/);
    assert.match(stderr, /--file/);
  });

  it('clients add --file writes a client the server loads from CLIENTS_FILE', async () => {
    const file = join(dir, 'clients.json');
    const added = await cli([
      'clients',
      'add',
      'my-app',
      '--file',
      file,
      '--name',
      'My App',
      '--redirect-uri',
      'https://my-app.example/callback',
      '--scope',
      'openid ethereum',
      '--first-party',
      '--refresh-tokens',
      '--logo-uri',
      'https://my-app.example/logo.png',
    ]);
    assert.equal(added.code, 0, added.stderr);
    const secret = /client_secret: (\S+)/.exec(added.stdout)?.[1];
    assert.ok(secret, 'the generated secret is printed once');
    const settings = await loadSettings({ CLIENTS_FILE: file });
    const [client] = settings.clients;
    assert.equal(client?.client_id, 'my-app');
    assert.equal(client?.client_secret, secret);
    assert.equal(client?.first_party, true);
    assert.deepEqual(client?.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(client?.scope, 'openid ethereum');

    const duplicate = await cli(['clients', 'add', 'my-app', '--file', file, '--redirect-uri', 'https://my-app.example/callback']);
    assert.equal(duplicate.code, 1);
    const removed = await cli(['clients', 'remove', 'my-app', '--file', file]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), []);
  });

  it('clients add --device: a device-only public client (no redirect URI) the server lets start a device sign-in', async () => {
    const file = join(dir, 'device-clients.json');
    const added = await cli(['clients', 'add', 'my-cli', '--file', file, '--name', 'My CLI', '--device', '--public']);
    assert.equal(added.code, 0, added.stderr);
    const both = await cli(['clients', 'add', 'my-tv', '--file', file, '--device', '--redirect-uri', 'https://tv.example/callback']);
    assert.equal(both.code, 0, both.stderr);
    const settings = await loadSettings({ CLIENTS_FILE: file });
    const [cliClient, tv] = settings.clients;
    assert.deepEqual(cliClient?.grant_types, ['urn:ietf:params:oauth:grant-type:device_code']);
    assert.deepEqual(cliClient?.response_types, []);
    assert.deepEqual(cliClient?.redirect_uris, []);
    assert.equal(cliClient?.token_endpoint_auth_method, 'none');
    assert.deepEqual(tv?.grant_types, ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code']);
    const server = await startServer({ clients: settings.clients });
    try {
      const response = await fetch(`${server.issuer}/device/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=my-cli&scope=openid',
      });
      assert.equal(response.status, 200);
      assert.match(((await response.json()) as { user_code: string }).user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    } finally {
      await server.close();
    }
    const neither = await cli(['clients', 'add', 'nothing', '--file', file]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /--redirect-uri \(or --device/);
  });

  it("clients add refuses invalid metadata with oidc-provider's reason", async () => {
    const { code, stderr } = await cli(['clients', 'add', 'bad', '--file', join(dir, 'bad.json'), '--redirect-uri', 'not a url']);
    assert.equal(code, 1);
    assert.match(stderr, /redirect_uris/);
  });

  it('config check passes a good configuration and lists every problem of a bad one', async () => {
    const jwks = join(dir, 'jwks.json');
    assert.equal((await cli(['keys', 'generate', '--out', jwks])).code, 0);
    const clients = join(dir, 'good-clients.json');
    writeFileSync(
      clients,
      JSON.stringify([{ client_id: 'app', client_secret: 's'.repeat(40), redirect_uris: ['https://app.example/cb'] }]),
    );
    const good = await cli(['config', 'check'], { JWKS_FILE: jwks, CLIENTS_FILE: clients });
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /configuration ok/);

    const badClients = join(dir, 'bad-clients.json');
    writeFileSync(badClients, JSON.stringify([{ client_id: 'bad', client_secret: 'x', redirect_uris: ['not a url'] }]));
    const bad = await cli(['config', 'check'], { SUBJECT_FORMAT: 'did', JWKS_FILE: join(dir, 'missing.json'), CLIENTS_FILE: badClients });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /SUBJECT_FORMAT must be one of address, caip10/);
    assert.match(bad.stderr, /JWKS_FILE .*missing\.json cannot be read/);
    const badClientsOnly = await cli(['config', 'check'], { CLIENTS_FILE: badClients });
    assert.equal(badClientsOnly.code, 1);
    assert.match(badClientsOnly.stderr, /client "bad": invalid_redirect_uri/);
  });
});

describe('siwe-idp clients, against the Redis of a running server', function () {
  this.timeout(CLI_TIMEOUT);
  let redis: ChildProcess;
  let redisUrl: string;
  let server: TestServer;

  before(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    redisUrl = `redis://127.0.0.1:${port}`;
    // The server's default namespace, as `npm start` with REDIS_URL uses it.
    const shared = { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: 'siwe-idp' };
    server = await startServer({ backend: 'redis', redisUrl, shared, clients: [], env: { REGISTRATION: 'open' } });
  });
  after(async () => {
    await server.close();
    await kill(redis);
  });

  it('a client added by the command line signs a wallet in at once; list, show, remove', async () => {
    const added = await cli(
      ['clients', 'add', 'cli-app', '--name', 'CLI App', '--redirect-uri', RP_CALLBACK, '--first-party', '--scope', 'openid ethereum'],
      { REDIS_URL: redisUrl, CLIENTS_FILE: '' },
    );
    assert.equal(added.code, 0, added.stderr);
    const secret = /client_secret: (\S+)/.exec(added.stdout)?.[1];
    assert.ok(secret);

    const config = await discover(server, { clientId: 'cli-app', clientAuth: oidc.ClientSecretBasic(secret) });
    const wallet = Wallet.createRandom() as unknown as Wallet;
    const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK, scope: 'openid ethereum' });
    const callback = await signIn(new UserAgent(), url, { wallet, rpOrigin: RP_ORIGIN });
    assert.deepEqual(callback.prompts, ['login'], 'first-party: no consent screen');
    const tokens = await oidc.authorizationCodeGrant(config, callback.request(), checks);
    assert.equal(tokens.claims()?.sub, wallet.address);

    // A client registered dynamically on the server is listed too.
    const registered = await oidc.dynamicClientRegistration(new URL(server.issuer), { redirect_uris: [RP_CALLBACK] }, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const listed = await cli(['clients', 'list'], { REDIS_URL: redisUrl });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^cli-app\s+CLI App\s+client_secret_basic\s+yes\s/m);
    assert.ok(listed.stdout.includes(registered.clientMetadata().client_id), 'the dynamically registered client');
    assert.ok(listed.stdout.includes('dev-client'), 'and the static ones');

    const shown = await cli(['clients', 'show', 'cli-app'], { REDIS_URL: redisUrl });
    assert.equal(shown.code, 0, shown.stderr);
    assert.doesNotMatch(shown.stdout, new RegExp(secret), 'the secret is hidden unless asked for');
    const withSecret = await cli(['clients', 'show', 'cli-app', '--show-secret'], { REDIS_URL: redisUrl });
    assert.ok(withSecret.stdout.includes(secret));

    const removed = await cli(['clients', 'remove', 'cli-app'], { REDIS_URL: redisUrl });
    assert.equal(removed.code, 0, removed.stderr);
    const gone = await fetch(url, { redirect: 'manual' });
    assert.equal(gone.status, 400, 'the server no longer knows the client');
    const listedAfter = await cli(['clients', 'list'], { REDIS_URL: redisUrl });
    assert.doesNotMatch(listedAfter.stdout, /^cli-app/m);
  });

  it("clients list skips an id in the store's client index whose record is gone, and drops it from the index", async () => {
    const store = await createStore({ redisUrl });
    try {
      await store.addToSet(CLIENT_INDEX_KEY, 'ghost-app', Number.POSITIVE_INFINITY);
      const listed = await cli(['clients', 'list'], { REDIS_URL: redisUrl });
      assert.equal(listed.code, 0, listed.stderr);
      assert.doesNotMatch(listed.stdout, /ghost-app/);
      assert.match(listed.stderr, /dropped "ghost-app" from the store's client index/);
      assert.ok(!(await store.members(CLIENT_INDEX_KEY)).includes('ghost-app'));
      const again = await cli(['clients', 'list'], { REDIS_URL: redisUrl });
      assert.doesNotMatch(again.stderr, /ghost-app/, 'once');
    } finally {
      await store.close();
    }
  });

  it('refuses to add a client whose id a static client already has', async () => {
    const { code, stderr } = await cli(['clients', 'add', 'dev-client', '--redirect-uri', RP_CALLBACK], { REDIS_URL: redisUrl });
    assert.equal(code, 1);
    assert.match(stderr, /static client/);
  });
});
