/**
 * Keccak-256 (the pre-standard SHA-3 padding Ethereum uses). The native
 * implementation from the `keccak` package's prebuilt addon when it loads
 * (~2 µs for a SIWE message here), else @noble/hashes in pure JS (~30 µs).
 * Node's own crypto has SHA3-256 only, which pads differently.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';

interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
}

/** Keccak-256: rate 1088 bits, capacity 512 bits, domain suffix 0x01. */
const RATE = 1088;
const CAPACITY = 512;
const SUFFIX = 0x01;

function loadNativeState(): KeccakState | undefined {
  try {
    const require = createRequire(import.meta.url);
    const State = require('node-gyp-build')(dirname(require.resolve('keccak/package.json'))) as unknown;
    return typeof State === 'function' ? new (State as new () => KeccakState)() : undefined;
  } catch {
    return undefined;
  }
}

// One state, reused: keccak256 runs synchronously to completion, so no two calls interleave.
const native = loadNativeState();

export const keccakImplementation: 'native' | 'noble' = native ? 'native' : 'noble';

export function keccak256(data: Uint8Array): Uint8Array {
  if (!native) return keccak_256(data);
  native.initialize(RATE, CAPACITY);
  native.absorb(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  native.absorbLastFewBits(SUFFIX);
  return native.squeeze(32);
}
