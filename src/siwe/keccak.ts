/**
 * Keccak-256 (the pre-standard SHA-3 padding Ethereum uses). The native
 * implementation from the `keccak` package's prebuilt addon when it loads
 * (its `keccak/bindings` entry: ~4 µs for a SIWE message here), else
 * @noble/hashes in pure JavaScript (~15 µs). Node's own crypto has SHA3-256
 * only, which pads differently.
 *
 * Only the package's public hashing API is used (`createKeccakHash(name)`
 * → update → digest). test/siwe/keccak.test.ts fails if an upgrade stops the
 * native entry loading or changes its results.
 */
import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';

interface KeccakHash {
  update(data: Buffer): KeccakHash;
  digest(): Buffer;
}

type CreateKeccakHash = (algorithm: 'keccak256') => KeccakHash;

function loadNative(): CreateKeccakHash | undefined {
  try {
    const create = createRequire(import.meta.url)('keccak/bindings') as unknown;
    return typeof create === 'function' ? (create as CreateKeccakHash) : undefined;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/** Which implementation runs: logged at start. */
export const keccakImplementation: 'native' | 'noble' = native ? 'native' : 'noble';

export function keccak256(data: Uint8Array): Uint8Array {
  if (!native) return keccak_256(data);
  return native('keccak256')
    .update(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength))
    .digest();
}
