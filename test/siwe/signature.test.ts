import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { Wallet, hashMessage } from 'ethers';

import { SiweError } from '../../src/siwe/siwe-error.js';
import { formatSiweMessage } from '../../src/siwe/eip4361.js';
import type { SiweMessage } from '../../src/siwe/eip4361.js';
import { hashPersonalMessage, recoverAddress } from '../../src/siwe/signature.js';

const vectors = new URL('../fixtures/siwe-vectors/', import.meta.url);

type VerificationCase = Record<string, unknown> & { address: string; signature: string };

function load(name: string): Record<string, VerificationCase> {
  return JSON.parse(readFileSync(new URL(name, vectors), 'utf8')) as Record<string, VerificationCase>;
}

/** Keys of the verification vectors that are test-harness inputs, not message terms. */
const HARNESS_KEYS = new Set(['signature', 'time', 'domainBinding', 'matchNonce']);

function messageOf(testCase: VerificationCase): string {
  const fields = Object.fromEntries(Object.entries(testCase).filter(([key]) => !HARNESS_KEYS.has(key)));
  return formatSiweMessage(fields as unknown as SiweMessage);
}

function isInvalidSignature(error: unknown): boolean {
  assert.ok(error instanceof SiweError, `expected a SiweError, got ${String(error)}`);
  assert.equal(error.code, 'invalid_signature');
  return true;
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const hex32 = (value: bigint): string => value.toString(16).padStart(64, '0');
const withV = (signature: string, v: number): string => signature.slice(0, 130) + v.toString(16).padStart(2, '0');

function baseFields(): SiweMessage {
  return {
    domain: 'login.example',
    address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
    uri: 'https://login.example/callback',
    version: '1',
    chainId: 1,
    nonce: 'aZ09aZ09aZ09',
    issuedAt: '2024-05-01T10:00:00Z',
  };
}

const text = formatSiweMessage({ ...baseFields(), statement: 'Sign in to the example' });

describe('EIP-4361 verification vectors', () => {
  describe('verification_positive.json', () => {
    for (const [name, testCase] of Object.entries(load('verification_positive.json'))) {
      it(`recovers the address: ${name}`, () => {
        assert.equal(recoverAddress(messageOf(testCase), testCase.signature), testCase.address);
      });
    }
  });

  describe('verification_negative.json', () => {
    const cases = load('verification_negative.json');
    for (const name of ['malformed signature', 'wrong signature']) {
      it(`does not recover the address: ${name}`, () => {
        const testCase = cases[name];
        assert.ok(testCase, name);
        let recovered: string | undefined;
        try {
          recovered = recoverAddress(messageOf(testCase), testCase.signature);
        } catch (error) {
          isInvalidSignature(error);
        }
        assert.notEqual(recovered, testCase.address);
      });
    }
  });
});

describe('hashPersonalMessage', () => {
  it('matches ethers hashMessage, with the length counted in UTF-8 bytes', () => {
    for (const message of [text, '', 'é€😀', 'a'.repeat(1000)]) {
      assert.equal(`0x${Buffer.from(hashPersonalMessage(message)).toString('hex')}`, hashMessage(message));
    }
  });
});

describe('recoverAddress', () => {
  it('recovers the signer of 50 random wallets', async () => {
    for (let i = 0; i < 50; i++) {
      const wallet = new Wallet(`0x${randomBytes(32).toString('hex')}`);
      const message = formatSiweMessage({ ...baseFields(), address: wallet.address, nonce: randomBytes(8).toString('hex') });
      assert.equal(recoverAddress(message, await wallet.signMessage(message)), wallet.address);
    }
  });

  describe('with a known signature', () => {
    let wallet: Wallet;
    let message: string;
    let signature: string;

    before(async () => {
      wallet = new Wallet(`0x${'42'.repeat(32)}`);
      message = formatSiweMessage({ ...baseFields(), address: wallet.address });
      signature = await wallet.signMessage(message);
    });

    it('accepts v as 0/1 as well as 27/28', () => {
      const v = Number.parseInt(signature.slice(130), 16);
      assert.ok(v === 27 || v === 28);
      assert.equal(recoverAddress(message, withV(signature, v - 27)), wallet.address);
      assert.equal(recoverAddress(message, signature.toUpperCase().replace('0X', '0x')), wallet.address);
    });

    it('rejects the high-s twin of a valid signature', () => {
      const s = BigInt(`0x${signature.slice(66, 130)}`);
      const v = Number.parseInt(signature.slice(130), 16);
      const twin = `${signature.slice(0, 66)}${hex32(N - s)}${(v === 27 ? 28 : 27).toString(16)}`;
      assert.throws(
        () => recoverAddress(message, twin),
        (error) => isInvalidSignature(error) && /high-s/.test(String(error)),
      );
    });

    it('rejects other v values', () => {
      for (const v of [2, 26, 29, 35, 36, 37, 38, 255]) {
        assert.throws(() => recoverAddress(message, withV(signature, v)), isInvalidSignature);
      }
    });

    it('rejects r or s of zero or at least n', () => {
      const r = signature.slice(2, 66);
      const rest = signature.slice(66);
      const v = signature.slice(130);
      for (const bad of [
        `0x${hex32(0n)}${rest}`,
        `0x${hex32(N)}${rest}`,
        `0x${'f'.repeat(64)}${rest}`,
        `0x${r}${hex32(0n)}${v}`,
        `0x${r}${hex32(N)}${v}`,
      ]) {
        assert.throws(() => recoverAddress(message, bad), isInvalidSignature);
      }
    });

    it('rejects other lengths and encodings', () => {
      for (const bad of [
        '',
        '0x',
        signature.slice(0, -2),
        `${signature}00`,
        signature.slice(2),
        `0X${signature.slice(2)}`,
        `${signature.slice(0, 10)}zz${signature.slice(12)}`,
        ` ${signature}`,
        `${signature}\n`,
        `0x${signature.slice(2, 130)}`, // EIP-2098 compact form is not accepted
      ]) {
        assert.throws(() => recoverAddress(message, bad), isInvalidSignature);
      }
      assert.throws(() => recoverAddress(message, 42 as unknown as string), isInvalidSignature);
    });

    it('recovers a different address for another message', () => {
      assert.notEqual(recoverAddress(`${message} `, signature), wallet.address);
    });
  });
});
