/**
 * Accounts are Ethereum addresses: nothing is stored about a person. The
 * accountId is the subject (see subject.ts), and oidc-provider makes it the
 * `sub`. The `ethereum` scope adds the address, the chain id of the sign-in
 * and their CAIP-10 account id.
 */
import type { Account, AccountClaims, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { ETHEREUM_SCOPE } from './claims.js';
import { completedLogin } from './login-chain.js';
import { caip10, parseAccountId } from './subject.js';

/** Where a sign-in's chain id is found when the account id does not name it. */
export type ChainOfSession = (sessionUid: string) => Promise<number | undefined>;

interface TokenLike {
  sessionUid?: string;
}

/** The chain the sign-in behind this request or token used. */
async function chainOf(
  ctx: KoaContextWithOIDC | undefined,
  accountId: string,
  token: TokenLike | undefined,
  chainOfSession: ChainOfSession | undefined,
): Promise<number | undefined> {
  const login = completedLogin(ctx);
  if (login?.accountId === accountId && typeof login.chainId === 'number') return login.chainId;
  const session = (ctx?.oidc as { session?: { uid?: string; accountId?: string } } | undefined)?.session;
  const sessionUid = token?.sessionUid ?? (session?.accountId === accountId ? session.uid : undefined);
  return sessionUid && chainOfSession ? chainOfSession(sessionUid) : undefined;
}

export function accountFinder(chainOfSession?: ChainOfSession): FindAccount {
  return (ctx, accountId, token): Account | undefined => {
    const parsed = parseAccountId(accountId);
    if (!parsed) return undefined;
    return {
      accountId,
      claims: async (_use, scope): Promise<AccountClaims> => {
        if (
          !String(scope ?? '')
            .split(' ')
            .includes(ETHEREUM_SCOPE)
        )
          return { sub: accountId };
        const chainId = parsed.chainId ?? (await chainOf(ctx, accountId, token as TokenLike | undefined, chainOfSession));
        return {
          sub: accountId,
          ethereum_address: parsed.address,
          ...(chainId === undefined ? {} : { chain_id: chainId, caip10_account_id: caip10(chainId, parsed.address) }),
        };
      },
    };
  };
}
