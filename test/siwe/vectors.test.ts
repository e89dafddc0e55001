/**
 * The public EIP-4361 verification vectors (test/fixtures/siwe-vectors) through our
 * own check pipeline. Each vector is bound the way the server binds a login:
 * domain (or `domainBinding`), uri, chain, nonce (or `matchNonce`), time (or
 * `time`). Two of our own rules, stricter than EIP-4361, are left out here and
 * tested in siwe-rules.test.ts: the redirect_uri resource (vectors carry no
 * resources) and issuedAt freshness (some vectors' `time` precedes their issuedAt).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIWE_CHECKS, verifySiwe, type SiweExpectation } from '../../src/siwe/checks/pipeline.js';
import { checkIssuedAt } from '../../src/siwe/checks/check-issued-at.js';
import { checkResources } from '../../src/siwe/checks/check-resources.js';
import { SiweError } from '../../src/siwe/siwe-error.js';
import { formatSiweMessage, type SiweMessage } from '../../src/siwe/eip4361.js';

const VECTORS = new URL('../fixtures/siwe-vectors/', import.meta.url);

interface Vector extends SiweMessage {
  signature: string;
  time?: string;
  domainBinding?: string;
  matchNonce?: string;
}

function load(name: string): Record<string, Vector> {
  return JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8')) as Record<string, Vector>;
}

/** The message text exactly as the vector's signer signed it (invalid dates included). */
function messageText(vector: Vector): string {
  const { signature: _s, time: _t, domainBinding: _d, matchNonce: _n, ...fields } = vector;
  try {
    return formatSiweMessage(fields);
  } catch {
    // Negative vectors with impossible dates cannot be formatted by a strict formatter; build the text by hand.
    const lines = [
      `${fields.domain} wants you to sign in with your Ethereum account:`,
      fields.address,
      '',
      ...(fields.statement ? [fields.statement, ''] : []),
      `URI: ${fields.uri}`,
      `Version: ${fields.version}`,
      `Chain ID: ${fields.chainId}`,
      `Nonce: ${fields.nonce}`,
      `Issued At: ${fields.issuedAt}`,
      ...(fields.expirationTime ? [`Expiration Time: ${fields.expirationTime}`] : []),
      ...(fields.notBefore ? [`Not Before: ${fields.notBefore}`] : []),
    ];
    return lines.join('\n');
  }
}

function expectationFor(vector: Vector): SiweExpectation {
  const used = new Set<string>();
  return {
    domain: vector.domainBinding ?? vector.domain,
    scheme: 'https',
    uri: vector.uri,
    chainIds: [vector.chainId],
    nonce: vector.matchNonce ?? vector.nonce,
    challengeIssuedAt: 0,
    firstResource: '',
    clockSkewMs: 60_000,
    now: vector.time ? Date.parse(vector.time) : Date.now(),
    consumeNonce: async (nonce) => !used.has(nonce) && Boolean(used.add(nonce)),
  };
}

const CHECKS = SIWE_CHECKS.filter((check) => check !== checkResources && check !== checkIssuedAt);

describe('EIP-4361 verification vectors', () => {
  for (const [name, vector] of Object.entries(load('verification_positive.json'))) {
    it(`verifies: ${name}`, async () => {
      const result = await verifySiwe({ message: messageText(vector), signature: vector.signature }, expectationFor(vector), CHECKS);
      assert.equal(result.address, vector.address);
      assert.equal(result.message.nonce, vector.nonce);
    });
  }

  for (const [name, vector] of Object.entries(load('verification_negative.json'))) {
    it(`rejects: ${name}`, async () => {
      await assert.rejects(
        verifySiwe({ message: messageText(vector), signature: vector.signature }, expectationFor(vector), CHECKS),
        (error: unknown) => error instanceof SiweError,
      );
    });
  }

  it('maps the negative vectors to the expected codes', async () => {
    const expected: Record<string, string> = {
      'expired message': 'expired_message',
      'domain binding': 'domain_mismatch',
      'custom time': 'expired_message',
      'custom nonce': 'nonce_mismatch',
      'malformed signature': 'invalid_signature',
      'wrong signature': 'invalid_signature',
      'not yet valid': 'not_yet_valid',
      'invalid issuedAt': 'malformed_message',
      'invalid notBefore': 'malformed_message',
      'invalid expirationTime': 'malformed_message',
    };
    const vectors = load('verification_negative.json');
    assert.deepEqual(Object.keys(vectors).sort(), Object.keys(expected).sort());
    for (const [name, vector] of Object.entries(vectors)) {
      const error = await verifySiwe({ message: messageText(vector), signature: vector.signature }, expectationFor(vector), CHECKS).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof SiweError, name);
      assert.equal(error.code, expected[name], `${name}: ${error.message}`);
    }
  });

  it('a verified message cannot be used twice', async () => {
    const vector = load('verification_positive.json')['example message']!;
    const expected = expectationFor(vector);
    const attempt = { message: messageText(vector), signature: vector.signature };
    await verifySiwe(attempt, expected, CHECKS);
    await assert.rejects(
      verifySiwe(attempt, expected, CHECKS),
      (error: unknown) => error instanceof SiweError && error.code === 'nonce_consumed',
    );
  });
});
