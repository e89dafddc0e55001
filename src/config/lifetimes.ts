/**
 * How long tokens and sessions live: ACCESS_TOKEN_TTL, ID_TOKEN_TTL,
 * REFRESH_TOKEN_TTL (idle), SESSION_TTL (idle) and SESSION_MAX_AGE (the
 * absolute cap no sliding session or refresh token passes).
 *
 * A duration is whole seconds (`3600`) or a whole number with a unit:
 * `s`, `m`, `h` or `d` (`90s`, `30m`, `1h`, `7d`).
 */
import { ConfigError } from './config-error.js';
import { optional } from './values.js';

/** Every lifetime, in seconds. */
export interface Lifetimes {
  accessToken: number;
  idToken: number;
  /** Idle: each use of a refresh token rotates it into a fresh window this long. */
  refreshToken: number;
  /** Idle: each authorization through the session starts this window again. */
  session: number;
  /** Absolute, from the sign-in: sessions and refresh tokens end then, however active. */
  sessionMaxAge: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNITS: Record<string, number> = { s: 1, m: MINUTE, h: HOUR, d: DAY };

/** The seed: tokens renewed every hour, signed out after a week without use, and at the latest after 30 days. */
export const DEFAULT_LIFETIMES: Lifetimes = {
  accessToken: HOUR,
  idToken: HOUR,
  refreshToken: 7 * DAY,
  session: 7 * DAY,
  sessionMaxAge: 30 * DAY,
};

interface Setting {
  name: string;
  key: keyof Lifetimes;
  max: number;
}

/** Bearer tokens a day at most; sessions and refresh tokens a year at most. */
const SETTINGS: Setting[] = [
  { name: 'ACCESS_TOKEN_TTL', key: 'accessToken', max: DAY },
  { name: 'ID_TOKEN_TTL', key: 'idToken', max: DAY },
  { name: 'REFRESH_TOKEN_TTL', key: 'refreshToken', max: 365 * DAY },
  { name: 'SESSION_TTL', key: 'session', max: 365 * DAY },
  { name: 'SESSION_MAX_AGE', key: 'sessionMaxAge', max: 365 * DAY },
];
const MIN = 1;

/** 604800 → "7d", 5400 → "90m", 61 → "61s": the largest unit that divides it. */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** "3600", "3600s", "60m", "1h" → 3600; undefined when it is not a duration. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/i.exec(raw.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[(match[2] || 's').toLowerCase()]!;
}

/** Reads the five settings; every problem (a bad value, or values that contradict each other) goes to `problems`. */
export function parseLifetimes(env: NodeJS.ProcessEnv, problems: string[]): Lifetimes {
  const lifetimes = { ...DEFAULT_LIFETIMES };
  const bad = new Set<keyof Lifetimes>();
  for (const { name, key, max } of SETTINGS) {
    const raw = optional(env[name]);
    if (raw === undefined) continue;
    const seconds = parseDuration(raw);
    if (seconds === undefined || seconds < MIN || seconds > max) {
      problems.push(
        `${name} must be a duration from ${MIN}s to ${formatDuration(max)}: whole seconds (3600) or a number ` +
          `with s, m, h or d (90s, 30m, 1h, 7d); got "${raw}"`,
      );
      bad.add(key);
      continue;
    }
    lifetimes[key] = seconds;
  }
  const cap = lifetimes.sessionMaxAge;
  if (!bad.has('sessionMaxAge')) {
    const shown = (key: keyof Lifetimes) => formatDuration(lifetimes[key]);
    const reasons: Partial<Record<keyof Lifetimes, string>> = {
      session: 'the idle timeout cannot outlast the absolute cap',
      refreshToken: 'a refresh token ends SESSION_MAX_AGE after the sign-in, however recently it was used',
      accessToken: 'no token may outlive the longest a sign-in lasts',
      idToken: 'no token may outlive the longest a sign-in lasts',
    };
    for (const { name, key } of SETTINGS) {
      if (key === 'sessionMaxAge' || bad.has(key) || lifetimes[key] <= cap) continue;
      problems.push(`${name} (${shown(key)}) must not exceed SESSION_MAX_AGE (${formatDuration(cap)}): ${reasons[key]}`);
    }
  }
  return lifetimes;
}

/** The lifetimes alone, for commands that need no other setting (`siwe-idp keys rotate`); throws ConfigError. */
export function readLifetimes(env: NodeJS.ProcessEnv): Lifetimes {
  const problems: string[] = [];
  const lifetimes = parseLifetimes(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return lifetimes;
}

/**
 * How long a retired signing key stays published: the longest lifetime of
 * anything it may have signed or that may still be checked against it. ID
 * tokens live ID_TOKEN_TTL, but a relying party may send one back as
 * `id_token_hint` for as long as the session lasts, at most SESSION_MAX_AGE.
 */
export function retiredKeyLifetime(lifetimes: Lifetimes): number {
  return Math.max(...Object.values(lifetimes));
}
