/**
 * RATE_LIMITS: the abuse limits, one variable. Comma-separated
 * `<name>=<count>/<window>` (window: second, minute, hour or day) or
 * `<name>=off`; a name left out keeps its default; `RATE_LIMITS=off` turns
 * every limit off. REGISTRATION_RATE_LIMIT (`<count>/<window>`) is the older
 * spelling of `registration=`, still read.
 *
 *   auth          requests to the authorization endpoint (/auth) per client address
 *   token         requests to the token endpoint (/token) per client address
 *   login         sign-in attempts (POST /interaction/:uid/login) per client address
 *   session_end   requests to RP-initiated logout (/session/end, its confirm) per client address
 *   registration  dynamic registrations (POST /reg) per client address
 *   device        device authorization requests (POST /device/auth, RFC 8628) per client address
 *   user_code     the user-code page (GET and POST /device): views and codes entered, per client address
 *   address       failed sign-ins per Ethereum address and client address
 *   cross_device  cross-device sign-in requests per client address: showing a
 *                 QR code, opening a waiting connection, and the phone's page,
 *                 message and signature (/sign/<handle>; see cross-device/)
 *
 * The defaults are far above what a person does (see DEFAULT_RATE_LIMITS) and
 * far below what fills memory or burns CPU.
 */
import { optional } from './values.js';

export type LimitName = 'auth' | 'token' | 'login' | 'session_end' | 'registration' | 'device' | 'user_code' | 'address' | 'cross_device';
export const LIMIT_NAMES: readonly LimitName[] = [
  'auth',
  'token',
  'login',
  'session_end',
  'registration',
  'device',
  'user_code',
  'address',
  'cross_device',
];

export interface RateLimit {
  /** Requests (or failures) allowed per window; one more is refused. */
  max: number;
  windowSeconds: number;
}

/** Each limit, or null where it is off. */
export type RateLimits = Record<LimitName, RateLimit | null>;

export const WINDOWS: Readonly<Record<string, number>> = { second: 1, minute: 60, hour: 3600, day: 86_400 };
export const MAX_COUNT = 1_000_000;

/**
 * What a person never reaches and a flood does at once. `auth`: one browser
 * signs in to a handful of applications a minute (60 a minute also holds what
 * one address keeps alive, at INTERACTION_TTL's 10 minutes, to 600
 * interactions). `token`: called by relying parties' servers, each exchanging
 * every user's codes and refresh tokens from one address: higher. `login` and
 * `session_end`: a few a minute by hand. `registration`: one client a
 * deployment, rarely more. `device`: a command-line tool or a TV starts one
 * device sign-in per login, and each is stored for INTERACTION_TTL, as /auth's
 * interactions are. `user_code`: a person opens the code page and types a code
 * or two; every entry is a guess at a code, so this also bounds guessing
 * (RFC 8628 section 5.1: at 30 a minute, one address needs on average well over
 * a year to hit one of a thousand live codes among the 20^8 possible). `address`: ten failed signatures a minute for
 * one account from one address is a broken client or a script. `cross_device`:
 * one phone sign-in takes about five requests (the QR code, the phone's page,
 * its message, the signature, a waiting connection that reconnects each minute).
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<LimitName, RateLimit>> = {
  auth: { max: 60, windowSeconds: 60 },
  token: { max: 600, windowSeconds: 60 },
  login: { max: 30, windowSeconds: 60 },
  session_end: { max: 30, windowSeconds: 60 },
  registration: { max: 20, windowSeconds: 3600 },
  device: { max: 30, windowSeconds: 60 },
  user_code: { max: 30, windowSeconds: 60 },
  address: { max: 10, windowSeconds: 60 },
  cross_device: { max: 60, windowSeconds: 60 },
};

export const DEFAULT_RATE_LIMITS_TEXT =
  'auth=60/minute,token=600/minute,login=30/minute,session_end=30/minute,registration=20/hour,device=30/minute,user_code=30/minute,address=10/minute,cross_device=60/minute';

const LIMIT = /^(\d{1,7})\s*\/\s*(second|minute|hour|day)s?$/i;

/** `20/hour` → 20 per 3600 s; `off` → null; anything else → undefined. */
export function parseLimit(raw: string): RateLimit | null | undefined {
  const value = raw.trim();
  if (value.toLowerCase() === 'off') return null;
  const match = LIMIT.exec(value);
  if (!match) return undefined;
  const max = Number(match[1]);
  if (max < 1 || max > MAX_COUNT) return undefined;
  return { max, windowSeconds: WINDOWS[match[2]!.toLowerCase()]! };
}

/** A limit as RATE_LIMITS writes it: `60/minute`, `off`. */
export function formatLimit(limit: RateLimit | null): string {
  if (limit === null) return 'off';
  const window = Object.entries(WINDOWS).find(([, seconds]) => seconds === limit.windowSeconds)?.[0];
  return window ? `${limit.max}/${window}` : `${limit.max}/${limit.windowSeconds}s`;
}

const SHAPE = `comma-separated <name>=<count>/<window> (names: ${LIMIT_NAMES.join(', ')}; windows: second, minute, hour, day; a count from 1 to ${MAX_COUNT}; or <name>=off), or off`;

export function parseRateLimits(env: NodeJS.ProcessEnv, problems: string[]): RateLimits {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS };
  const raw = optional(env.RATE_LIMITS);
  const alias = optional(env.REGISTRATION_RATE_LIMIT);
  const aliased = alias === undefined ? undefined : parseLimit(alias);
  if (alias !== undefined && aliased === undefined) {
    problems.push(
      `REGISTRATION_RATE_LIMIT must look like "20/hour" (a count per second, minute, hour or day), got "${alias}"; ` +
        'it is the older spelling of RATE_LIMITS=registration=20/hour',
    );
  }
  if (raw?.toLowerCase() === 'off') {
    // Every limit, the alias's too: "off" is the one switch that turns them all off.
    for (const name of LIMIT_NAMES) limits[name] = null;
    return limits;
  }
  const named = new Set<string>();
  const entries = (raw ?? '').split(',').filter((entry) => entry.trim() !== '');
  for (const entry of entries) {
    const [name = '', value, ...rest] = entry.split('=').map((part) => part.trim());
    const key = name.toLowerCase();
    if (!(LIMIT_NAMES as readonly string[]).includes(key)) {
      problems.push(`RATE_LIMITS: unknown limit "${name}" in "${entry.trim()}"; must be ${SHAPE}, e.g. "${DEFAULT_RATE_LIMITS_TEXT}"`);
      continue;
    }
    if (named.has(key)) {
      problems.push(`RATE_LIMITS names "${key}" twice`);
      continue;
    }
    named.add(key);
    const limit = value === undefined || rest.length > 0 ? undefined : parseLimit(value);
    if (limit === undefined) {
      problems.push(
        `RATE_LIMITS: "${entry.trim()}" must be ${key}=<count>/<window> or ${key}=off, e.g. "${key}=${formatLimit(DEFAULT_RATE_LIMITS[key as LimitName])}"`,
      );
      continue;
    }
    limits[key as LimitName] = limit;
  }
  if (aliased !== undefined) {
    if (named.has('registration')) {
      problems.push('REGISTRATION_RATE_LIMIT and RATE_LIMITS both set the registration limit: keep only RATE_LIMITS=registration=…');
    } else {
      limits.registration = aliased;
    }
  }
  return limits;
}

/** The limits as RATE_LIMITS would write them (`off` when every one is off). */
export function describeRateLimits(limits: RateLimits): string {
  if (LIMIT_NAMES.every((name) => limits[name] === null)) return 'off';
  return LIMIT_NAMES.map((name) => `${name}=${formatLimit(limits[name])}`).join(',');
}
