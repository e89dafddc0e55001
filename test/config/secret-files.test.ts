/** `<NAME>_FILE` for the secret settings (src/config/secret-files.ts): Docker secrets, refusals that name no secret. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config/env.js';
import { MAX_SECRET_FILE_BYTES, readSecretFiles, SECRET_SETTINGS } from '../../src/config/secret-files.js';
import { generateRotatingJwks } from '../../src/config/keys.js';
import { cli } from '../support/cli.js';
import { problemsOf, startMain } from '../support/config.js';
import { MEMORY_ONLY, REDIS_URL } from '../support/storage-backends.js';

describe('secret settings from files (<NAME>_FILE)', () => {
  let dir: string;
  let n = 0;
  /** A new file holding `content`, mode 0600, as a Docker secret or `echo … > file` leaves it. */
  const secretFile = async (content: string | Buffer): Promise<string> => {
    n += 1;
    const path = join(dir, `secret-${n}`);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'siwe-idp-secret-files-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('covers exactly the secret settings', () => {
    assert.deepEqual([...SECRET_SETTINGS].sort(), [
      'COOKIE_KEYS',
      'ENS_RPC_URL',
      'REDIS_CLUSTER_NODES',
      'REDIS_PASSWORD',
      'REDIS_SENTINEL_PASSWORD',
      'REDIS_URL',
      'REGISTRATION_INITIAL_ACCESS_TOKEN',
      'RPC_URLS',
    ]);
  });

  it("reads Redis Sentinel passwords and a cluster's node URLs from files", async () => {
    const sentinel = readConfig({
      NODE_ENV: 'development',
      REDIS_SENTINELS: '10.0.0.11:26379,10.0.0.12:26379',
      REDIS_SENTINEL_NAME: 'siwe',
      REDIS_PASSWORD_FILE: await secretFile('master-secret\n'),
      REDIS_SENTINEL_PASSWORD_FILE: await secretFile('sentinel-secret\n'),
    });
    const topology = sentinel.redis?.topology;
    assert.ok(topology?.kind === 'sentinel');
    assert.equal(topology.password, 'master-secret');
    assert.equal(topology.sentinelPassword, 'sentinel-secret');
    const cluster = readConfig({
      NODE_ENV: 'development',
      REDIS_CLUSTER_NODES_FILE: await secretFile('redis://:c%40ss@10.0.0.21:6379,redis://:c%40ss@10.0.0.22:6379\n'),
    });
    assert.equal(cluster.redis?.topology.kind, 'cluster');
  });

  it('reads each secret setting from its file, the trailing line break trimmed, as if it had been set', async () => {
    const cookieKeys = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
    const token = randomBytes(32).toString('base64url');
    const config = readConfig({
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      JWKS_FILE: '/run/secrets/jwks.json',
      CLIENTS_FILE: '/run/secrets/clients.json',
      CHAIN_IDS: '1,8453',
      COOKIE_KEYS_FILE: await secretFile(`${cookieKeys.join(',')}\n`),
      REGISTRATION_INITIAL_ACCESS_TOKEN_FILE: await secretFile(`${token}\r\n`),
      REDIS_URL_FILE: await secretFile('redis://:p%40ss@redis:6379/2\n\n'),
      RPC_URLS_FILE: await secretFile('1=https://eth.example/v2/KEY,8453=https://base.example/v2/KEY'),
      ENS_RPC_URL_FILE: await secretFile('https://ens.example/v2/KEY\n'),
    });
    assert.equal('rpcUrl' in config.ens && config.ens.rpcUrl, 'https://ens.example/v2/KEY');
    assert.deepEqual(config.cookieKeys, cookieKeys);
    assert.equal(config.registration.mode, 'token');
    assert.equal(config.registration.initialAccessToken, token);
    assert.equal(config.redisUrl, 'redis://:p%40ss@redis:6379/2');
    assert.deepEqual(
      config.rpcUrls,
      new Map([
        [1, 'https://eth.example/v2/KEY'],
        [8453, 'https://base.example/v2/KEY'],
      ]),
    );
  });

  it('leaves the given environment alone and drops the _FILE variables from the one it returns', async () => {
    const env = { COOKIE_KEYS_FILE: await secretFile('k'.repeat(32)), PORT: '1234' };
    const problems: string[] = [];
    const resolved = readSecretFiles(env, problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(resolved, { PORT: '1234', COOKIE_KEYS: 'k'.repeat(32) });
    assert.ok('COOKIE_KEYS_FILE' in env && !('COOKIE_KEYS' in env));
    assert.equal(readSecretFiles(resolved, problems), resolved, 'nothing more to read');
    assert.equal(readSecretFiles({ PORT: '1', COOKIE_KEYS_FILE: ' ' }, problems).COOKIE_KEYS, undefined, 'a blank _FILE is unset');
  });

  it('refuses NAME and NAME_FILE together; a blank NAME counts as unset', async () => {
    const file = await secretFile('r'.repeat(40));
    for (const name of SECRET_SETTINGS) {
      const problems = problemsOf({ [name]: 'from-the-environment', [`${name}_FILE`]: file });
      assert.ok(
        problems.includes(`${name} and ${name}_FILE are both set: set one of them (${name}_FILE reads the value from a file)`),
        problems.join('\n'),
      );
    }
    assert.deepEqual(readConfig({ COOKIE_KEYS: '', COOKIE_KEYS_FILE: file }).cookieKeys, ['r'.repeat(40)]);
  });

  it('refuses a file it cannot use, naming the variable and the path, never the content', async () => {
    const secret = `redis://:${randomBytes(16).toString('hex')}@redis:6379`;
    const subdir = join(dir, 'a-directory');
    await mkdir(subdir);
    const cases: [string, string, RegExp][] = [
      ['COOKIE_KEYS_FILE', join(dir, 'missing'), /: no such file$/],
      ['REDIS_URL_FILE', subdir, /: it is a directory$/],
      ['RPC_URLS_FILE', '/dev/null', /: not a regular file$/],
      ['REGISTRATION_INITIAL_ACCESS_TOKEN_FILE', await secretFile('\n'), /: it is empty$/],
      ['REDIS_URL_FILE', await secretFile(`${secret}\n${'x'.repeat(MAX_SECRET_FILE_BYTES)}`), /: larger than 64 KiB$/],
    ];
    for (const [variable, path, reason] of cases) {
      const problems = problemsOf({ [variable]: path });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.ok(problems[0]!.startsWith(`${variable} ${path} cannot be read: `), problems[0]);
      assert.match(problems[0]!, reason);
      assert.ok(!problems[0]!.includes(secret.slice(9, 20)));
    }
  });

  it('refuses a file the server may not read (a root-owned 0600 secret, the server running as another user)', async function () {
    this.timeout(20_000);
    const path = await secretFile('k'.repeat(32));
    const expected = `COOKIE_KEYS_FILE ${path} cannot be read: permission denied (the server runs as its own user: make the file readable by it)`;
    if (process.getuid?.() !== 0) {
      await chmod(path, 0o000);
      assert.deepEqual(problemsOf({ COOKIE_KEYS_FILE: path }), [expected]);
      return;
    }
    // As root (CI): the start itself, as the unprivileged user `nobody`, as the image's `node` user meets a secret mounted 0600 root.
    const main = new URL('../../src/main.ts', import.meta.url).pathname;
    const asNobody = { uid: 65534, gid: 65534, timeout: 15_000 };
    const reachable = await new Promise<boolean>((resolve) => {
      execFile(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(main)}, 4)`], asNobody, (error) => resolve(!error));
    });
    if (!reachable) this.skip(); // a checkout only root may read
    await chmod(dir, 0o755);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', main],
        { env: { PATH: process.env.PATH, COOKIE_KEYS_FILE: path }, ...asNobody },
        (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    assert.equal(code, 1, stderr);
    assert.ok(stderr.includes(JSON.stringify(expected)), stderr);
  });

  it('the start stops (exit 1) naming the variable and path; a secret from a file is never logged', async function () {
    this.timeout(20_000);
    const missing = join(dir, 'no-such-secret');
    const shortToken = `tok-${randomBytes(6).toString('hex')}`;
    const jwksFile = join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(await generateRotatingJwks()), { mode: 0o600 });
    const { code, stdout, stderr } = await startMain({
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      JWKS_FILE: jwksFile,
      CLIENTS_FILE: join(dir, 'clients.json'),
      COOKIE_KEYS_FILE: missing,
      REGISTRATION_INITIAL_ACCESS_TOKEN_FILE: await secretFile(`${shortToken}\n`),
    });
    assert.equal(code, 1, stderr);
    assert.equal(stdout, '');
    const fatal = JSON.parse(stderr.trim().split('\n').at(-1)!) as { level: string; problems: string[] };
    assert.equal(fatal.level, 'fatal');
    assert.ok(fatal.problems.includes(`COOKIE_KEYS_FILE ${missing} cannot be read: no such file`), stderr);
    assert.ok(fatal.problems.some((problem) => problem.startsWith('REGISTRATION_INITIAL_ACCESS_TOKEN must be at least 32 characters')));
    assert.ok(!stderr.includes(shortToken), 'the token read from its file is not logged');
  });

  (MEMORY_ONLY ? it.skip : it)('`siwe-idp config check` reaches Redis through REDIS_URL_FILE', async function () {
    this.timeout(30_000);
    const { code, stdout, stderr } = await cli(['config', 'check'], { REDIS_URL_FILE: await secretFile(`${REDIS_URL}\n`) });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /ok {7}REDIS_URL: Redis answers/);
  });
});
