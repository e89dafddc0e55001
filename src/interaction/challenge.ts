/**
 * The SIWE challenge of one interaction: a fresh nonce, when it was issued and
 * when it expires (with the interaction). Stored so any instance can check it;
 * used up atomically.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../storage/store.js';

export interface Challenge {
  nonce: string;
  issuedAt: string;
  expirationTime: string;
}

const keyOf = (uid: string) => `siwe:challenge:${uid}`;

/** 128 random bits, hex: alphanumeric as EIP-4361 requires. */
function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The interaction's challenge, issued on first use; `expiresAt` is the interaction's `exp` (epoch seconds). */
export async function ensureChallenge(store: Store, uid: string, expiresAt: number): Promise<Challenge> {
  const existing = await store.get<Challenge>(keyOf(uid));
  if (existing) return existing;
  const now = Date.now();
  const fresh: Challenge = {
    nonce: newNonce(),
    issuedAt: new Date(now).toISOString(),
    expirationTime: new Date(expiresAt * 1000).toISOString(),
  };
  const ttl = Math.max(expiresAt * 1000 - now, 1000);
  if (await store.setIfAbsent(keyOf(uid), fresh, ttl)) return fresh;
  return (await store.get<Challenge>(keyOf(uid))) ?? fresh;
}

export async function findChallenge(store: Store, uid: string): Promise<Challenge | undefined> {
  return store.get<Challenge>(keyOf(uid));
}

/**
 * Atomically marks the challenge's nonce used (SET NX on the shared store);
 * true only for the one caller, on any instance, that used it first. The
 * challenge itself stays until the interaction expires, so a late replay is
 * told plainly that the message was already used.
 */
export async function consumeChallenge(store: Store, uid: string, challenge: Challenge, nonce: string): Promise<boolean> {
  if (nonce !== challenge.nonce) return false;
  const ttl = Math.max(Date.parse(challenge.expirationTime) - Date.now(), 1000);
  return store.setIfAbsent(`${keyOf(uid)}:used`, 1, ttl);
}
