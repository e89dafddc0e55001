/**
 * Bad input at /sign/<handle> (the phone's routes, outside /interaction) is
 * never a 5xx and never writes: broken and look-alike handles, broken bodies
 * and fields, bad queries, messages for another sign-in. Every answer is the
 * expected 4xx with its `error` code (JSON member, or the code on the error
 * page), with no stack trace and no write to the store, on both stores.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { type BadInputCase, badInputHarness, FORM_TYPE, JSON_TYPE, problemsIn } from '../support/bad-input.js';
import { type AnyWallet, authorizeUrl, newAuthRequest, startInteraction } from '../support/flow.js';
import type { RawRequest } from '../support/raw-request.js';
import { BACKENDS } from '../support/server.js';
import { FIRST_PARTY } from '../support/test-clients.js';

const HANDLES: [string, string][] = [
  ['an unknown handle', randomBytes(18).toString('base64url')],
  ['a short handle', 'abc'],
  ['a 3000-character handle', 'h'.repeat(3000)],
  ['a handle with a Cyrillic а', encodeURIComponent(`а${randomBytes(18).toString('base64url').slice(1)}`)],
  ['a non-ASCII handle', '%C3%BC'.repeat(24)],
  ['bad percent-encoding', '%E0%A4%A'],
  ['a %ZZ handle', '%ZZ'],
  ['a NUL handle', '%00'],
  ['an encoded slash', `${randomBytes(18).toString('base64url')}%2F..`],
  ['a dot-dot handle', '..'],
];

async function corpus(live: { handle: string; otherMessage: string; wallet: AnyWallet }): Promise<BadInputCase[]> {
  const cases: BadInputCase[] = [];
  const { handle } = live;
  for (const [name, bad] of HANDLES) {
    cases.push({ name: `page: ${name}`, status: 404, error: 'invalid_link', request: { method: 'GET', path: `/sign/${bad}` } });
    cases.push({
      name: `message: ${name}`,
      status: 404,
      error: 'invalid_link',
      request: { method: 'GET', path: `/sign/${bad}/message?address=${live.wallet.address}&chainId=1` },
    });
    cases.push({
      name: `sign: ${name}`,
      status: 404,
      error: 'invalid_link',
      request: { method: 'POST', path: `/sign/${bad}`, headers: JSON_TYPE, body: JSON.stringify({ message: 'm', signature: '0x00' }) },
    });
  }
  const queries: [string, string, string][] = [
    ['no query', '', 'invalid_request'],
    ['the address twice', `?address=${live.wallet.address}&address=${live.wallet.address}&chainId=1`, 'invalid_request'],
    ['a look-alike address', `?address=${encodeURIComponent(live.wallet.address.replace('0x', '0х'))}&chainId=1`, 'invalid_request'],
    ['a bad EIP-55 checksum', '?address=0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&chainId=1', 'invalid_address'],
    ['no chain id', `?address=${live.wallet.address}`, 'chain_not_allowed'],
    ['a chain id not allowed', `?address=${live.wallet.address}&chainId=5`, 'chain_not_allowed'],
  ];
  for (const [name, query, error] of queries) {
    cases.push({ name: `message: ${name}`, status: 400, error, request: { method: 'GET', path: `/sign/${handle}/message${query}` } });
  }
  const signed = await live.wallet.signMessage(live.otherMessage);
  const bodies: [string, number, string, Pick<RawRequest, 'headers' | 'body'>][] = [
    ['no body', 400, 'invalid_request', {}],
    ['an empty JSON object', 400, 'invalid_request', { headers: JSON_TYPE, body: '{}' }],
    ['JSON syntax error', 400, 'invalid_request', { headers: JSON_TYPE, body: '{bad' }],
    ['a JSON array', 400, 'invalid_request', { headers: JSON_TYPE, body: '[]' }],
    ['JSON with __proto__', 400, 'invalid_request', { headers: JSON_TYPE, body: '{"__proto__":{"polluted":1}}' }],
    ['an unknown field', 400, 'invalid_request', { headers: JSON_TYPE, body: '{"message":"m","signature":"0x","x":1}' }],
    ['a number as message', 400, 'invalid_request', { headers: JSON_TYPE, body: '{"message":1,"signature":"0x"}' }],
    [
      'a 9000-character signature',
      400,
      'invalid_request',
      { headers: JSON_TYPE, body: JSON.stringify({ message: 'm', signature: 'x'.repeat(9000) }) },
    ],
    [
      'a 17 KB body',
      413,
      'invalid_request',
      { headers: JSON_TYPE, body: JSON.stringify({ message: 'm'.repeat(17_000), signature: '0x' }) },
    ],
    ['text/plain', 415, 'invalid_request', { headers: { 'Content-Type': 'text/plain' }, body: '{}' }],
    ['a form given twice', 400, 'invalid_request', { headers: FORM_TYPE, body: 'message=a&message=b&signature=c' }],
    ['garbage as message', 400, 'malformed_message', { headers: JSON_TYPE, body: JSON.stringify({ message: 'hello', signature: signed }) }],
    [
      'the message of another sign-in, correctly signed',
      400,
      'nonce_mismatch',
      { headers: JSON_TYPE, body: JSON.stringify({ message: live.otherMessage, signature: signed }) },
    ],
  ];
  for (const [name, status, error, input] of bodies) {
    cases.push({ name: `sign: ${name}`, status, error, request: { method: 'POST', path: `/sign/${handle}`, ...input } });
  }
  return cases;
}

for (const backend of BACKENDS) {
  describe(`bad input at /sign/<handle> (${backend})`, function () {
    this.timeout(60_000);
    const harness = badInputHarness(backend);

    it('every bad input is a 4xx with its error code, and writes nothing', async () => {
      const { server } = harness;
      const links: string[] = [];
      for (let n = 0; n < 2; n++) {
        const agent = supertest.agent(server.issuer);
        const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
        const shown = await agent.post(`/interaction/${uid}/cross-device`).set('Accept', 'application/json');
        links.push(String(shown.body.link));
      }
      const [handle, other] = links.map((link) => link.slice(link.lastIndexOf('/') + 1)) as [string, string];
      const wallet = Wallet.createRandom();
      const built = await supertest(server.issuer)
        .get(`/sign/${other}/message?address=${wallet.address}&chainId=1`)
        .set('Accept', 'application/json');
      const cases = await corpus({ handle, otherMessage: String(built.body.message), wallet });
      harness.probe.takeWrites();
      const failures = await problemsIn(harness, cases);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(failures.length, 0, `${failures.length} problems in ${cases.length * 2} answers:\n${failures.join('\n')}`);
      // The link is still live after all that.
      assert.equal((await supertest(server.issuer).get(`/sign/${handle}`)).status, 200);
    });
  });
}
