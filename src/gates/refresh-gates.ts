/**
 * Token gates at refresh (grant_type=refresh_token): the gates are evaluated
 * again, in findAccount. oidc-provider's refresh_token grant loads the account
 * through findAccount(ctx, accountId, refreshToken) once it has authenticated
 * the client and checked the token (found, this client's, not expired, its
 * grant valid), and before it rotates the token or issues anything; an error
 * thrown there is its answer, and nothing is written. So:
 *
 *   - a required gate the chain says is no longer met: 400 invalid_grant,
 *     saying which; the refresh token is not used up, and works again once the
 *     gate is met again (until it expires);
 *   - a required gate whose chain cannot answer: 503 temporarily_unavailable
 *     (fail closed; the token is kept for a retry);
 *   - otherwise the new tokens' `groups` are the fresh ones (gate-groups.ts
 *     keeps them for userinfo too).
 *
 * A refresh token already used is left to oidc-provider (it revokes the
 * grant): no chain call for a replay.
 */
import { errors, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import { parseAccountId } from '../oidc/subject.js';
import { unavailable } from '../storage/outage.js';
import { evaluateGates, type GateReader, verdictOf } from './evaluate-gates.js';
import type { GroupStore } from './gate-groups.js';
import { describeGate, tokenGatesOf } from './token-gates.js';

interface RefreshTokenLike {
  kind?: string;
  consumed?: unknown;
  sessionUid?: string;
  clientId?: string;
}

function isRefresh(ctx: KoaContextWithOIDC | undefined, token: RefreshTokenLike | undefined): token is RefreshTokenLike {
  return ctx?.oidc?.route === 'token' && token?.kind === 'RefreshToken';
}

/** findAccount that evaluates the client's gates again when a refresh token is used. */
export function gatedAtRefresh(findAccount: FindAccount, reader: GateReader | undefined, groups: GroupStore | undefined): FindAccount {
  return async (ctx, accountId, token) => {
    const account = await findAccount(ctx, accountId, token);
    const refresh = token as RefreshTokenLike | undefined;
    if (!account || !isRefresh(ctx, refresh) || refresh.consumed) return account;
    const client = ctx.oidc.client;
    const gates = client ? tokenGatesOf(client) : [];
    const address = parseAccountId(accountId)?.address;
    if (!client || gates.length === 0 || !address) return account;
    const outcome = await evaluateGates(reader, gates, address);
    const verdict = verdictOf(outcome);
    if (verdict.kind === 'denied') {
      const error = new errors.InvalidGrant();
      // oidc-provider keeps invalid_grant's reasons to itself; this one the relying party may know (it is its own policy).
      error.error_description = `the account no longer holds what this application requires: ${verdict.gates.map(describeGate).join('; ')}`;
      throw error;
    }
    if (verdict.kind === 'unavailable') {
      const chains = [...new Set(verdict.gates.map((gate) => gate.chainId))].join(', ');
      throw unavailable(
        `the network of chain ${chains} could not be reached to check what this application requires; try again in a moment`,
      );
    }
    await groups?.keep(ctx, refresh.sessionUid, client.clientId, outcome.groups);
    return account;
  };
}
