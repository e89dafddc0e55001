/** `clients add --resource-server`: operator-only metadata, validated as the server validates it. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { runCli } from '../support/cli-io.js';

describe('siwe-idp clients add --resource-server', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'siwe-idp-rs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('marks a confidential client as a resource server', async () => {
    const file = join(dir, 'clients.json');
    const { code, stderr } = await runCli([
      'clients',
      'add',
      'gateway',
      '--file',
      file,
      '--redirect-uri',
      'https://gw.example/cb',
      '--resource-server',
    ]);
    assert.equal(code, 0, stderr);
    const [client] = JSON.parse(readFileSync(file, 'utf8')) as ClientMetadata[];
    assert.equal(client?.resource_server, true);
  });

  it("refuses a public resource server with the server's own reason", async () => {
    const file = join(dir, 'clients.json');
    const { code, stderr } = await runCli([
      'clients',
      'add',
      'spa',
      '--file',
      file,
      '--redirect-uri',
      'https://spa.example/cb',
      '--public',
      '--resource-server',
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /resource_server needs client authentication/);
  });
});
