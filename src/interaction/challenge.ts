/**
 * The SIWE challenge of one interaction, derived rather than stored: the nonce
 * is an HMAC of the interaction's uid under a server key (every instance that
 * shares COOKIE_KEYS derives the same one; nobody without the key can predict
 * it), and issuedAt / expirationTime are the interaction's own `iat` / `exp`,
 * so the nonce lives exactly as long as the interaction. Only its use is
 * stored: an atomic set-if-absent marker on the shared store.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { Store } from '../storage/store.js';

export interface Challenge {
  nonce: string;
  issuedAt: string;
  expirationTime: string;
}

/** The nonce key, derived from the newest cookie key with its own label. */
export function nonceKeyFrom(cookieKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', cookieKey, '', 'siwe-idp/siwe-nonce', 32));
}

/** 128 bits of HMAC-SHA-256, hex: alphanumeric as EIP-4361 requires. */
export function challengeFor(nonceKey: Buffer, interaction: { uid: string; iat: number; exp: number }): Challenge {
  return {
    nonce: createHmac('sha256', nonceKey).update(interaction.uid).digest('hex').slice(0, 32),
    issuedAt: new Date(interaction.iat * 1000).toISOString(),
    expirationTime: new Date(interaction.exp * 1000).toISOString(),
  };
}

/** Atomically marks the nonce used (SET NX); true only for the first caller, on any instance. */
export async function consumeChallenge(store: Store, uid: string, challenge: Challenge, nonce: string): Promise<boolean> {
  if (nonce !== challenge.nonce) return false;
  const ttl = Math.max(Date.parse(challenge.expirationTime) - Date.now(), 1000);
  return store.setIfAbsent(`siwe:used:${uid}`, 1, ttl);
}
