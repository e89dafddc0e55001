import { keccak256 } from './keccak.js';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const encoder = new TextEncoder();

/**
 * The checksummed forms of the addresses seen last, by lowercase hex: one
 * sign-in checksums its address several times (the message's address when it
 * is parsed, then findAccount for each token issued), and a Keccak-256
 * through the native addon costs more than the lookup. Bounded: past
 * RECENT_MAX the oldest is dropped.
 */
const recent = new Map<string, string>();
const RECENT_MAX = 1024;

/** `true` when `value` is `0x` followed by exactly 40 hexadecimal digits, in any case. */
export function isHexAddress(value: string): boolean {
  return HEX_ADDRESS.test(value);
}

/**
 * EIP-55 mixed-case checksum encoding. The hex digit at position i is upper-cased when it is a letter and the i-th
 * nibble of keccak256(lowercase hex, as ASCII) is 8 or more.
 */
export function toChecksumAddress(address: string): string {
  if (typeof address !== 'string' || !isHexAddress(address)) {
    throw new TypeError('address must be 0x followed by 40 hexadecimal digits');
  }
  const hex = address.slice(2).toLowerCase();
  const known = recent.get(hex);
  if (known !== undefined) return known;
  const hash = keccak256(encoder.encode(hex));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const char = hex[i] as string;
    const byte = hash[i >> 1] as number;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    out += nibble >= 8 ? char.toUpperCase() : char;
  }
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
  recent.set(hex, out);
  return out;
}

/** `true` only when `address` is exactly its own EIP-55 form (so a lowercase address with letters to raise is not). */
export function isChecksumAddress(address: string): boolean {
  return typeof address === 'string' && isHexAddress(address) && toChecksumAddress(address) === address;
}
