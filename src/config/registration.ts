/**
 * Dynamic client registration (RFC 7591/7592): REGISTRATION, its initial
 * access token, the open mode's rate limit and how long a registered client
 * lives without a sign-in.
 */
import { optional, parseChoice } from './values.js';

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

const MIN_TOKEN_LENGTH = 32;
const WINDOWS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400 };
export const DEFAULT_RATE_LIMIT = '20/hour';
export const DEFAULT_CLIENT_TTL = 30 * 86_400;
const MAX_CLIENT_TTL = 10 * 365 * 86_400;

/** "20/hour" → 20 per 3600 s; units: second, minute, hour, day. */
export function parseRateLimit(raw: string, problems: string[]): RateLimit {
  const match = /^\s*(\d{1,6})\s*\/\s*(second|minute|hour|day)s?\s*$/i.exec(raw);
  if (!match || Number(match[1]) < 1) {
    problems.push(`REGISTRATION_RATE_LIMIT must look like "20/hour" (a count per second, minute, hour or day), got "${raw}"`);
    return { max: 20, windowSeconds: 3600 };
  }
  return { max: Number(match[1]), windowSeconds: WINDOWS[match[2]!.toLowerCase()]! };
}

export function parseRegistration(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): RegistrationConfig {
  const initialAccessToken = optional(env.REGISTRATION_INITIAL_ACCESS_TOKEN);
  const mode = parseChoice('REGISTRATION', env.REGISTRATION, REGISTRATION_MODES, initialAccessToken ? 'token' : 'off', problems);
  if (mode === 'token' && !initialAccessToken) {
    problems.push(
      'REGISTRATION=token needs REGISTRATION_INITIAL_ACCESS_TOKEN (a random secret that registering clients send as a Bearer token)',
    );
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
