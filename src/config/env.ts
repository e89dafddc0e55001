/**
 * Reads the process environment into a typed, validated Config.
 * Every problem is collected, so one failed start lists everything to fix.
 */
import { ConfigError } from './config-error.js';
import { type EnsConfig, type EnsOff, parseEns } from './ens.js';
import { optional, parseInteger } from './values.js';
import { parseLifetimes, type Lifetimes } from './lifetimes.js';
import { parsePrivateNetworkHosts } from './private-network-hosts.js';
import { parseRateLimits, type RateLimits } from './rate-limits.js';
import { parseRegistration, type RegistrationConfig } from './registration.js';
import { DEFAULT_RPC_TIMEOUT_MS, parseRpcUrls } from './rpc.js';
import { parseSubjectFormat, type SubjectFormat } from './subject-format.js';
import { parseLogFormat, type LogFormat } from './log-format.js';
import { parseLogLevel, type LogLevel } from './log-level.js';
import { parseMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';
import { processEnv } from './process-env.js';
import { parseRedis } from './redis.js';
import { readSecretFiles } from './secret-files.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';
import type { RedisSettings } from '../storage/redis-topology.js';

export interface Config {
  production: boolean;
  port: number;
  /** The issuer identifier, no trailing slash (e.g. `https://id.example.com`). */
  issuer: string;
  /** The SIWE `domain`: the issuer's host including a non-default port. */
  siweDomain: string;
  /** The issuer's scheme without colon (`https`). */
  siweScheme: string;
  /** Which proxies may name the client's address (X-Forwarded-For); never the protocol or host. */
  trustProxy: TrustProxy;
  redisUrl: string | undefined;
  /** The shared store on Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES; config/redis.ts); undefined: in memory. */
  redis: RedisSettings | undefined;
  clientsFile: string | undefined;
  jwksFile: string | undefined;
  cookieKeys: string[] | undefined;
  chainIds: number[];
  /** Seconds an interaction, and so the SIWE challenge, stays valid. */
  interactionTtl: number;
  /** Seconds of clock skew tolerated for `issuedAt` in the future. */
  clockSkew: number;
  /** Token and session lifetimes, in seconds (ACCESS_TOKEN_TTL … SESSION_MAX_AGE). */
  lifetimes: Lifetimes;
  logLevel: LogLevel;
  /** LOG_FORMAT: `json` (one object per line) or `pretty` (development). */
  logFormat: LogFormat;
  subjectFormat: SubjectFormat;
  registration: RegistrationConfig;
  /** Waiting desktop pages of cross-device sign-ins (open event streams) per client address, per instance. */
  crossDeviceMaxWaiting: number;
  /** The abuse limits (RATE_LIMITS; REGISTRATION_RATE_LIMIT as the alias of `registration`); null where off. */
  rateLimits: RateLimits;
  /** The in-memory store's cap: at it, new interactions are refused with 503 (storage/memory-store.ts). */
  memoryStoreMaxEntries: number;
  /** Hosts outgoing requests may reach although they resolve to loopback or private addresses. */
  privateNetworkHosts: string[];
  /** Chain id → JSON-RPC URL, for contract-wallet signatures. Never log a URL: see config/rpc.ts. */
  rpcUrls: Map<number, string>;
  /** Milliseconds one verification's chain calls may take. */
  rpcTimeout: number;
  /** Seconds a stop (SIGTERM) may take: half accepting new requests, the rest finishing those in flight (web/shutdown.ts). */
  shutdownTimeout: number;
  /** Where the Prometheus metrics are served (METRICS_PORT, METRICS_HOST); undefined: no metrics. */
  metrics: MetricsEndpoint | undefined;
  /** ENS lookups for the `profile` scope (ENS, ENS_RPC_URL, ENS_REGISTRY, ENS_TIMEOUT, ENS_CACHE_TTL; config/ens.ts), or why they are off. */
  ens: EnsConfig | EnsOff;
}

/** A household or office behind one address rarely has more desktops waiting for a phone at once. */
export const DEFAULT_CROSS_DEVICE_MAX_WAITING = 20;

/** 100,000 entries, or 200 MB of text, whichever comes first (see storage/memory-store.ts). */
export const DEFAULT_MEMORY_STORE_MAX_ENTRIES = 100_000;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const MIN_COOKIE_KEY_LENGTH = 32;

export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname);
}

function parseIssuer(raw: string, production: boolean, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`ISSUER must be an absolute URL such as https://id.example.com, got "${raw}"`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`ISSUER must use https: (got ${url.protocol})`);
  } else if (url.protocol === 'http:' && production && !isLoopback(url.hostname)) {
    problems.push(
      `ISSUER ${raw} uses http: on a non-loopback host; with NODE_ENV=production use an https: issuer ` +
        '(terminate TLS in front of the server)',
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    problems.push('ISSUER must not contain a query, a fragment or credentials');
  }
  if (url.pathname !== '/') {
    problems.push(`ISSUER must be an origin without a path (got path "${url.pathname}")`);
  }
  return url;
}

function parseChainIds(raw: string, problems: string[]): number[] {
  const ids = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const valid = ids.filter((id) => /^[1-9]\d*$/.test(id) && Number.isSafeInteger(Number(id)));
  if (ids.length === 0 || valid.length !== ids.length) {
    problems.push(`CHAIN_IDS must be a comma-separated list of EIP-155 chain ids such as "1,10,8453", got "${raw}"`);
  }
  return [...new Set(valid.map(Number))];
}

function parseCookieKeys(raw: string | undefined, production: boolean, problems: string[]): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const keys = raw
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  if (production && keys.some((key) => key.length < MIN_COOKIE_KEY_LENGTH)) {
    problems.push(`COOKIE_KEYS: every key must be at least ${MIN_COOKIE_KEY_LENGTH} characters long`);
  }
  return keys;
}

export function readConfig(given: NodeJS.ProcessEnv = processEnv()): Config {
  const problems: string[] = [];
  // COOKIE_KEYS_FILE, REDIS_URL_FILE, …: each secret setting may come from a file (config/secret-files.ts).
  const env = readSecretFiles(given, problems);
  const production = env.NODE_ENV === 'production';
  const port = parseInteger('PORT', env.PORT ?? '3000', 0, 65535, problems);
  const issuerUrl = parseIssuer(optional(env.ISSUER) ?? `http://localhost:${port}`, production, problems);
  const chainIds = parseChainIds(env.CHAIN_IDS ?? '1', problems);
  const rpcUrls = parseRpcUrls(env.RPC_URLS, chainIds, problems);
  const config: Config = {
    production,
    port,
    issuer: issuerUrl ? issuerUrl.origin : '',
    siweDomain: issuerUrl ? issuerUrl.host : '',
    siweScheme: issuerUrl ? issuerUrl.protocol.slice(0, -1) : '',
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
    redisUrl: optional(env.REDIS_URL),
    redis: parseRedis(env, problems),
    clientsFile: optional(env.CLIENTS_FILE),
    jwksFile: optional(env.JWKS_FILE),
    cookieKeys: parseCookieKeys(env.COOKIE_KEYS, production, problems),
    chainIds,
    interactionTtl: parseInteger('INTERACTION_TTL', env.INTERACTION_TTL ?? '600', 60, 86400, problems),
    clockSkew: parseInteger('CLOCK_SKEW', env.CLOCK_SKEW ?? '60', 0, 600, problems),
    lifetimes: parseLifetimes(env, problems),
    logLevel: parseLogLevel(env.LOG_LEVEL, 'info', problems),
    logFormat: parseLogFormat(env.LOG_FORMAT, 'json', problems),
    subjectFormat: parseSubjectFormat(env.SUBJECT_FORMAT, problems),
    registration: parseRegistration(env, production, problems),
    rateLimits: parseRateLimits(env, problems),
    crossDeviceMaxWaiting: parseInteger(
      'CROSS_DEVICE_MAX_WAITING',
      optional(env.CROSS_DEVICE_MAX_WAITING) ?? String(DEFAULT_CROSS_DEVICE_MAX_WAITING),
      1,
      1_000_000,
      problems,
    ),
    memoryStoreMaxEntries: parseInteger(
      'MEMORY_STORE_MAX_ENTRIES',
      optional(env.MEMORY_STORE_MAX_ENTRIES) ?? String(DEFAULT_MEMORY_STORE_MAX_ENTRIES),
      100,
      100_000_000,
      problems,
    ),
    privateNetworkHosts: parsePrivateNetworkHosts(env.PRIVATE_NETWORK_HOSTS, problems),
    rpcUrls,
    rpcTimeout: parseInteger('RPC_TIMEOUT', optional(env.RPC_TIMEOUT) ?? String(DEFAULT_RPC_TIMEOUT_MS), 100, 60_000, problems),
    shutdownTimeout: parseInteger('SHUTDOWN_TIMEOUT', optional(env.SHUTDOWN_TIMEOUT) ?? '10', 0, 600, problems),
    metrics: parseMetricsEndpoint(env, port, problems),
    ens: parseEns(env, rpcUrls, problems),
  };
  if (production) {
    if (!config.jwksFile) problems.push('JWKS_FILE is required with NODE_ENV=production (run: npx siwe-idp keys generate --out jwks.json)');
    if (!config.cookieKeys)
      problems.push('COOKIE_KEYS is required with NODE_ENV=production (comma-separated random secrets, 32+ characters each)');
    if (!config.clientsFile) problems.push('CLIENTS_FILE is required with NODE_ENV=production (a JSON array of client metadata)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
