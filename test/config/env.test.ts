/** Configuration: defaults, refusals with messages that say what to set, and the start command's help. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config/env.js';
import { generateJwks, loadJwks } from '../../src/config/keys.js';
import { loadSettings } from '../../src/config/settings.js';
import { problemsOf, startMain } from '../support/config.js';

describe('configuration', () => {
  it('has working defaults: port 3000, a localhost issuer, chain 1', () => {
    const config = readConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.issuer, 'http://localhost:3000');
    assert.equal(config.siweDomain, 'localhost:3000');
    assert.deepEqual(config.chainIds, [1]);
    assert.deepEqual(config.trustProxy, { mode: 'off' });
    assert.equal(config.redisUrl, undefined);
  });

  it('derives the SIWE domain from the issuer, port included, and drops a default port', () => {
    assert.equal(readConfig({ ISSUER: 'https://id.example.com:8443' }).siweDomain, 'id.example.com:8443');
    assert.equal(readConfig({ ISSUER: 'https://id.example.com/' }).siweDomain, 'id.example.com');
    assert.equal(readConfig({ ISSUER: 'https://id.example.com/' }).issuer, 'https://id.example.com');
  });

  it('parses CHAIN_IDS and TRUST_PROXY', () => {
    const config = readConfig({ CHAIN_IDS: '1, 10,8453', TRUST_PROXY: '2' });
    assert.deepEqual(config.chainIds, [1, 10, 8453]);
    assert.deepEqual(config.trustProxy, { mode: 'hops', hops: 2 });
  });

  it('reads TRUST_PROXY as off, a hop count (true is one hop) or proxy addresses, and refuses anything else', () => {
    for (const off of ['', 'false', '0', 'no', 'OFF']) assert.deepEqual(readConfig({ TRUST_PROXY: off }).trustProxy, { mode: 'off' }, off);
    for (const one of ['true', 'yes', '1']) assert.deepEqual(readConfig({ TRUST_PROXY: one }).trustProxy, { mode: 'hops', hops: 1 }, one);
    assert.deepEqual(readConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,[2001:DB8::1], fd00::/8' }).trustProxy, {
      mode: 'addresses',
      addresses: ['10.0.0.0/8', '192.0.2.7', '2001:db8::1', 'fd00::/8'],
    });
    for (const bad of ['maybe', '33', '10.0.0.0/33', '10.0.0', 'proxy.example', ',', 'fd00::/129', '1.2.3.4/8/1']) {
      assert.match(problemsOf({ TRUST_PROXY: bad }).join('\n'), /TRUST_PROXY/, bad);
    }
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', CHAIN_IDS: '1,x', TRUST_PROXY: 'maybe', ISSUER: 'https://id.example.com/path?x=1' });
    assert.equal(problems.length, 5, problems.join('\n'));
  });

  it('in production refuses a non-loopback http issuer and missing keys, cookie secrets and clients', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ISSUER: 'http://id.example.com' }).join('\n');
    assert.match(problems, /ISSUER .* http: on a non-loopback host/);
    assert.match(problems, /JWKS_FILE is required/);
    assert.match(problems, /COOKIE_KEYS is required/);
    assert.match(problems, /CLIENTS_FILE is required/);
  });

  it('in production accepts http on loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const problems = problemsOf({
        NODE_ENV: 'production',
        ISSUER: `http://${host}:3000`,
        JWKS_FILE: 'x',
        COOKIE_KEYS: 'k'.repeat(32),
        CLIENTS_FILE: 'y',
      });
      assert.deepEqual(problems, [], host);
    }
  });

  it('refuses short cookie keys in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      JWKS_FILE: 'x',
      COOKIE_KEYS: 'short',
      CLIENTS_FILE: 'y',
    });
    assert.match(problems.join('\n'), /COOKIE_KEYS: every key must be at least 32/);
  });

  it('generates keys, cookie keys and the dev client in development, with warnings', async () => {
    const settings = await loadSettings({});
    assert.equal(settings.clients[0]?.client_id, 'dev-client');
    assert.deepEqual(
      settings.jwks.keys.map((key) => key.alg),
      ['ES256', 'RS256'],
    );
    assert.ok(settings.jwks.keys.every((key) => typeof key.d === 'string' && key.kid));
    assert.equal(settings.cookieKeys.length, 1);
    const warnings = settings.warnings.join('\n');
    for (const name of ['REDIS_URL', 'JWKS_FILE', 'COOKIE_KEYS', 'CLIENTS_FILE']) assert.match(warnings, new RegExp(name));
  });

  it('loads a JWKS file and refuses one without a private P-256 key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siwe-idp-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(await generateJwks()));
    assert.equal((await loadJwks(good)).keys.length, 2);
    const publicOnly = join(dir, 'public.json');
    const { keys } = await generateJwks();
    writeFileSync(publicOnly, JSON.stringify({ keys: keys.map(({ d: _d, ...rest }) => rest) }));
    await assert.rejects(loadJwks(publicOnly), /not a private key/);
    const rsaOnly = join(dir, 'rsa.json');
    writeFileSync(rsaOnly, JSON.stringify({ keys: keys.filter((key) => key.kty === 'RSA') }));
    await assert.rejects(loadJwks(rsaOnly), /EC P-256/);
  });

  it('the start command prints --help', async () => {
    const { code, stdout } = await startMain({}, '--help');
    assert.equal(code, 0);
    for (const name of ['PORT', 'ISSUER', 'TRUST_PROXY', 'REDIS_URL', 'CLIENTS_FILE', 'JWKS_FILE', 'COOKIE_KEYS', 'CHAIN_IDS']) {
      assert.match(stdout, new RegExp(`^  ${name} `, 'm'));
    }
  });

  it('the start command refuses an unsafe production start and says what to set', async () => {
    const { code, stderr } = await startMain({ NODE_ENV: 'production', ISSUER: 'http://id.example.com' });
    assert.equal(code, 1);
    assert.match(stderr, /cannot start/);
    assert.match(stderr, /JWKS_FILE is required/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace for a configuration error');
  });

  it('the start command refuses a bad client in CLIENTS_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siwe-idp-'));
    const file = join(dir, 'clients.json');
    writeFileSync(file, JSON.stringify([{ client_id: 'bad', client_secret: 'x', redirect_uris: ['not a url'] }]));
    const { code, stderr } = await startMain({ CLIENTS_FILE: file, PORT: '0', LOG_LEVEL: 'silent' });
    assert.equal(code, 1);
    assert.match(stderr, /redirect_uris/);
  });
});
