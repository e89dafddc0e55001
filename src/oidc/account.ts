/**
 * Accounts are Ethereum addresses: nothing is stored about a person. The
 * accountId is the subject (see subject.ts), and oidc-provider makes it the
 * `sub`. The `ethereum` scope adds the address, the chain id of the sign-in,
 * their CAIP-10 account id, and how the sign-in was proven (`wallet_type`);
 * `profile` the ENS name and picture (ens/), `siwe` the signed message and
 * its signature (siwe-proof.ts), all from the record kept with the sign-in.
 */
import type { Account, AccountClaims, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { EnsProfile } from '../ens/ens-profiles.js';
import { profileClaims } from '../ens/profile-claims.js';
import { ETHEREUM_SCOPE, PROFILE_SCOPE, SIWE_SCOPE } from './claims.js';
import { completedLogin, type SignInRecord } from './sign-in-record.js';
import { siweClaims } from './siwe-proof.js';
import { caip10, parseAccountId } from './subject.js';

/** Where a sign-in's record (chain id, wallet type) is found by its session. */
export type SignInOfSession = (sessionUid: string) => Promise<SignInRecord | undefined>;

interface TokenLike {
  sessionUid?: string;
  clientId?: string;
}

/** The record of the sign-in behind this request or token. */
async function signInOf(
  ctx: KoaContextWithOIDC | undefined,
  accountId: string,
  token: TokenLike | undefined,
  signInOfSession: SignInOfSession | undefined,
): Promise<SignInRecord | undefined> {
  const login = completedLogin(ctx);
  if (login?.accountId === accountId && typeof login.chainId === 'number') return login;
  const session = (ctx?.oidc as { session?: { uid?: string; accountId?: string } } | undefined)?.session;
  const sessionUid = token?.sessionUid ?? (session?.accountId === accountId ? session.uid : undefined);
  return sessionUid && signInOfSession ? signInOfSession(sessionUid) : undefined;
}

/** Claims beside the `ethereum` scope's, from another concern (the `groups` of token gates: gates/gate-groups.ts). */
export type ExtraClaims = (
  ctx: KoaContextWithOIDC | undefined,
  token: TokenLike | undefined,
  scope: string,
) => Promise<Record<string, unknown>>;

/**
 * At a refresh, the address's ENS profile found again (ens/profile-refresh.ts); undefined when it is not known now.
 * `record`: the sign-in record of `sessionUid` as this request already read it.
 */
export type RefreshProfile = (
  address: string,
  sessionUid: string | undefined,
  authTime: number | undefined,
  record: SignInRecord | undefined,
) => Promise<EnsProfile | undefined>;

/** This request is a refresh_token grant: claims found at the sign-in are found again. */
function isRefresh(ctx: KoaContextWithOIDC | undefined): boolean {
  return ctx?.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token';
}

export function accountFinder(signInOfSession?: SignInOfSession, refreshProfile?: RefreshProfile, extraClaims?: ExtraClaims): FindAccount {
  return (ctx, accountId, token): Account | undefined => {
    const parsed = parseAccountId(accountId);
    if (!parsed) return undefined;
    return {
      accountId,
      claims: async (_use, scope): Promise<AccountClaims> => {
        const extra = extraClaims ? await extraClaims(ctx, token as TokenLike | undefined, String(scope ?? '')) : {};
        const scopes = new Set(String(scope ?? '').split(' '));
        if (![ETHEREUM_SCOPE, PROFILE_SCOPE, SIWE_SCOPE].some((name) => scopes.has(name))) return { sub: accountId, ...extra };
        const tokenLike = token as (TokenLike & { authTime?: number }) | undefined;
        const record = await signInOf(ctx, accountId, tokenLike, signInOfSession);
        const claims: AccountClaims = { sub: accountId };
        if (scopes.has(ETHEREUM_SCOPE)) {
          const chainId = parsed.chainId ?? record?.chainId;
          Object.assign(claims, {
            ethereum_address: parsed.address,
            ...(chainId === undefined ? {} : { chain_id: chainId, caip10_account_id: caip10(chainId, parsed.address) }),
            ...(record?.walletType === undefined ? {} : { wallet_type: record.walletType }),
          });
        }
        if (scopes.has(PROFILE_SCOPE)) {
          // Looked up at the sign-in and again at each refresh (through the cache), never for userinfo.
          const found =
            refreshProfile && isRefresh(ctx)
              ? await refreshProfile(parsed.address, tokenLike?.sessionUid, tokenLike?.authTime, record)
              : undefined;
          Object.assign(claims, profileClaims(found ?? record?.profile));
        }
        if (scopes.has(SIWE_SCOPE)) Object.assign(claims, siweClaims(record?.siwe, ctx?.oidc?.client?.clientId));
        return { ...claims, ...extra };
      },
    };
  };
}
