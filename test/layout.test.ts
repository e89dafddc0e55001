/**
 * The house rules a newcomer relies on: one spelling for file names
 * (kebab-case), no two source modules with the same base name, and the
 * environment read in src/config/ only.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? (entry.name === 'fixtures' ? [] : files(join(dir, entry.name))) : [join(dir, entry.name)],
    ),
  );
  return nested.flat();
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.test)?\.(?:ts|js|mjs|ejs|css|py)$/;

describe('layout', () => {
  it('names every file of src/, test/, bench/ and views/ in kebab-case', async () => {
    const all = (await Promise.all(['src', 'test', 'bench', 'views'].map(files))).flat();
    const bad = all.filter((file) => /\.(ts|js|mjs|ejs|css)$/.test(file) && !KEBAB.test(basename(file)));
    assert.deepEqual(bad, []);
  });

  it('gives no two modules of src/ the same base name', async () => {
    const names = (await files('src')).map((file) => basename(file));
    assert.deepEqual(
      names.filter((name, index) => names.indexOf(name) !== index),
      [],
    );
  });

  it('reads process.env nowhere in src/ outside src/config/', async () => {
    const offenders: string[] = [];
    for (const file of await files('src')) {
      if (relative('src', file).startsWith('config/')) continue;
      if (/process\.env\b/.test(await readFile(join(ROOT, file), 'utf8'))) offenders.push(file);
    }
    assert.deepEqual(offenders, []);
  });
});
