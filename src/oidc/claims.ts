/**
 * The claims each scope releases. A wallet proves control of an address and
 * nothing else, so `openid` releases `sub` (the EIP-55 address); the ID token
 * also always carries `amr: ["pop"]` (RFC 8176: proof of possession of a key)
 * and `auth_time`. `acr` and `sid` appear when requested / when a session exists.
 */
export const SCOPES = ['openid', 'offline_access'] as const;

/** oidc-provider's `claims`: scope → claims it releases; `null` marks a standalone claim. */
export const CLAIMS: Record<string, string[] | null> = {
  openid: ['sub', 'amr', 'auth_time'],
  acr: null,
  sid: null,
  iss: null,
};

/** How each scope is described to a person on the consent page. */
export const SCOPE_TEXT: Record<string, string> = {
  openid: 'Your Ethereum address, as your account identifier',
  offline_access: 'Stay signed in to the application when you are away (a refresh token)',
};
