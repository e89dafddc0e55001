/** LOG_LEVEL is read with the rest of the configuration, and configuration is read in src/config/ only. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readConfig } from '../../src/config/env.js';
import { problemsOf } from '../support/config.js';

const SRC = new URL('../../src/', import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)])),
  );
  return nested.flat().filter((file) => file.endsWith('.ts'));
}

describe('LOG_LEVEL and where the environment is read', () => {
  it('defaults to info, accepts info, warn, error and silent, and refuses anything else', () => {
    assert.equal(readConfig({}).logLevel, 'info');
    for (const level of ['info', 'warn', 'error', 'silent', 'WARN'])
      assert.equal(readConfig({ LOG_LEVEL: level }).logLevel, level.toLowerCase());
    assert.match(problemsOf({ LOG_LEVEL: 'debug' }).join('\n'), /LOG_LEVEL must be one of info, warn, error, silent/);
  });

  it('reads process.env nowhere outside src/config/', async () => {
    const offenders: string[] = [];
    for (const file of await sources(SRC)) {
      const path = relative(SRC, file);
      if (path.startsWith('config/')) continue;
      if (/process\.env\b/.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
    assert.deepEqual(offenders, []);
  });
});
