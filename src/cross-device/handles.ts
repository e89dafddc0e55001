/**
 * The records of a cross-device sign-in, all in the shared store (memory or
 * Redis), all expiring with their interaction:
 *
 *   xdevice:handle:<handle>  → { uid, code }      what the phone's link names
 *   xdevice:uid:<uid>        → { handle, code }   the interaction's current link,
 *                                                 so a reload shows the same QR code
 *   xdevice:proof:<uid>      → Proof              a verified signature, waiting
 *                                                 for the desktop to take it
 *
 * A handle is 144 random bits (base64url, 24 characters): unguessable, and
 * only a pointer. It is bound to one interaction by its record; it is used
 * once, by store.take() when its signature has verified (phone-routes.ts); and
 * it grants nothing by itself: the proof it leads to is taken only by a
 * request that carries the interaction's own cookie (desktop-routes.ts).
 * The match code is two random digits (10–99), shown on both screens.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { TokenGate } from '../gates/token-gates.js';
import type { SignInResult } from '../interaction/sign-in.js';
import type { Store } from '../storage/store.js';

export interface HandleRecord {
  uid: string;
  code: string;
}

export interface CurrentHandle {
  handle: string;
  code: string;
}

/** What the phone proved, for the desktop's finish (interaction/sign-in.ts made it). */
export interface Proof {
  /** The interaction result's `login` member. */
  login: SignInResult;
  /** Required token gates the account does not meet: the finish ends the sign-in with access_denied. */
  deniedBy?: TokenGate[];
}

const HANDLE_BYTES = 18;
/** The shape of a handle: anything else is refused before the store is asked. */
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{24}$/;

const handleKey = (handle: string) => `xdevice:handle:${handle}`;
const currentKey = (uid: string) => `xdevice:uid:${uid}`;
const proofKey = (uid: string) => `xdevice:proof:${uid}`;

/** The phone's link for a handle: `${ISSUER}/sign/<handle>`. */
export const phoneLink = (issuer: string, handle: string) => `${issuer}/sign/${handle}`;

/** The store channel a verified proof is announced on (its message: the interaction's uid). */
export const PROOF_CHANNEL = 'xdevice:proofs';

/** Milliseconds until `exp` (seconds), at least one second. */
function ttlUntil(exp: number): number {
  return Math.max(exp * 1000 - Date.now(), 1000);
}

function isHandle(value: unknown): value is string {
  return typeof value === 'string' && HANDLE_PATTERN.test(value);
}

/**
 * The interaction's link: the current one while it is unused, else a new one.
 * Two concurrent calls agree on one (set-if-absent on the interaction's record).
 */
export async function handleFor(store: Store, interaction: { uid: string; exp: number }): Promise<CurrentHandle> {
  const current = await store.get<CurrentHandle>(currentKey(interaction.uid));
  if (current && (await store.get<HandleRecord>(handleKey(current.handle)))) return current;
  if (current) await store.delete(currentKey(interaction.uid));
  const fresh: CurrentHandle = { handle: randomBytes(HANDLE_BYTES).toString('base64url'), code: String(randomInt(10, 100)) };
  const ttl = ttlUntil(interaction.exp);
  if (!(await store.setIfAbsent(currentKey(interaction.uid), fresh, ttl))) {
    const winner = await store.get<CurrentHandle>(currentKey(interaction.uid));
    if (winner) return winner;
  }
  await store.set(handleKey(fresh.handle), { uid: interaction.uid, code: fresh.code } satisfies HandleRecord, ttl);
  return fresh;
}

/** The record a handle names, if it is live. */
export async function findHandle(store: Store, handle: string): Promise<HandleRecord | undefined> {
  return isHandle(handle) ? store.get<HandleRecord>(handleKey(handle)) : undefined;
}

/** Uses the handle up: true for exactly one caller, on any instance. */
export async function useHandle(store: Store, handle: string, uid: string): Promise<boolean> {
  const record = await store.take<HandleRecord>(handleKey(handle));
  return record?.uid === uid;
}

/** Records the proof of interaction `uid` and tells every instance (a waiting desktop page may be on any). */
export async function recordProof(store: Store, uid: string, exp: number, proof: Proof): Promise<void> {
  await store.set(proofKey(uid), proof, ttlUntil(exp));
  await store.publish(PROOF_CHANNEL, uid);
}

/** Whether a proof waits for interaction `uid` (a read, nothing taken). */
export async function hasProof(store: Store, uid: string): Promise<boolean> {
  return (await store.get<Proof>(proofKey(uid))) !== undefined;
}

/** Takes the proof of interaction `uid`: of concurrent takers, one gets it. */
export async function takeProof(store: Store, uid: string): Promise<Proof | undefined> {
  return store.take<Proof>(proofKey(uid));
}
