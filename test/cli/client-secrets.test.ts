/**
 * `clients add`: a client secret comes from --secret-file or --secret-stdin,
 * never from the command line (other users see it in ps, shell history keeps
 * it): --secret, and client_secret inside --metadata, are refused with why and
 * what to use. Clients files the command writes are 0600.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { cli } from '../support/cli.js';
import { runCli } from '../support/cli-io.js';

const REDIRECT = ['--redirect-uri', 'https://app.example/callback'];
const readClients = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ClientMetadata[];

describe('siwe-idp clients add: client secrets', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'siwe-idp-secrets-'));
    file = join(dir, 'clients.json');
  });

  for (const secretArgs of [['--secret', 'hunter2-hunter2'], ['--secret=hunter2-hunter2'], ['--secret']]) {
    it(`refuses ${secretArgs.join(' ')} on the command line, saying why and what to use`, async () => {
      const { code, stderr } = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT, ...secretArgs]);
      assert.equal(code, 2);
      assert.match(stderr, /--secret is not accepted/);
      assert.match(stderr, /ps/);
      assert.match(stderr, /shell history/);
      assert.match(stderr, /--secret-file <path>/);
      assert.match(stderr, /--secret-stdin/);
      assert.ok(!existsSync(file), 'nothing written');
    });
  }

  it('refuses a client_secret inside --metadata, for the same reason', async () => {
    const { code, stderr } = await runCli([
      'clients',
      'add',
      'app',
      '--file',
      file,
      ...REDIRECT,
      '--metadata',
      '{"client_secret":"hunter2"}',
    ]);
    assert.equal(code, 2);
    assert.match(stderr, /--metadata must not hold client_secret/);
    assert.match(stderr, /shell history/);
    assert.match(stderr, /--secret-file/);
    assert.ok(!existsSync(file));
  });

  it("--secret-file: the file's content, trimmed; the clients file is written 0600", async () => {
    const secretFile = join(dir, 'app.secret');
    writeFileSync(secretFile, '  a-secret-from-a-file-0123456789abcdef  \n');
    const { code, stdout, stderr, privateOutCalls } = await runCli([
      'clients',
      'add',
      'app',
      '--file',
      file,
      ...REDIRECT,
      '--secret-file',
      secretFile,
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(readClients(file)[0]?.client_secret, 'a-secret-from-a-file-0123456789abcdef');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(stdout.includes('client_secret: a-secret-from-a-file-0123456789abcdef'));
    assert.equal(privateOutCalls, 1, 'output made private before the secret is printed');
  });

  it('--secret-file that cannot be read is an error naming it', async () => {
    const { code, stderr } = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT, '--secret-file', join(dir, 'missing')]);
    assert.equal(code, 1);
    assert.match(stderr, /--secret-file .*missing cannot be read/);
  });

  it('--secret-stdin: standard input, trimmed (a real pipe, in a real process)', async () => {
    const added = await cli(
      ['clients', 'add', 'app', '--file', file, ...REDIRECT, '--secret-stdin'],
      {},
      'a-secret-from-stdin-0123456789abcdef\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(readClients(file)[0]?.client_secret, 'a-secret-from-stdin-0123456789abcdef');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('an existing world-readable clients file ends 0600 after an edit', async () => {
    writeFileSync(file, '[]');
    chmodSync(file, 0o644);
    const { code, stderr } = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT]);
    assert.equal(code, 0, stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await runCli(['clients', 'remove', 'app', '--file', file])).code, 0);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('refuses an empty or multi-line secret, both sources at once, and a secret for a public client', async () => {
    const empty = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT, '--secret-stdin'], { stdin: ' \n' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /from standard input is empty/);
    const multiline = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT, '--secret-stdin'], { stdin: 'one\ntwo\n' });
    assert.equal(multiline.code, 2);
    assert.match(multiline.stderr, /single line/);
    const secretFile = join(dir, 'app.secret');
    writeFileSync(secretFile, 'x'.repeat(40));
    const both = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT, '--secret-stdin', '--secret-file', secretFile], {
      stdin: 'y',
    });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);
    const publicClient = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT, '--public', '--secret-file', secretFile]);
    assert.equal(publicClient.code, 2);
    assert.match(publicClient.stderr, /makes no sense with --auth-method none/);
    assert.ok(!existsSync(file));
  });

  it('without a secret option a random secret is generated and printed once', async () => {
    const { code, stdout, stderr } = await runCli(['clients', 'add', 'app', '--file', file, ...REDIRECT]);
    assert.equal(code, 0, stderr);
    const secret = readClients(file)[0]?.client_secret;
    assert.match(String(secret), /^[\w-]{43}$/);
    assert.ok(stdout.includes(`client_secret: ${secret}`));
  });

  it('the usage lists --secret-file and --secret-stdin, not --secret <secret>', async () => {
    const { stdout } = await runCli(['--help']);
    assert.match(stdout, /--secret-file <path>/);
    assert.match(stdout, /--secret-stdin/);
    assert.doesNotMatch(stdout, /--secret <secret>/);
  });
});
