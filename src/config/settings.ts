/**
 * Everything the server needs before it starts, from the environment and the
 * files it names, with the development defaults and their warnings.
 */
import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { DEV_CLIENT, loadClients } from './clients.js';
import { processEnv } from './process-env.js';
import { readConfig, type Config } from './env.js';
import { generateJwks, loadJwks, type PrivateJwks } from './keys.js';
import { LIMIT_NAMES } from './rate-limits.js';

export interface Settings {
  config: Config;
  jwks: PrivateJwks;
  clients: ClientMetadata[];
  cookieKeys: string[];
  /** Development defaults in use; printed loudly at start. */
  warnings: string[];
}

/** Warnings about the deployment itself, whatever the defaults. */
export function deploymentWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.production) warnings.push('NODE_ENV is not "production": development defaults are allowed');
  if (!config.redis) {
    warnings.push(
      'REDIS_URL is not set (nor REDIS_SENTINELS or REDIS_CLUSTER_NODES): sessions, codes and tokens live in this process only (one instance, lost on restart)',
    );
  }
  if (config.registration.mode === 'open') {
    const limit = config.rateLimits.registration;
    warnings.push(
      `REGISTRATION=open: anyone may register clients (https or loopback redirect URIs, ${
        limit ? `at most ${limit.max} per ${limit.windowSeconds} s per address` : 'with no rate limit: RATE_LIMITS turns it off'
      })`,
    );
  }
  const off = LIMIT_NAMES.filter((name) => config.rateLimits[name] === null);
  if (off.length > 0) {
    warnings.push(
      off.length === LIMIT_NAMES.length
        ? 'RATE_LIMITS=off: no abuse limits; one address can flood sign-ins, tokens and registrations'
        : `RATE_LIMITS turns off the ${off.join(', ')} limit${off.length > 1 ? 's' : ''}`,
    );
  }
  if (config.siweScheme === 'https' && config.trustProxy.mode === 'off') {
    warnings.push(
      "ISSUER is https: but TRUST_PROXY is off: behind a TLS proxy every client then has the proxy's address, so per-address " +
        'limits count all clients together; set TRUST_PROXY to the number of proxies in front, or their addresses',
    );
  }
  return warnings;
}

export async function loadSettings(env: NodeJS.ProcessEnv = processEnv()): Promise<Settings> {
  const config = readConfig(env);
  const warnings = deploymentWarnings(config);
  let jwks: PrivateJwks;
  if (config.jwksFile) {
    jwks = await loadJwks(config.jwksFile);
  } else {
    jwks = await generateJwks();
    warnings.push('JWKS_FILE is not set: signing keys were generated in memory; tokens stop verifying after a restart');
  }
  let cookieKeys = config.cookieKeys;
  if (!cookieKeys) {
    cookieKeys = [randomBytes(32).toString('base64url')];
    warnings.push('COOKIE_KEYS is not set: a random cookie key was generated; sign-ins in progress break on restart');
  }
  let clients: ClientMetadata[];
  if (config.clientsFile) {
    clients = await loadClients(config.clientsFile);
  } else {
    clients = [DEV_CLIENT];
    warnings.push(`CLIENTS_FILE is not set: serving the documented development client "${DEV_CLIENT.client_id}" (see README)`);
  }
  return { config, jwks, clients, cookieKeys, warnings };
}
