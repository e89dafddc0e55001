/**
 * `token_gates` is operator metadata, validated where oidc-provider validates client metadata:
 * a bad gate (or one on a chain without an RPC) stops the server's start, fails `config check`
 * and `clients add` with the same words, and self-registration refuses token_gates altogether.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigError } from '../../src/config/config-error.js';
import { parseTokenGates, TokenGateError } from '../../src/gates/token-gates.js';
import { runCli } from '../support/cli-io.js';
import { startServer } from '../support/server.js';
import { FIRST_PARTY } from '../support/test-clients.js';

const NFT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const good = { group: 'holders', chain_id: 1, standard: 'erc721', contract: NFT, required: true };
const RPC_ENV = { CHAIN_IDS: '1,8453', RPC_URLS: '1=http://127.0.0.1:9/rpc' };

describe('token_gates metadata', () => {
  it('accepts each standard as the README shows it, with the defaults filled in', () => {
    const gates = parseTokenGates(
      [
        good,
        { group: 'gold', chain_id: 1, standard: 'erc1155', contract: NFT.toLowerCase(), token_id: '7', min_balance: '3', required: false },
        { group: 'stakers', chain_id: 1, standard: 'erc20', contract: NFT, min_balance: '1000000000000000000', required: false },
        { group: 'pass', chain_id: 1, standard: 'erc721', contract: NFT, token_id: '42', required: false },
        { group: 'rich', chain_id: 1, standard: 'native', min_balance: '1', required: false },
      ],
      new Set([1]),
    );
    assert.deepEqual(
      gates.map((gate) => [gate.group, gate.standard, gate.contract, gate.tokenId, gate.minBalance, gate.required]),
      [
        ['holders', 'erc721', NFT.toLowerCase(), undefined, 1n, true],
        ['gold', 'erc1155', NFT.toLowerCase(), 7n, 3n, false],
        ['stakers', 'erc20', NFT.toLowerCase(), undefined, 10n ** 18n, false],
        ['pass', 'erc721', NFT.toLowerCase(), 42n, 1n, false],
        ['rich', 'native', undefined, undefined, 1n, false],
      ],
    );
  });

  const refusals: [string, unknown, RegExp][] = [
    ['not an array', { ...good }, /must be an array/],
    ['not an object', ['holders'], /gate 0 must be an object/],
    ['an unknown field', [{ ...good, chain: 1 }], /unknown field "chain"/],
    ['a group with spaces', [{ ...good, group: 'the holders' }], /group must be 1 to 64/],
    ['two gates of one group', [good, { ...good, standard: 'erc20' }], /the group "holders" has two gates/],
    ['a chain id as a string', [{ ...good, chain_id: '1' }], /chain_id must be a positive whole number/],
    ['a chain without an RPC', [{ ...good, chain_id: 10 }], /chain 10 has no RPC: add it to RPC_URLS/],
    ['an unknown standard', [{ ...good, standard: 'erc777' }], /standard must be one of erc721, erc1155, erc20, native/],
    ['no required', [{ group: 'x', chain_id: 1, standard: 'erc721', contract: NFT }], /required must be true or false/],
    ['a bad checksum', [{ ...good, contract: NFT.replace('F', 'f') }], /EIP-55 checksum case or all lowercase/],
    ['no contract', [{ ...good, contract: undefined }], /contract must be an address/],
    ['a native gate with a contract', [{ ...good, standard: 'native' }], /a native gate has no contract/],
    ['an erc1155 gate without token_id', [{ ...good, standard: 'erc1155' }], /needs token_id/],
    ['an erc20 token_id', [{ ...good, standard: 'erc20', token_id: '1' }], /token_id is only for erc1155 and erc721/],
    ['a numeric min_balance', [{ ...good, min_balance: 1 }], /min_balance must be a decimal string/],
    ['a min_balance of 0', [{ ...good, min_balance: '0' }], /at least 1/],
    ['a min_balance beyond uint256', [{ ...good, min_balance: (2n ** 256n).toString() }], /uint256/],
    ['an erc721 token_id with min_balance 2', [{ ...good, token_id: '1', min_balance: '2' }], /can only be "1"/],
    ['seventeen gates', Array.from({ length: 17 }, (_, i) => ({ ...good, group: `g${i}` })), /at most 16 gates/],
  ];
  for (const [what, value, message] of refusals) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => parseTokenGates(value, new Set([1])),
        (error: unknown) => error instanceof TokenGateError && message.test(error.message),
      );
    });
  }

  it('a client whose gate has no RPC stops the start, naming the client and the fix', async () => {
    const gated = { ...FIRST_PARTY, token_gates: [{ ...good, chain_id: 8453 }] } as ClientMetadata;
    await assert.rejects(
      startServer({ clients: [gated], env: RPC_ENV }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /client "first-party": invalid_client_metadata: token_gates: gate "holders": chain 8453 has no RPC: add it to RPC_URLS/.test(
          error.problems.join('\n'),
        ),
    );
  });

  describe('through the command-line tool', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'siwe-idp-gates-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const add = (file: string, gates: string) =>
      runCli(['clients', 'add', 'club', '--file', file, '--redirect-uri', 'https://club.example/cb', '--token-gates', gates], {
        env: RPC_ENV,
      });

    it('clients add --token-gates stores the gates; a bad one, or a chain without an RPC, is refused with the server’s words', async () => {
      const file = join(dir, 'clients.json');
      const stored = await add(file, JSON.stringify([good]));
      assert.equal(stored.code, 0, stored.stderr);
      const [client] = JSON.parse(readFileSync(file, 'utf8')) as ClientMetadata[];
      assert.deepEqual(client?.token_gates, [good]);

      const other = join(dir, 'other.json');
      const noRpc = await add(other, JSON.stringify([{ ...good, chain_id: 8453 }]));
      assert.equal(noRpc.code, 1);
      assert.match(noRpc.stderr, /token_gates: gate "holders": chain 8453 has no RPC/);
      const notJson = await add(other, '[{group:');
      assert.notEqual(notJson.code, 0);
      assert.match(notJson.stderr, /--token-gates must be a JSON array/);
    });

    it('config check lists a bad gate as a problem, and passes once the chain has its RPC', async () => {
      const file = join(dir, 'clients.json');
      writeFileSync(file, JSON.stringify([{ ...FIRST_PARTY, token_gates: [{ ...good, chain_id: 8453 }] }]));
      const bad = await runCli(['config', 'check'], { env: { ...RPC_ENV, CLIENTS_FILE: file } });
      assert.equal(bad.code, 1, bad.stdout);
      assert.match(
        bad.stderr,
        /PROBLEM {2}client "first-party": invalid_client_metadata: token_gates: gate "holders": chain 8453 has no RPC/,
      );
      const fixed = await runCli(['config', 'check'], {
        env: { ...RPC_ENV, RPC_URLS: `${RPC_ENV.RPC_URLS},8453=http://127.0.0.1:9/base`, CLIENTS_FILE: file },
      });
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.match(fixed.stdout, /1 valid client\(s\): first-party/);
    });
  });

  it('self-registration refuses token_gates (invalid_client_metadata), whatever their content', async () => {
    const token = 'initial-access-token-for-the-gate-tests';
    const server = await startServer({ env: { ...RPC_ENV, REGISTRATION: 'token', REGISTRATION_INITIAL_ACCESS_TOKEN: token } });
    try {
      const response = await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ redirect_uris: ['https://rp.example/cb'], token_gates: [good] }),
      });
      const body = (await response.json()) as { error: string; error_description: string };
      assert.equal(response.status, 400);
      assert.equal(body.error, 'invalid_client_metadata');
      assert.match(body.error_description, /token_gates cannot be registered/);
      const empty = await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ redirect_uris: ['https://rp.example/cb'], token_gates: [] }),
      });
      assert.equal(empty.status, 400);
    } finally {
      await server.close();
    }
  });
});
