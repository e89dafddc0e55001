/**
 * Key files hold private keys: `keys generate --out`, `keys rotate` write them
 * 0600 whatever was there before, and `keys generate` printing to a file
 * (`> jwks.json`, which `npm run -s keys > jwks.json` does) makes that file
 * 0600 before the keys go in. `npm run keys` is `keys generate`: one format.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusOf, type StoredJwks } from '../../src/config/key-rotation.js';
import { cli, cliToFile } from '../support/cli.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const ROOT = new URL('../../', import.meta.url).pathname;

/** Per algorithm one current and one next key: what `keys generate` writes, however it is run. */
function assertRotatingJwks(jwks: StoredJwks): void {
  const summary = jwks.keys.map((key) => `${key.alg} ${statusOf(key)}`).sort();
  assert.deepEqual(summary, ['ES256 current', 'ES256 next', 'RS256 current', 'RS256 next']);
  assert.ok(jwks.keys.every((key) => typeof key.d === 'string'));
}

describe('siwe-idp keys: private key files', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'siwe-idp-key-files-'));
  });

  it('keys generate > jwks.json: the file the shell created 0644 is 0600 once the keys are in it', async () => {
    const file = join(dir, 'jwks.json');
    const { code, stderr } = await cliToFile(['keys', 'generate'], file, 0o644);
    assert.equal(code, 0, stderr);
    assert.equal(modeOf(file), 0o600);
    assertRotatingJwks(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('keys generate to a pipe prints the same format', async () => {
    const { code, stdout, stderr } = await cli(['keys', 'generate']);
    assert.equal(code, 0, stderr);
    assertRotatingJwks(JSON.parse(stdout));
  });

  it('keys generate --out writes 0600; --force replaces a 0644 file with a 0600 one', async () => {
    const file = join(dir, 'jwks.json');
    assert.equal((await cli(['keys', 'generate', '--out', file])).code, 0);
    assert.equal(modeOf(file), 0o600);
    assertRotatingJwks(JSON.parse(readFileSync(file, 'utf8')));
    chmodSync(file, 0o644);
    const forced = await cli(['keys', 'generate', '--out', file, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(modeOf(file), 0o600);
    assert.deepEqual(readdirSync(dir), ['jwks.json'], 'no temporary file left');
  });

  it('keys generate --out counts a dangling symlink as an existing file', async () => {
    const file = join(dir, 'jwks.json');
    symlinkSync(join(dir, 'elsewhere.json'), file);
    const { code, stderr } = await cli(['keys', 'generate', '--out', file]);
    assert.equal(code, 1);
    assert.match(stderr, /exists/);
    assert.ok(!existsSync(join(dir, 'elsewhere.json')));
  });

  it('keys rotate leaves a 0644 key file 0600', async () => {
    const file = join(dir, 'jwks.json');
    assert.equal((await cli(['keys', 'generate', '--out', file])).code, 0);
    chmodSync(file, 0o644);
    const rotated = await cli(['keys', 'rotate', '--file', file]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(modeOf(file), 0o600);
    assert.deepEqual(readdirSync(dir), ['jwks.json']);
  });

  it("npm run keys is the command-line tool's keys generate; the separate generator is gone", () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(scripts.keys, 'node dist/cli/siwe-idp.js keys generate');
    assert.ok(existsSync(join(ROOT, 'src/cli/siwe-idp.ts')), 'dist/cli/siwe-idp.js is built from src/cli/siwe-idp.ts');
    assert.ok(!existsSync(join(ROOT, 'src/tools/generate-jwks.ts')));
  });
});
