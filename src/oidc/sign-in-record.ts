/**
 * How a sign-in was made: the chain id the wallet signed with, and how the
 * signature was proven (`eoa`, `eip1271`, `eip6492`), for the `ethereum`
 * scope's claims. The account id is the subject and carries neither (a
 * CAIP-10 subject names its chain, not its wallet type), so the record is
 * kept beside the session, keyed by the session's uid (tokens carry it as
 * `sessionUid`), as long as a session lives. oidc-provider keeps no unknown
 * login-result fields, so it is written when the login completes, at the
 * resume step, before the response (and any authorization code in it) leaves.
 */
import type { Context, Next } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { EnsProfile } from '../ens/ens-profiles.js';
import type { WalletType } from '../siwe/checks/pipeline.js';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';

const recordKey = (sessionUid: string) => `login:chain:${sessionUid}`;

export interface SignInRecord {
  chainId?: number;
  walletType?: WalletType;
  /** The ENS profile found at the sign-in (or the last refresh), for the `profile` scope; absent when not known. */
  profile?: EnsProfile;
  /** The signed SIWE message and its signature, for the `siwe` scope (oidc/siwe-proof.ts). */
  siwe?: SiweProof;
}

/** The proof a wallet produced, kept for the client whose login it was. */
export interface SiweProof {
  message: string;
  signature: string;
  clientId: string;
}

/** The login result our interaction hands to oidc-provider. */
export interface LoginResult extends SignInRecord {
  accountId: string;
}

export function completedLogin(ctx: Context | KoaContextWithOIDC | undefined): LoginResult | undefined {
  const login = (ctx as KoaContextWithOIDC | undefined)?.oidc?.result?.login as LoginResult | undefined;
  return typeof login?.accountId === 'string' ? login : undefined;
}

/**
 * Koa middleware around oidc-provider, for the routes that finish a sign-in (the resumes; provider.ts mounts it
 * there only): after one that signed someone in, keep the record for `lifetime` seconds: SESSION_MAX_AGE, the
 * longest its session and refresh tokens can live.
 */
export function recordSignIn(store: Store, lifetime: number) {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    const login = completedLogin(ctx);
    const session = (ctx as unknown as KoaContextWithOIDC).oidc?.session;
    if (typeof login?.chainId !== 'number' || !session?.uid || session.accountId !== login.accountId) return;
    const record: SignInRecord = { chainId: login.chainId, walletType: login.walletType, profile: login.profile, siwe: login.siwe };
    // Fail closed, like every other write of a sign-in: on an outage the authorization response does not leave.
    await guarded(() => store.set(recordKey(session.uid), record, lifetime * 1000));
  };
}

export async function signInOfSession(store: Store, sessionUid: string): Promise<SignInRecord | undefined> {
  const stored = await store.get<SignInRecord | number>(recordKey(sessionUid));
  // Sessions from before wallet types were kept hold the bare chain id.
  return typeof stored === 'number' ? { chainId: stored } : stored;
}

/**
 * A refresh found the ENS profile again (ens/profile-refresh.ts): it replaces the recorded one, so
 * userinfo answers as the new ID token does. `record`: the session's record as the refresh read it (none: nothing
 * to update). `ttlMs`: what is left of the record's life.
 */
export async function updateSignInProfile(
  store: Store,
  sessionUid: string,
  record: SignInRecord | undefined,
  profile: EnsProfile,
  ttlMs: number,
): Promise<void> {
  if (!record || ttlMs <= 0) return;
  await store.set(recordKey(sessionUid), { ...record, profile }, ttlMs);
}
