/**
 * src/cli/private-file.ts, the one way the command-line tool writes files
 * holding secrets (key sets, clients files): mode 0600 whatever the umask or
 * the file's previous mode, atomic, and never through a symlink planted at a
 * name an attacker could predict.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createPrivate, makeDescriptorPrivate, temporaryPathFor, writePrivateFile } from '../../src/cli/private-file.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('private files (src/cli/private-file.ts)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'siwe-idp-private-'));
  });

  it('writes a new file with mode 0600 and leaves no temporary file behind', async () => {
    const file = join(dir, 'jwks.json');
    await writePrivateFile(file, '{"keys":[]}\n');
    assert.equal(readFileSync(file, 'utf8'), '{"keys":[]}\n');
    assert.equal(modeOf(file), 0o600);
    assert.deepEqual(readdirSync(dir), ['jwks.json']);
  });

  it('replaces a world-readable file with a 0600 one, and a stricter 0400 one too', async () => {
    const file = join(dir, 'clients.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await writePrivateFile(file, 'new');
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.equal(modeOf(file), 0o600);
    chmodSync(file, 0o400);
    await writePrivateFile(file, 'newer');
    assert.equal(readFileSync(file, 'utf8'), 'newer');
    assert.equal(modeOf(file), 0o600, 'always 0600: the owner has to be able to rewrite it next time');
  });

  it('is 0600 whatever the umask', async () => {
    for (const umask of [0o000, 0o277]) {
      const previous = process.umask(umask);
      try {
        const file = join(dir, `umask-${umask.toString(8)}.json`);
        await writePrivateFile(file, 'x');
        assert.equal(modeOf(file), 0o600, `umask ${umask.toString(8)}`);
      } finally {
        process.umask(previous);
      }
    }
  });

  it('never follows a symlink planted at a predictable temporary name', async () => {
    const file = join(dir, 'jwks.json');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'victim');
    chmodSync(victim, 0o644);
    const missing = join(dir, 'would-be-created');
    // The names the old code used ("<file>.<pid>.tmp") and other obvious ones, for this process and its neighbours.
    const predictable = [
      ...[process.pid, process.pid + 1, process.ppid].map((pid) => `${file}.${pid}.tmp`),
      `${file}.tmp`,
      join(dir, '.jwks.json.tmp'),
      `${file}~`,
    ];
    for (const [index, path] of predictable.entries()) symlinkSync(index % 2 === 0 ? victim : missing, path);
    await writePrivateFile(file, 'secret');
    assert.equal(readFileSync(file, 'utf8'), 'secret');
    assert.equal(readFileSync(victim, 'utf8'), 'victim', "the symlinks' target is untouched");
    assert.equal(modeOf(victim), 0o644);
    assert.ok(!existsSync(missing), "a dangling symlink's target is not created");
    for (const path of predictable) assert.ok(lstatSync(path).isSymbolicLink(), `${path} is still the planted symlink`);
  });

  it('creates the temporary file exclusively: an existing name, a symlink or a dangling one, is refused', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'victim');
    const link = join(dir, 'link');
    symlinkSync(victim, link);
    await assert.rejects(createPrivate(link), { code: 'EEXIST' });
    const dangling = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), dangling);
    await assert.rejects(createPrivate(dangling), { code: 'EEXIST' });
    assert.ok(!existsSync(join(dir, 'nowhere')));
    await assert.rejects(createPrivate(victim), { code: 'EEXIST' });
    assert.equal(readFileSync(victim, 'utf8'), 'victim');
  });

  it('names temporary files unpredictably, beside the target (so the rename stays on one file system)', () => {
    const file = join(dir, 'jwks.json');
    const names = new Set(Array.from({ length: 100 }, () => temporaryPathFor(file)));
    assert.equal(names.size, 100);
    for (const name of names) {
      assert.equal(dirname(name), dir);
      assert.match(name, /\/\.jwks\.json\.[0-9a-f]{32}\.tmp$/);
    }
  });

  it('replaces a symlink at the target itself with a file, without writing through it', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'victim');
    const file = join(dir, 'jwks.json');
    symlinkSync(victim, file);
    await writePrivateFile(file, 'secret');
    assert.ok(lstatSync(file).isFile());
    assert.equal(readFileSync(victim, 'utf8'), 'victim');
  });

  it('concurrent writes to one file in one process do not collide', async () => {
    const file = join(dir, 'clients.json');
    await Promise.all(Array.from({ length: 10 }, (_, index) => writePrivateFile(file, `write ${index}`)));
    assert.match(readFileSync(file, 'utf8'), /^write \d$/);
    assert.deepEqual(readdirSync(dir), ['clients.json']);
  });

  it('removes its temporary file when the rename fails', async () => {
    const target = join(dir, 'a-directory');
    mkdirSync(join(target, 'not-empty'), { recursive: true });
    await assert.rejects(writePrivateFile(target, 'x'));
    assert.deepEqual(readdirSync(dir), ['a-directory']);
  });

  it('makes an output descriptor private only when it is a regular file', () => {
    const file = join(dir, 'out.json');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const fd = openSync(file, 'w');
    const devNull = openSync('/dev/null', 'w');
    try {
      assert.equal(makeDescriptorPrivate(fd), true);
      assert.equal(makeDescriptorPrivate(devNull), false, 'a device (or a pipe, a terminal) is left alone');
    } finally {
      closeSync(fd);
      closeSync(devNull);
    }
    assert.equal(modeOf(file), 0o600);
    assert.equal(statSync('/dev/null').mode & 0o777, 0o666);
  });
});
