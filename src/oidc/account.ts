/**
 * Accounts are Ethereum addresses: nothing is stored about a person. The
 * accountId is the subject (see subject.ts), and oidc-provider makes it the
 * `sub`. The `ethereum` scope adds the address, the chain id of the sign-in,
 * their CAIP-10 account id, and how the sign-in was proven (`wallet_type`).
 */
import type { Account, AccountClaims, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { ETHEREUM_SCOPE } from './claims.js';
import { completedLogin, type SignInRecord } from './sign-in-record.js';
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

export function accountFinder(signInOfSession?: SignInOfSession, extraClaims?: ExtraClaims): FindAccount {
  return (ctx, accountId, token): Account | undefined => {
    const parsed = parseAccountId(accountId);
    if (!parsed) return undefined;
    return {
      accountId,
      claims: async (_use, scope): Promise<AccountClaims> => {
        const extra = extraClaims ? await extraClaims(ctx, token as TokenLike | undefined, String(scope ?? '')) : {};
        if (
          !String(scope ?? '')
            .split(' ')
            .includes(ETHEREUM_SCOPE)
        )
          return { sub: accountId, ...extra };
        const record = await signInOf(ctx, accountId, token as TokenLike | undefined, signInOfSession);
        const chainId = parsed.chainId ?? record?.chainId;
        return {
          sub: accountId,
          ethereum_address: parsed.address,
          ...(chainId === undefined ? {} : { chain_id: chainId, caip10_account_id: caip10(chainId, parsed.address) }),
          ...(record?.walletType === undefined ? {} : { wallet_type: record.walletType }),
          ...extra,
        };
      },
    };
  };
}
