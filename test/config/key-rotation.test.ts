/**
 * Signing key rotation. A JWKS file from `siwe-idp keys generate` publishes
 * each next key before it signs anything; `siwe-idp keys rotate` promotes it
 * and keeps the retired key published, so an ID token issued before the
 * rotation still verifies against /jwks after the server restarts with the
 * rotated file. The rotation step itself is checked on its own as well.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import type { ConfigError } from '../../src/config/config-error.js';
import { generateJwks, generateKey, generateRotatingJwks, loadJwks } from '../../src/config/keys.js';
import { providerKeys, rotate, statusOf, type StoredJwks } from '../../src/config/key-rotation.js';
import { RETIRED_KEY_LIFETIME } from '../../src/oidc/token-lifetimes.js';
import { startServer, type TestServer } from '../support/server.js';
import { cli } from '../support/cli.js';
import { BASIC, RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

const HOUR = 3600 * 1000;
const kidsOf = (jwks: StoredJwks, status: string, alg = 'ES256') =>
  jwks.keys.filter((key) => statusOf(key) === status && key.alg === alg).map((key) => key.kid);

describe('key rotation: the rotation step', () => {
  const options = (now: Date) => ({ now, retireForSeconds: RETIRED_KEY_LIFETIME, generate: generateKey });

  it('promotes the next key, retires the current one until the longest token lifetime has passed, publishes a new next key', async () => {
    const before = await generateRotatingJwks();
    const now = new Date();
    const { jwks: after } = await rotate(before, options(now));
    for (const alg of ['ES256', 'RS256']) {
      assert.deepEqual(kidsOf(after, 'current', alg), kidsOf(before, 'next', alg), `${alg}: the next key signs`);
      assert.deepEqual(kidsOf(after, 'retired', alg), kidsOf(before, 'current', alg), `${alg}: the current key is retired`);
      assert.equal(kidsOf(after, 'next', alg).length, 1, `${alg}: a new next key`);
      assert.ok(!kidsOf(before, 'next', alg).includes(kidsOf(after, 'next', alg)[0]), `${alg}: the next key is new`);
    }
    const retired = after.keys.find((key) => statusOf(key) === 'retired')!;
    assert.equal(Date.parse(retired.retired_until!), now.getTime() + RETIRED_KEY_LIFETIME * 1000);
  });

  it('drops retired keys only once their time has passed', async () => {
    const { jwks: once } = await rotate(await generateRotatingJwks(), options(new Date()));
    const { jwks: soon } = await rotate(once, options(new Date(Date.now() + HOUR)));
    assert.equal(soon.keys.filter((key) => statusOf(key) === 'retired').length, 4, 'both generations are still published');
    const later = new Date(Date.now() + RETIRED_KEY_LIFETIME * 1000 + 2 * HOUR);
    const { jwks: pruned, changes } = await rotate(soon, options(later));
    assert.equal(pruned.keys.filter((key) => statusOf(key) === 'retired').length, 2, 'the first retirees are gone');
    assert.ok(changes.some((change) => change.startsWith('removed ES256 key')));
  });

  it('a file without next keys (a plain JWKS, e.g. written by hand) first gets them published, without promoting anything', async () => {
    const plain = await generateJwks();
    const { jwks, changes } = await rotate(plain, options(new Date()));
    assert.deepEqual(kidsOf(jwks, 'current'), kidsOf(plain, 'current'));
    assert.equal(kidsOf(jwks, 'next').length, 1);
    assert.ok(changes.some((change) => /none was promoted/.test(change)));
  });

  it('oidc-provider gets current keys first and the others as verify-only, without our members', async () => {
    const { jwks } = await rotate(await generateRotatingJwks(), options(new Date()));
    const keys = providerKeys(jwks.keys);
    assert.deepEqual(
      keys.slice(0, 2).map((key) => key.key_ops),
      [undefined, undefined],
    );
    assert.ok(keys.slice(2).every((key) => key.key_ops?.length === 1 && key.key_ops[0] === 'verify'));
    assert.ok(keys.every((key) => !('status' in key) && !('retired_until' in key)));
  });

  it('refuses a file whose only P-256 key is not current, or with an unknown status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siwe-idp-keys-'));
    const { keys } = await generateJwks();
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: keys.map((key) => (key.kty === 'EC' ? { ...key, status: 'next' } : key)) }));
    await assert.rejects(loadJwks(file), (error: ConfigError) => /current .*EC P-256/.test(error.message));
    writeFileSync(file, JSON.stringify({ keys: [{ ...keys[0], status: 'old' }] }));
    await assert.rejects(loadJwks(file), /"status" must be "next" or "retired"/);
  });
});

describe('key rotation with the command-line tool and a restarted server', function () {
  // The key commands run as processes that load TypeScript and oidc-provider.
  this.timeout(60_000);
  let file: string;
  let server: TestServer | undefined;
  const cookieKeys = [randomBytes(32).toString('hex')];

  before(() => {
    file = join(mkdtempSync(join(tmpdir(), 'siwe-idp-keys-')), 'jwks.json');
  });
  after(() => server?.close());

  /** (Re)starts the server with the key file, on the same port: the same issuer, as a restart in production. */
  async function serve(): Promise<{ jwks: JSONWebKeySet; config: oidc.Configuration }> {
    const port = server ? Number(new URL(server.issuer).port) : undefined;
    await server?.close();
    server = await startServer({ clients: [BASIC], port, shared: { jwks: await loadJwks(file), cookieKeys, namespace: 'unused' } });
    const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as JSONWebKeySet;
    const config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
    return { jwks, config };
  }

  async function idToken(config: oidc.Configuration): Promise<string> {
    const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK });
    const callback = await signIn(new UserAgent(), url, { wallet: Wallet.createRandom(), rpOrigin: RP_ORIGIN });
    return (await oidc.authorizationCodeGrant(config, callback.request(), checks)).id_token!;
  }

  it('keeps tokens issued before a rotation verifiable, and signs with a key published before it signed', async () => {
    const generated = await cli(['keys', 'generate', '--out', file]);
    assert.equal(generated.code, 0, generated.stderr);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredJwks;
    const [current] = kidsOf(stored, 'current');
    const [next] = kidsOf(stored, 'next');

    const first = await serve();
    assert.deepEqual(first.jwks.keys.map((key) => key.kid).sort(), stored.keys.map((key) => key.kid).sort(), 'every key is published');
    assert.deepEqual(first.jwks.keys.find((key) => key.kid === next)!.key_ops, ['verify'], 'the next key is published, verify-only');
    const before = await idToken(first.config);
    assert.equal(decodeProtectedHeader(before).kid, current);

    const rotated = await cli(['keys', 'rotate'], { JWKS_FILE: file });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /promoted ES256 key/);

    const second = await serve();
    const jwks = createLocalJWKSet(second.jwks);
    const { payload } = await jwtVerify(before, jwks, { issuer: server!.issuer, audience: BASIC.client_id });
    assert.ok(payload.sub, 'the token from before the rotation verifies against the new /jwks');
    assert.deepEqual(second.jwks.keys.find((key) => key.kid === current)!.key_ops, ['verify'], 'the retired key is still published');

    const after = await idToken(second.config);
    assert.equal(decodeProtectedHeader(after).kid, next, 'the promoted key signs now');
    assert.ok(
      first.jwks.keys.some((key) => key.kid === next),
      '…and it was in /jwks before it signed anything',
    );
    await jwtVerify(after, jwks, { issuer: server!.issuer, audience: BASIC.client_id });
  });

  it('keys list shows each key and its state', async () => {
    const listed = await cli(['keys', 'list', '--file', file]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ES256\s+current\s+signs/);
    assert.match(listed.stdout, /ES256\s+next/);
    assert.match(listed.stdout, /ES256\s+retired\s+published until/);
  });

  it('keys generate does not overwrite a file unless told to', async () => {
    const again = await cli(['keys', 'generate', '--out', file]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists/);
  });
});
