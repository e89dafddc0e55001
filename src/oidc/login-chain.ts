/**
 * The chain a sign-in used. With SUBJECT_FORMAT=address the account id is the
 * bare address, so the chain id the wallet signed with is kept beside the
 * session, keyed by the session's uid (tokens carry it as `sessionUid`), for
 * as long as a session lives. oidc-provider keeps no unknown login-result
 * fields, so it is recorded when the login completes, at the resume step,
 * before the response (and any authorization code in it) leaves.
 */
import type { Context, Next } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';
import { LIFETIMES } from './lifetimes.js';
import { parseAccountId } from './subject.js';

const chainKey = (sessionUid: string) => `login:chain:${sessionUid}`;

/** The login result our interaction hands to oidc-provider. */
export interface LoginResult {
  accountId: string;
  chainId?: number;
}

export function completedLogin(ctx: Context | KoaContextWithOIDC | undefined): LoginResult | undefined {
  const login = (ctx as KoaContextWithOIDC | undefined)?.oidc?.result?.login as LoginResult | undefined;
  return typeof login?.accountId === 'string' ? login : undefined;
}

/** Koa middleware around oidc-provider: after a resume that signed someone in, remember the chain. */
export function recordLoginChain(store: Store) {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    if (oidc?.route !== 'resume') return;
    const login = completedLogin(ctx);
    const session = oidc.session;
    if (typeof login?.chainId !== 'number' || !session?.uid || session.accountId !== login.accountId) return;
    // A CAIP-10 account id (SUBJECT_FORMAT=caip10) names its chain itself.
    if (parseAccountId(login.accountId)?.chainId !== undefined) return;
    // Fail closed, like every other write of a sign-in: on an outage the authorization response does not leave.
    await guarded(() => store.set(chainKey(session.uid), login.chainId!, LIFETIMES.Session * 1000));
  };
}

export async function chainOfSession(store: Store, sessionUid: string): Promise<number | undefined> {
  return store.get<number>(chainKey(sessionUid));
}
