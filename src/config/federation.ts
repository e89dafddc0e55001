/**
 * The settings relying parties and identity brokers depend on: the subject
 * format, dynamic client registration, and which private-network hosts the
 * provider may call (back-channel logout, client key sets).
 */
import { optional } from './values.js';

/** `address`: sub is the EIP-55 address. `caip10`: sub is `eip155:<chainId>:<address>`. */
export type SubjectFormat = 'address' | 'caip10';
export const SUBJECT_FORMATS: readonly SubjectFormat[] = ['address', 'caip10'];

/** `off`: no registration endpoint. `token`: RFC 7591 with an initial access token. `open`: anyone, under a policy. */
export type RegistrationMode = 'off' | 'token' | 'open';
export const REGISTRATION_MODES: readonly RegistrationMode[] = ['off', 'token', 'open'];

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

export interface RegistrationConfig {
  mode: RegistrationMode;
  /** The initial access token `token` mode requires (RFC 7591 section 3). */
  initialAccessToken: string | undefined;
  /** Registrations per client IP and window in `open` mode. */
  rateLimit: RateLimit;
  /**
   * Seconds a registered client lives without a sign-in (or an RFC 7592
   * update); its registration access token lives as long.
   */
  clientTtl: number;
}

export interface FederationConfig {
  subjectFormat: SubjectFormat;
  registration: RegistrationConfig;
  /** Hosts outgoing requests may reach although they resolve to loopback or private addresses. */
  privateNetworkHosts: string[];
}

const MIN_TOKEN_LENGTH = 32;
const WINDOWS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400 };
export const DEFAULT_RATE_LIMIT = '20/hour';
export const DEFAULT_CLIENT_TTL = 30 * 86_400;
const MAX_CLIENT_TTL = 10 * 365 * 86_400;

function parseChoice<T extends string>(name: string, raw: string | undefined, choices: readonly T[], fallback: T, problems: string[]): T {
  const value = optional(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return fallback;
}

/** "20/hour" → 20 per 3600 s; units: second, minute, hour, day. */
export function parseRateLimit(raw: string, problems: string[]): RateLimit {
  const match = /^\s*(\d{1,6})\s*\/\s*(second|minute|hour|day)s?\s*$/i.exec(raw);
  if (!match || Number(match[1]) < 1) {
    problems.push(`REGISTRATION_RATE_LIMIT must look like "20/hour" (a count per second, minute, hour or day), got "${raw}"`);
    return { max: 20, windowSeconds: 3600 };
  }
  return { max: Number(match[1]), windowSeconds: WINDOWS[match[2]!.toLowerCase()]! };
}

function parseRegistration(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): RegistrationConfig {
  const initialAccessToken = optional(env.REGISTRATION_INITIAL_ACCESS_TOKEN);
  const mode = parseChoice('REGISTRATION', env.REGISTRATION, REGISTRATION_MODES, initialAccessToken ? 'token' : 'off', problems);
  if (mode === 'token' && !initialAccessToken) {
    problems.push('REGISTRATION=token needs REGISTRATION_INITIAL_ACCESS_TOKEN (a random secret that registering clients send as a Bearer token)');
  }
  if (mode !== 'token' && initialAccessToken) {
    problems.push(`REGISTRATION_INITIAL_ACCESS_TOKEN is set but REGISTRATION is "${mode}": use REGISTRATION=token, or unset the token`);
  }
  if (mode === 'token' && initialAccessToken && production && initialAccessToken.length < MIN_TOKEN_LENGTH) {
    problems.push(`REGISTRATION_INITIAL_ACCESS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters long with NODE_ENV=production`);
  }
  const rateLimit = parseRateLimit(optional(env.REGISTRATION_RATE_LIMIT) ?? DEFAULT_RATE_LIMIT, problems);
  const clientTtl = parseClientTtl(optional(env.REGISTRATION_CLIENT_TTL), problems);
  return { mode, initialAccessToken: mode === 'token' ? initialAccessToken : undefined, rateLimit, clientTtl };
}

/** Whole seconds, 1 to ten years; default 30 days. */
function parseClientTtl(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DEFAULT_CLIENT_TTL;
  if (/^\d{1,10}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= MAX_CLIENT_TTL) return Number(raw);
  problems.push(
    `REGISTRATION_CLIENT_TTL must be a whole number of seconds from 1 to ${MAX_CLIENT_TTL} (${DEFAULT_CLIENT_TTL} is 30 days), got "${raw}"`,
  );
  return DEFAULT_CLIENT_TTL;
}

/** Host names or IP literals, lower case; IPv6 literals in brackets as URL.hostname has them. */
function parseHosts(raw: string | undefined, problems: string[]): string[] {
  const hosts = (raw ?? '').split(',').map((part) => part.trim().toLowerCase()).filter(Boolean);
  const normalized = hosts.map((host) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host));
  const bad = normalized.filter((host) => !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/.test(host));
  if (bad.length > 0) {
    problems.push(`PRIVATE_NETWORK_HOSTS must list host names or IP addresses (no scheme, port or path), got "${bad.join('", "')}"`);
  }
  return [...new Set(normalized)];
}

export function readFederationConfig(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): FederationConfig {
  return {
    subjectFormat: parseChoice('SUBJECT_FORMAT', env.SUBJECT_FORMAT, SUBJECT_FORMATS, 'address', problems),
    registration: parseRegistration(env, production, problems),
    privateNetworkHosts: parseHosts(env.PRIVATE_NETWORK_HOSTS, problems),
  };
}
