/**
 * The production-style configuration both bench servers read: a JWKS file, a
 * clients file with one first-party client, cookie keys, NODE_ENV=production.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { generateJwks } from '../../src/config/keys.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export const BENCH_CLIENT = {
  client_id: 'bench-first-party',
  client_secret: 'bench-first-party-secret-long-enough-0123456789',
  client_name: 'Bench App',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  first_party: true,
} satisfies ClientMetadata;

export interface BenchFiles {
  dir: string;
  /** Environment shared by every server of this run (add PORT, ISSUER, REDIS_URL…). */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function writeBenchFiles(): Promise<BenchFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'siwe-idp-bench-'));
  await writeFile(join(dir, 'jwks.json'), JSON.stringify(await generateJwks()), { mode: 0o600 });
  await writeFile(join(dir, 'clients.json'), JSON.stringify([BENCH_CLIENT]));
  return {
    dir,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // Every limit counts (its cost is measured) but none trips: the driver is one address doing hundreds of logins a second.
      RATE_LIMITS: ['auth', 'token', 'login', 'session_end', 'registration', 'address'].map((name) => `${name}=1000000/second`).join(','),
      JWKS_FILE: join(dir, 'jwks.json'),
      CLIENTS_FILE: join(dir, 'clients.json'),
      COOKIE_KEYS: randomBytes(32).toString('base64url'),
      CHAIN_IDS: '1',
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A port free right now on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** PORT and ISSUER for a server on `port`. */
export function serverEnv(port: number): Record<string, string> {
  return { PORT: String(port), ISSUER: `http://127.0.0.1:${port}` };
}
