/**
 * Signing key rotation in a JWKS file. Each private key may carry two members
 * of ours (stripped before oidc-provider sees the key):
 *
 *   "status": "next"      published in /jwks, never signs; the next rotation promotes it
 *   "status": "retired",  published in /jwks, never signs; dropped after "retired_until"
 *   "retired_until": "<ISO 8601 time>"
 *
 * A key without "status" is current: it signs. A rotation, per algorithm,
 * promotes the next key (already published, so relying parties caching our
 * JWKS know it), retires the current one until every token it signed has
 * expired, publishes a fresh next key, and drops retired keys past their time.
 */
import type { JWK } from 'jose';

export type KeyStatus = 'current' | 'next' | 'retired';

/** A private JWK as stored in JWKS_FILE. */
export interface StoredJwk extends JWK {
  status?: 'next' | 'retired';
  retired_until?: string;
}

export interface StoredJwks {
  keys: StoredJwk[];
}

export function statusOf(key: StoredJwk): KeyStatus {
  return key.status ?? 'current';
}

/** The JWS algorithm a key signs with: its `alg`, or the one its type implies. */
export function algorithmOf(key: JWK): string | undefined {
  if (typeof key.alg === 'string') return key.alg;
  if (key.kty === 'EC' && key.crv === 'P-256') return 'ES256';
  if (key.kty === 'RSA') return 'RS256';
  return undefined;
}

/** Problems with the rotation members of one key (an empty list when fine). */
export function rotationProblems(key: StoredJwk, index: number): string[] {
  const status = (key as { status?: unknown }).status;
  if (status !== undefined && status !== 'next' && status !== 'retired') {
    return [`key #${index}: "status" must be "next" or "retired" (or absent for the current key), got ${JSON.stringify(status)}`];
  }
  if (status === 'retired' && Number.isNaN(Date.parse(String(key.retired_until)))) {
    return [`key #${index}: a retired key needs "retired_until", an ISO 8601 time`];
  }
  return [];
}

const ORDER: Record<KeyStatus, number> = { current: 0, next: 1, retired: 2 };

/**
 * The keys as oidc-provider gets them: current keys first (it signs with the
 * first key of an algorithm), next and retired ones marked verify-only, so
 * they are published and verify but never sign. Our members are stripped.
 */
export function providerKeys(keys: readonly StoredJwk[]): JWK[] {
  return [...keys]
    .sort((first, second) => ORDER[statusOf(first)] - ORDER[statusOf(second)])
    .map((key) => {
      const { status, retired_until: _retiredUntil, ...jwk } = key;
      return status === undefined ? jwk : { ...jwk, key_ops: ['verify'] };
    });
}

export function isExpiredRetiree(key: StoredJwk, now: Date): boolean {
  return statusOf(key) === 'retired' && Date.parse(String(key.retired_until)) <= now.getTime();
}

export interface RotationResult {
  jwks: StoredJwks;
  /** One line per change, for the operator. */
  changes: string[];
}

/**
 * One rotation step. `retireForSeconds` is the longest lifetime of anything a
 * retired key may have signed; `generate` makes a new private key for an alg.
 */
export async function rotate(
  jwks: StoredJwks,
  options: { now: Date; retireForSeconds: number; generate: (alg: string) => Promise<JWK> },
): Promise<RotationResult> {
  const { now, retireForSeconds, generate } = options;
  const retiredUntil = new Date(now.getTime() + retireForSeconds * 1000).toISOString();
  const changes: string[] = [];
  const kept = jwks.keys.filter((key) => {
    if (!isExpiredRetiree(key, now)) return true;
    changes.push(`removed ${algorithmOf(key)} key ${key.kid} (retired until ${key.retired_until})`);
    return false;
  });
  const algorithms = [...new Set(kept.filter((key) => statusOf(key) === 'current').map(algorithmOf))].filter(
    (alg): alg is string => alg !== undefined,
  );
  const rotated: StoredJwk[] = [];
  for (const alg of algorithms) {
    const ofAlg = kept.filter((key) => algorithmOf(key) === alg);
    const promoted = ofAlg.find((key) => statusOf(key) === 'next');
    for (const key of ofAlg) {
      const status = statusOf(key);
      if (status === 'current' && promoted) {
        rotated.push({ ...key, status: 'retired', retired_until: retiredUntil });
        changes.push(`retired ${alg} key ${key.kid}: still published, no longer signing, removed after ${retiredUntil}`);
      } else if (key === promoted) {
        const { status: _status, ...current } = key;
        rotated.push(current);
        changes.push(`promoted ${alg} key ${key.kid}: it signs from now on`);
      } else if (status === 'next') {
        changes.push(`removed surplus next ${alg} key ${key.kid} (it never signed)`);
      } else {
        rotated.push(key);
      }
    }
    const next = { ...(await generate(alg)), status: 'next' as const };
    rotated.push(next);
    changes.push(`published ${alg} key ${next.kid} as the next key: the following rotation promotes it`);
    if (!promoted) {
      changes.push(
        `no ${alg} key was waiting as the next key, so none was promoted: run "keys rotate" again once relying parties have refetched /jwks`,
      );
    }
  }
  const others = kept.filter((key) => !algorithms.includes(algorithmOf(key) ?? ''));
  return { jwks: { keys: sortForFile([...rotated, ...others]) }, changes };
}

/** Current keys first, then next, then retired: the order a person reading the file expects. */
export function sortForFile(keys: StoredJwk[]): StoredJwk[] {
  return [...keys].sort((first, second) => ORDER[statusOf(first)] - ORDER[statusOf(second)]);
}
