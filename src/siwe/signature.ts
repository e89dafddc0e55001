import { toChecksumAddress } from './address.js';
import { SiweError } from './siwe-error.js';
import { keccak256 } from './keccak.js';
import { ecdsaRecover } from './secp256k1.js';

/** Order of the secp256k1 base point (SEC 2, section 2.4.1). */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const PREFIX = '\x19Ethereum Signed Message:\n';

function invalid(reason: string): SiweError {
  return new SiweError('invalid_signature', reason);
}

/** EIP-191 version 0x45 ("personal_sign"): keccak256("\x19Ethereum Signed Message:\n" + byte length + message). */
export function hashPersonalMessage(message: string): Uint8Array {
  if (typeof message !== 'string') throw new TypeError('message must be a string');
  return keccak256(Buffer.from(`${PREFIX}${Buffer.byteLength(message, 'utf8')}${message}`, 'utf8'));
}

/**
 * Recovers the address (lowercase hex, 0x-prefixed) that produced a personal_sign `signature` (0x + r || s || v, 65 bytes, v 27/28 or 0/1)
 * over `message`. Rejects, with SiweError('invalid_signature'), any other encoding or v, r or s outside [1, n), and
 * high-s signatures (s > n/2), which are malleable copies of low-s ones.
 */
export function recoverSigner(message: string, signature: string): string {
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) {
    throw invalid('signature must be 0x followed by 130 hexadecimal digits (r, s and v: 65 bytes)');
  }
  const bytes = Buffer.from(signature.slice(2), 'hex');
  const v = bytes[64] as number;
  let recoveryId: number;
  if (v === 27 || v === 28) recoveryId = v - 27;
  else if (v === 0 || v === 1) recoveryId = v;
  else throw invalid(`signature v must be 27 or 28 (or 0 or 1), not ${v}`);

  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (r === 0n || r >= N) throw invalid('signature r must be in [1, n)');
  if (s === 0n || s >= N) throw invalid('signature s must be in [1, n)');
  if (s > HALF_N) throw invalid('signature s is in the upper half of the curve order (malleable high-s form)');

  let publicKey: Uint8Array;
  try {
    publicKey = ecdsaRecover(bytes.subarray(0, 64), recoveryId, hashPersonalMessage(message));
  } catch {
    throw invalid('signature does not recover to a public key');
  }
  // address = last 20 bytes of keccak256(uncompressed public key without its 0x04 prefix)
  return `0x${Buffer.from(keccak256(publicKey.subarray(1)).subarray(12)).toString('hex')}`;
}

/** recoverSigner, as an EIP-55 checksummed address. */
export function recoverAddress(message: string, signature: string): string {
  return toChecksumAddress(recoverSigner(message, signature));
}
