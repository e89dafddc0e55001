/**
 * Signing keys: a private JWKS read from JWKS_FILE, or, in development only,
 * an ES256 and an RS256 key generated in memory (tokens die with the process).
 */
import { readFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError } from './errors.js';

export interface PrivateJwks {
  keys: JWK[];
}

/** The algorithms we sign ID tokens with, default first. */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;

async function generateKey(alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
}

/** A fresh private JWKS holding one key per supported algorithm. */
export async function generateJwks(): Promise<PrivateJwks> {
  return { keys: await Promise.all(SIGNING_ALGORITHMS.map(generateKey)) };
}

function validateJwks(value: unknown, file: string): PrivateJwks {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError([`JWKS_FILE ${file} must hold a JSON Web Key Set: {"keys": [...]}`]);
  }
  const problems = keys.flatMap((key: JWK, index) =>
    typeof key !== 'object' || key === null || typeof key.d !== 'string'
      ? [`JWKS_FILE ${file}: key #${index} is not a private key (it has no "d")`]
      : [],
  );
  if (!keys.some((key: JWK) => key.kty === 'EC' && key.crv === 'P-256')) {
    problems.push(`JWKS_FILE ${file} must contain an EC P-256 key: ES256 is the default ID token algorithm`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { keys: keys as JWK[] };
}

export async function loadJwks(file: string): Promise<PrivateJwks> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`JWKS_FILE ${file} cannot be read: ${(error as Error).message}`]);
  }
  try {
    return validateJwks(JSON.parse(text), file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`JWKS_FILE ${file} is not valid JSON`]);
  }
}
