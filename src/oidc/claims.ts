/**
 * The claims each scope releases. A wallet proves control of an address and
 * nothing else, so `openid` releases `sub` (the subject: the EIP-55 address,
 * or its CAIP-10 form with SUBJECT_FORMAT=caip10); the ID token also always
 * carries `amr: ["pop"]` (RFC 8176: proof of possession of a key) and
 * `auth_time`. `acr` and `sid` appear when requested / when a session exists.
 * `ethereum` releases what identity brokers map to user attributes: the
 * address, the EIP-155 chain id the wallet signed in on, and both together as
 * a CAIP-10 account id. Scope claims are released in the ID token as well as
 * from userinfo (brokers such as Auth0 read only the ID token).
 * `profile` releases the address's primary ENS name as `preferred_username`
 * and `name`, and its avatar as `picture`, when ENS says so (see ens/).
 * `siwe` releases the signed EIP-4361 message and its signature, so a relying
 * party can check the wallet's proof itself (see oidc/siwe-proof.ts).
 */
export const ETHEREUM_SCOPE = 'ethereum';
export const PROFILE_SCOPE = 'profile';
export const SIWE_SCOPE = 'siwe';

/** `groups`: the groups of the client's token gates the account meets (gates/gate-groups.ts); only for a client with `token_gates`. */
export const GROUPS_SCOPE = 'groups';

export const SCOPES = ['openid', 'offline_access', ETHEREUM_SCOPE, PROFILE_SCOPE, SIWE_SCOPE, GROUPS_SCOPE] as const;

/** oidc-provider's `claims`: scope → claims it releases; `null` marks a standalone claim. */
export const CLAIMS: Record<string, string[] | null> = {
  openid: ['sub', 'amr', 'auth_time'],
  [ETHEREUM_SCOPE]: ['ethereum_address', 'chain_id', 'caip10_account_id', 'wallet_type'],
  [PROFILE_SCOPE]: ['preferred_username', 'name', 'picture'],
  [SIWE_SCOPE]: ['siwe_message', 'siwe_signature'],
  [GROUPS_SCOPE]: ['groups'],
  acr: null,
  sid: null,
  iss: null,
};
