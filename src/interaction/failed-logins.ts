/**
 * Failed sign-ins per Ethereum address (RATE_LIMITS' `address`, default
 * 10 a minute), counted per pair of Ethereum address and client address.
 *
 * An attempt refused for its message or signature (any SiweError below 500
 * once the message parsed, so the address is known: a wrong domain, nonce or
 * resource, an expired message, a bad signature, a replay) counts against its
 * pair. Once the pair has reached the limit, its next attempts whose key did
 * not sign get 429 with Retry-After: the gate stands right after the EOA
 * check, before a contract wallet's chain call and the nonce, which a refused
 * attempt never burns. A successful sign-in neither counts nor resets the
 * count: the window ends by itself.
 *
 * Why after the EOA check and not before it: a signature made by the
 * address's own key is proof, not a guess, and is never refused for others'
 * failures; and checking the count costs a store round trip, more than the
 * signature recovery it would save. So an EOA sign-in, the common case, costs
 * no count at all; the gate still stands before everything costly (a
 * contract wallet's chain call) and in front of every failing attempt.
 *
 * Why the pair and not the address alone: addresses are public, and a
 * signature cannot be guessed, so a limit on the address alone protects no
 * account and hands anyone a lock-out: ten forged attempts a minute with a
 * victim's address would keep the victim from signing in. Counted per pair,
 * only someone behind the victim's own client address (the same NAT or proxy)
 * can do that. What one client address can try overall is bounded by the
 * `login` limit; this one keeps it from spending that on one account (each
 * attempt on a contract wallet costs a chain call).
 */
import type { Context } from 'koa';
import { checkSignature } from '../siwe/checks/check-signature.js';
import { parseMessage } from '../siwe/checks/parse-message.js';
import { SIWE_CHECKS, type SiweCheck } from '../siwe/checks/pipeline.js';
import { SiweError } from '../siwe/siwe-error.js';
import { Problem } from '../web/problem.js';
import { clientKey, type RateLimiter, refusalDescription, TOO_MANY_REQUESTS } from '../web/rate-limiter.js';

export interface FailedLogins {
  /** The login checks with the gate right after the EOA signature check. */
  checks: readonly SiweCheck[];
  /** Counts a refused attempt against its pair, when it is a refusal of the message or signature. */
  record(error: unknown): Promise<void>;
}

const AFTER_PARSE = SIWE_CHECKS.indexOf(parseMessage) + 1;
const AFTER_EOA = SIWE_CHECKS.indexOf(checkSignature) + 1;

/** The failed-login accounting of one attempt; undefined when the `address` limit is off. */
export function failedLogins(limiter: RateLimiter | undefined, ctx: Context): FailedLogins | undefined {
  if (limiter === undefined || limiter.limit('address') === null || AFTER_PARSE === 0 || AFTER_EOA === 0) return undefined;
  let key: string | undefined;
  // Right after parsing: the pair a refusal from here on counts against (nothing is read yet).
  const pair: SiweCheck = (siwe) => {
    key = `${siwe.message.address.toLowerCase()}@${clientKey(ctx.ip)}`;
  };
  const gate: SiweCheck = async (siwe) => {
    // The key signed: proven, whatever others tried.
    if (siwe.signer !== undefined || key === undefined) return;
    const verdict = await limiter.check('address', key);
    if (verdict === undefined || verdict.allowed) return;
    ctx.set('Retry-After', String(verdict.retryAfter));
    throw new Problem(TOO_MANY_REQUESTS, refusalDescription('address', verdict), 429);
  };
  return {
    checks: [
      ...SIWE_CHECKS.slice(0, AFTER_PARSE),
      pair,
      ...SIWE_CHECKS.slice(AFTER_PARSE, AFTER_EOA),
      gate,
      ...SIWE_CHECKS.slice(AFTER_EOA),
    ],
    async record(error) {
      if (key === undefined || !(error instanceof SiweError) || error.status >= 500) return;
      await limiter.penalize('address', key);
    },
  };
}
