/**
 * The operator's samples in config/: env.example names every setting the
 * README and --help document, and `siwe-idp config check` passes on
 * env.example with clients.example.json (secrets, which never live in the
 * repo, are supplied by the test).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRotatingJwks } from '../../src/config/keys.js';
import { HELP } from '../../src/config/help.js';
import { cli } from '../support/cli.js';
import { REDIS_URL } from '../support/storage-backends.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFile(join(ROOT, path), 'utf8');

/** Every NAME=value line, commented out or not; `active` holds the uncommented ones. */
function parseEnvFile(text: string): { names: string[]; active: Record<string, string> } {
  const names: string[] = [];
  const active: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    names.push(match[2]!);
    if (!match[1]) active[match[2]!] = match[3]!;
  }
  return { names, active };
}

const documented = (readme: string) => [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]!);

describe('config/ samples', () => {
  it('env.example names every setting the README documents, once, and --help names them too', async () => {
    const { names } = parseEnvFile(await read('config/env.example'));
    const inReadme = documented(await read('README.md'));
    assert.deepEqual([...names].sort(), [...new Set(names)].sort(), 'no setting twice');
    assert.deepEqual([...names].sort(), [...inReadme].sort());
    for (const name of names) assert.match(HELP, new RegExp(`\\b${name}\\b`), `--help mentions ${name}`);
  });

  it('clients.example.json uses only fields the README documents, and every one of them', async () => {
    const clients = JSON.parse(await read('config/clients.example.json')) as Record<string, unknown>[];
    const readme = await read('README.md');
    const section = readme.slice(readme.indexOf('### Clients'), readme.indexOf('### Dynamic registration'));
    const firstCells = [...section.matchAll(/^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|/gm)].map((match) => match[1]!);
    const fields = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!)));
    const used = new Set(clients.flatMap((client) => Object.keys(client)));
    for (const field of used) assert.ok(fields.has(field), `${field} is documented`);
    for (const field of fields) if (field !== 'jwks') assert.ok(used.has(field), `${field} is shown in the sample`);
  });

  it('siwe-idp config check passes on env.example with clients.example.json', async function () {
    this.timeout(30_000);
    const dir = await mkdtemp(join(tmpdir(), 'siwe-idp-samples-'));
    try {
      const jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(await generateRotatingJwks()), { mode: 0o600 });
      const { active } = parseEnvFile(await read('config/env.example'));
      const env = {
        ...active,
        CLIENTS_FILE: join(ROOT, active.CLIENTS_FILE!),
        JWKS_FILE: jwksFile,
        COOKIE_KEYS: randomBytes(32).toString('base64url'),
        // A secret too (URLs carry API keys): the token-gated sample client needs chains 1 and 8453.
        RPC_URLS: '1=https://eth-mainnet.example/v2/KEY,8453=https://base-mainnet.example/v2/KEY',
        REDIS_URL,
      };
      const { code, stdout, stderr } = await cli(['config', 'check'], env);
      assert.equal(code, 0, `${stdout}\n${stderr}`);
      assert.match(stdout, /configuration ok/);
      assert.match(stdout, /6 valid client\(s\): my-app, my-spa, keycloak, api-gateway, members, my-cli/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
