/**
 * Signing keys: a private JWKS read from JWKS_FILE, or, in development only,
 * an ES256 and an RS256 key generated in memory (tokens die with the process).
 * A JWKS file may hold keys in rotation (see key-rotation.ts); oidc-provider
 * gets them with only the current ones signing.
 */
import { readFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError } from './config-error.js';
import { providerKeys, rotationProblems, statusOf, type StoredJwk, type StoredJwks } from './key-rotation.js';

export interface PrivateJwks {
  keys: JWK[];
}

/** The algorithms we sign ID tokens with, default first. */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;

export async function generateKey(alg: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
}

/** A fresh private JWKS holding one key per supported algorithm. */
export async function generateJwks(): Promise<PrivateJwks> {
  return { keys: await Promise.all(SIGNING_ALGORITHMS.map(generateKey)) };
}

/** A fresh JWKS file for rotation: per algorithm a current key and, published beside it, the next one. */
export async function generateRotatingJwks(): Promise<StoredJwks> {
  const current = await Promise.all(SIGNING_ALGORITHMS.map(generateKey));
  const next = await Promise.all(SIGNING_ALGORITHMS.map(async (alg) => ({ ...(await generateKey(alg)), status: 'next' as const })));
  return { keys: [...current, ...next] };
}

function validateJwks(value: unknown, file: string): StoredJwks {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError([`JWKS_FILE ${file} must hold a JSON Web Key Set: {"keys": [...]}`]);
  }
  const problems = keys.flatMap((key: StoredJwk, index) =>
    typeof key !== 'object' || key === null || typeof key.d !== 'string'
      ? [`JWKS_FILE ${file}: key #${index} is not a private key (it has no "d")`]
      : rotationProblems(key, index).map((problem) => `JWKS_FILE ${file}: ${problem}`),
  );
  if (!keys.some((key: StoredJwk) => key?.kty === 'EC' && key.crv === 'P-256' && statusOf(key) === 'current')) {
    problems.push(
      `JWKS_FILE ${file} must contain a current (not "next" or "retired") EC P-256 key: ES256 is the default ID token algorithm`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { keys: keys as StoredJwk[] };
}

/** The file as written, rotation members included (for the command-line tool). */
export async function readStoredJwks(file: string): Promise<StoredJwks> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`JWKS_FILE ${file} cannot be read: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError([`JWKS_FILE ${file} is not valid JSON`]);
  }
  return validateJwks(parsed, file);
}

/** The keys oidc-provider signs and publishes with: current keys sign, next and retired ones only verify. */
export async function loadJwks(file: string): Promise<PrivateJwks> {
  return { keys: providerKeys((await readStoredJwks(file)).keys) };
}
