/**
 * How long each artifact lives (oidc-provider's `ttl`), from the configured
 * lifetimes (src/config/lifetimes.ts).
 *
 * Idle lifetimes slide, up to an absolute cap, SESSION_MAX_AGE after the sign-in:
 * - Session: oidc-provider saves an existing session at every request through it
 *   (each authorization, prompt=none included) with a new `exp` of now + ttl.Session,
 *   so ttl.Session returns the idle window, shortened to what is left until
 *   `loginTs` (the sign-in, reset by a new one) + SESSION_MAX_AGE.
 * - RefreshToken: every use rotates it (`rotateRefreshToken: true`); the new token
 *   keeps `authTime` and `iiat` (the first token's `iat`) and gets a fresh idle
 *   window, shortened to what is left until `authTime` + SESSION_MAX_AGE.
 * A Grant lives SESSION_MAX_AGE from its creation, which follows the sign-in: as long
 * as the session and refresh tokens of that sign-in can.
 */
import type { Configuration, RefreshToken, Session } from 'oidc-provider';
import { DEFAULT_LIFETIMES, type Lifetimes, retiredKeyLifetime } from '../config/lifetimes.js';

export const AUTHORIZATION_CODE_TTL = 60;

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The idle window, cut at `start` + the cap. oidc-provider takes only a positive
 * whole number: an artifact already at its cap gets one second (its stored `exp`
 * is already there, so it is not found any more anyway).
 */
function slidingTtl(idle: number, start: number | undefined, cap: number): number {
  if (start === undefined) return idle;
  return Math.max(1, Math.min(idle, start + cap - epochSeconds()));
}

export function sessionTtl(lifetimes: Lifetimes) {
  return (_ctx: unknown, session: Session): number =>
    slidingTtl(lifetimes.session, typeof session.loginTs === 'number' ? session.loginTs : undefined, lifetimes.sessionMaxAge);
}

export function refreshTokenTtl(lifetimes: Lifetimes) {
  return (_ctx: unknown, token: RefreshToken): number => {
    // authTime is the sign-in; iiat (the first token of a rotation chain) stands in if it is missing.
    const start = typeof token.authTime === 'number' ? token.authTime : typeof token.iiat === 'number' ? token.iiat : undefined;
    return slidingTtl(lifetimes.refreshToken, start, lifetimes.sessionMaxAge);
  };
}

/** oidc-provider's `ttl`. */
export function providerTtl(lifetimes: Lifetimes, interactionTtl: number): NonNullable<Configuration['ttl']> {
  return {
    AccessToken: lifetimes.accessToken,
    AuthorizationCode: AUTHORIZATION_CODE_TTL,
    IdToken: lifetimes.idToken,
    RefreshToken: refreshTokenTtl(lifetimes),
    Session: sessionTtl(lifetimes),
    // Created after the sign-in, a grant outlives every session and refresh token of that sign-in.
    Grant: Math.max(lifetimes.session, lifetimes.refreshToken, lifetimes.sessionMaxAge),
    Interaction: interactionTtl,
    // A device request (RFC 8628) waits for its sign-in as long as a sign-in may take.
    DeviceCode: interactionTtl,
  };
}

/**
 * How long a retired signing key stays published with the default lifetimes.
 * `siwe-idp keys rotate` computes it from the environment: retiredKeyLifetime.
 */
export const RETIRED_KEY_LIFETIME = retiredKeyLifetime(DEFAULT_LIFETIMES);
