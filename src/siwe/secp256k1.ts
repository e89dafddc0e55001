/**
 * ECDSA public-key recovery on secp256k1, from the `secp256k1` package: its
 * native libsecp256k1 prebuild (`secp256k1/bindings`, ~65 µs a recovery here)
 * when it loads, else the package's own pure-JavaScript fallback
 * (`secp256k1/elliptic`, the same API). Both are the package's documented
 * entry points; test/siwe/secp256k1.test.ts fails if an upgrade changes them.
 */
import { createRequire } from 'node:module';

interface Secp256k1 {
  ecdsaRecover(signature: Uint8Array, recoveryId: number, message: Uint8Array, compressed: boolean): Uint8Array;
}

const require = createRequire(import.meta.url);

function load(): { api: Secp256k1; implementation: 'native' | 'elliptic' } {
  try {
    return { api: require('secp256k1/bindings') as Secp256k1, implementation: 'native' };
  } catch {
    return { api: require('secp256k1/elliptic') as Secp256k1, implementation: 'elliptic' };
  }
}

const loaded = load();

/** Which implementation runs: logged at start. */
export const secp256k1Implementation = loaded.implementation;

/** The uncompressed (65-byte) public key that made `signature` (r || s, 64 bytes) over the 32-byte `digest`. */
export function ecdsaRecover(signature: Uint8Array, recoveryId: number, digest: Uint8Array): Uint8Array {
  return loaded.api.ecdsaRecover(signature, recoveryId, digest, false);
}
