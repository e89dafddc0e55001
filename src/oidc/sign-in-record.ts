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
import type { WalletType } from '../siwe/checks/pipeline.js';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';

const recordKey = (sessionUid: string) => `login:chain:${sessionUid}`;

export interface SignInRecord {
  chainId?: number;
  walletType?: WalletType;
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
 * Koa middleware around oidc-provider: after a resume that signed someone in, keep the record
 * for `lifetime` seconds: SESSION_MAX_AGE, the longest its session and refresh tokens can live.
 */
export function recordSignIn(store: Store, lifetime: number) {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    if (oidc?.route !== 'resume') return;
    const login = completedLogin(ctx);
    const session = oidc.session;
    if (typeof login?.chainId !== 'number' || !session?.uid || session.accountId !== login.accountId) return;
    const record: SignInRecord = { chainId: login.chainId, walletType: login.walletType };
    // Fail closed, like every other write of a sign-in: on an outage the authorization response does not leave.
    await guarded(() => store.set(recordKey(session.uid), record, lifetime * 1000));
  };
}

export async function signInOfSession(store: Store, sessionUid: string): Promise<SignInRecord | undefined> {
  const stored = await store.get<SignInRecord | number>(recordKey(sessionUid));
  // Sessions from before wallet types were kept hold the bare chain id.
  return typeof stored === 'number' ? { chainId: stored } : stored;
}
