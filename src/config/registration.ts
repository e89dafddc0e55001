/**
 * Dynamic client registration (RFC 7591/7592): REGISTRATION, its initial
 * access token and how long a registered client lives without a sign-in.
 * Its rate limit is RATE_LIMITS' `registration` (REGISTRATION_RATE_LIMIT is
 * read there as an alias: see rate-limits.ts).
 */
import { optional, parseChoice } from './values.js';

/** `off`: no registration endpoint. `token`: RFC 7591 with an initial access token. `open`: anyone, under a policy. */
export type RegistrationMode = 'off' | 'token' | 'open';
export const REGISTRATION_MODES: readonly RegistrationMode[] = ['off', 'token', 'open'];

export interface RegistrationConfig {
  mode: RegistrationMode;
  /** The initial access token `token` mode requires (RFC 7591 section 3). */
  initialAccessToken: string | undefined;
  /**
   * Seconds a registered client lives without a sign-in (or an RFC 7592
   * update); its registration access token lives as long.
   */
  clientTtl: number;
}

const MIN_TOKEN_LENGTH = 32;
export const DEFAULT_CLIENT_TTL = 30 * 86_400;
const MAX_CLIENT_TTL = 10 * 365 * 86_400;

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
  const clientTtl = parseClientTtl(optional(env.REGISTRATION_CLIENT_TTL), problems);
  return { mode, initialAccessToken: mode === 'token' ? initialAccessToken : undefined, clientTtl };
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
