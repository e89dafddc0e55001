/** How long each artifact lives, in seconds (oidc-provider's `ttl`, without the interaction's). */
const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const LIFETIMES = {
  AccessToken: HOUR,
  AuthorizationCode: MINUTE,
  IdToken: HOUR,
  RefreshToken: 14 * DAY,
  Session: 14 * DAY,
  Grant: 14 * DAY,
} as const;

/**
 * How long a retired signing key stays published: the longest lifetime of
 * anything it may have signed or that may still be checked against it. ID
 * tokens live an hour, but a relying party may send one back as
 * `id_token_hint` for as long as the session lasts.
 */
export const RETIRED_KEY_LIFETIME = Math.max(...Object.values(LIFETIMES));
