/**
 * Cheap wallets for the driver: native secp256k1 keys signing EIP-191
 * personal_sign messages (r || s || v with v = 27 + recovery id).
 */
import { randomBytes } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import secp256k1 from 'secp256k1';
import { toChecksumAddress } from '../../src/siwe/address.js';
import { hashPersonalMessage } from '../../src/siwe/signature.js';

export interface BenchWallet {
  address: string;
  sign(message: string): string;
}

export function newWallet(): BenchWallet {
  let key: Buffer;
  do key = randomBytes(32);
  while (!secp256k1.privateKeyVerify(key));
  const publicKey = secp256k1.publicKeyCreate(key, false);
  const address = toChecksumAddress(`0x${bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12))}`);
  return {
    address,
    sign(message) {
      const { signature, recid } = secp256k1.ecdsaSign(hashPersonalMessage(message), key);
      return `0x${bytesToHex(signature)}${(27 + recid).toString(16)}`;
    },
  };
}

export function newWallets(count: number): BenchWallet[] {
  return Array.from({ length: count }, newWallet);
}
